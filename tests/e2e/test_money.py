"""Money typed the Vietnamese way into the real give form, in Chromium at 390 px: the
preview under the field (static/js/money.js) says the amount and its words as the donor
types, the server stores what the preview said, and the ambiguous entries are seen."""

import json

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from core.formatting import format_vnd
from core.money import parse_vnd
from core.vnwords import amount_in_words
from donations.models import Pledge
from donations.selectors import suggested_amounts
from needs.models import Need
from tests.support.browser import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCEPTED = [
    ("1.250.000", 1_250_000),
    ("1250000", 1_250_000),
    ("1 250 000", 1_250_000),
    ("1.250.000 ₫", 1_250_000),
    ("1.250.000đ", 1_250_000),
    ("1,25 triệu", 1_250_000),
    ("1.25tr", 1_250_000),
    ("1,5tr", 1_500_000),
    ("500k", 500_000),
    ("500 nghìn", 500_000),
    ("1.250", 1_250),  # ambiguous: the Vietnamese grouping, spelled out below the field
]
# More than any need can take: read (2 tỷ), then refused by the server as too much.
WORDS_CHECKED = [0, 5, 15, 21, 105, 1_005, 2_050, 1_250_000, 1_000_005, 2_000_000_000, 1_000_000_000_000, 10**13 - 1]


PARSE_CHECKED = [
    "1,5",
    "1.5",
    "1,250",
    "1,2345 nghìn",
    "một triệu",
    "500k 2tr",
    "1tr5",
    "2 tỷ 300 triệu",
    "1.500 nghìn",
    "1.250.000,00",
    "1,250,000",
    "-500.000",
    "1" * 16,
    "0,5 tỷ",
    "₫1.000",
]


def python_reading(text: str):
    try:
        return parse_vnd(text)
    except ValidationError as refused:
        return {"max_value": "max"}.get(refused.code, refused.code)


def a_need_lacking(amount: int) -> Need:
    for need in Need.objects.filter(status=Need.Status.VERIFIED, lunch_cost__isnull=True).order_by("pk"):
        if need.amount_missing >= amount:
            return need
    raise AssertionError("the demo has no need lacking that much")


def test_each_way_of_typing_money_is_seen_and_stored(phone, demo, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "pledge": "100/m/ip"}
    need = a_need_lacking(sum(amount for _, amount in ACCEPTED) + 1_000_000)
    give = f"{phone.base_url}/donations/give/{need.pk}/"
    amount_box = phone.locator("input[name=amount]")
    preview = phone.locator(".money-preview")

    # The script's words are core/vnwords.py's, for amounts of every shape.
    phone.goto(give)
    from_js = phone.evaluate(f"{json.dumps(WORDS_CHECKED)}.map(window.portalMoney.words)")
    assert from_js == [amount_in_words(amount) for amount in WORDS_CHECKED]
    # And its reading of what is typed is core/money.py's, refusals included.
    typed = [text for text, _ in ACCEPTED] + PARSE_CHECKED
    from_js = phone.evaluate(
        f"{json.dumps(typed)}.map(t => {{ const r = window.portalMoney.parse(t); return r.error ? r.error : r.amount; }})"
    )
    assert from_js == [python_reading(text) for text in typed]

    for index, (typed, amount) in enumerate(ACCEPTED):
        phone.goto(give)
        amount_box.fill(typed)
        expect(preview).to_contain_text(format_vnd(amount))
        expect(preview).to_contain_text(amount_in_words(amount))
        if typed == "1.250":
            expect(preview).to_contain_text("Một nghìn hai trăm năm mươi đồng")
            screenshot(phone, "money-1-ambiguous-1250-phone")
        phone.fill("input[name=name]", f"Khách {index}")
        phone.fill("input[name=email]", f"money{index}@example.com")
        phone.get_by_role("button", name="Cam kết ủng hộ").click()
        expect(phone.get_by_text("Cảm ơn bạn! Cam kết ủng hộ đã được ghi nhận.")).to_be_visible()
        assert Pledge.objects.get(donor_email=f"money{index}@example.com").amount == amount, typed

    # "1,5" is refused, before sending (the preview) and after (the server's message),
    # both offering the reading in triệu; what was typed stays in the box.
    phone.goto(give)
    amount_box.fill("1,5")
    expect(preview).to_contain_text("1,5 triệu = 1.500.000\u00a0₫?")
    expect(preview).to_have_class("form-text money-preview text-danger")
    phone.fill("input[name=name]", "Khách mơ hồ")
    phone.fill("input[name=email]", "money-ambiguous@example.com")
    phone.get_by_role("button", name="Cam kết ủng hộ").click()
    expect(phone.locator("#id_amount_error")).to_contain_text("Có phải ý bạn là 1,5 triệu = 1.500.000\u00a0₫?")
    assert amount_box.input_value() == "1,5"
    expect(preview).to_have_text("")  # the server's message is not said twice
    screenshot(phone, "money-2-decimal-refused-phone")

    # "2 tỷ" is read as 2.000.000.000 ₫, and refused as more than the need can take.
    amount_box.fill("2 tỷ")
    expect(preview).to_contain_text("2.000.000.000\u00a0₫ · Hai tỷ đồng")
    phone.get_by_role("button", name="Cam kết ủng hộ").click()
    expect(phone.locator("#id_amount_error")).to_be_visible()
    assert not Pledge.objects.filter(donor_email="money-ambiguous@example.com").exists()

    # A suggested amount fills the field (never more than what is left).
    need.refresh_from_db()
    suggestions = suggested_amounts(need)
    assert suggestions and all(s["amount"] <= need.amount_missing for s in suggestions)
    phone.goto(give)
    first = suggestions[0]["amount"]
    phone.locator(f"[data-money-fill='{first}']").click()
    assert parse_vnd(amount_box.input_value()) == first
    expect(preview).to_contain_text(amount_in_words(first))
    screenshot(phone, "money-3-suggestions-phone")


def test_suggestions_work_without_javascript_and_show_on_a_desktop(browser, live_server, page, demo):
    need = a_need_lacking(2_000_000)
    left = need.amount_missing
    page.goto(f"{live_server.url}/donations/give/{need.pk}/")
    chips = page.locator("[data-money-fill]")
    expect(chips.last).to_contain_text(format_vnd(left))
    page.locator("input[name=amount]").fill("1.250")
    expect(page.locator(".money-preview")).to_contain_text("Một nghìn hai trăm năm mươi đồng")
    screenshot(page, "money-4-give-form-desktop")

    # Without JavaScript a chip is a link that comes back with the amount in the field.
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        plain = context.new_page()
        plain.goto(f"{live_server.url}/donations/give/{need.pk}/")
        plain.locator(f"a[data-money-fill='{left}']").click()
        assert plain.locator("input[name=amount]").input_value() == f"{left:,}".replace(",", ".")
        # A link to more than what is left fills nothing.
        plain.goto(f"{live_server.url}/donations/give/{need.pk}/?amount={left + 1000}")
        assert plain.locator("input[name=amount]").input_value() == ""
    finally:
        context.close()
