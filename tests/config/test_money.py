"""Money typed the Vietnamese way (core.money.parse_vnd, behind every VndField): the
formats people type, the ambiguous entries and their messages, and round trips."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import format_number, format_vnd
from core.forms import VndField
from core.money import parse_vnd


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.250.000", 1_250_000),
        ("1250000", 1_250_000),
        ("1 250 000", 1_250_000),
        ("1\u00a0250\u00a0000", 1_250_000),
        ("1.250.000 ₫", 1_250_000),
        ("1.250.000đ", 1_250_000),
        ("1.250.000 đồng", 1_250_000),
        ("1.250.000 VND", 1_250_000),
        ("₫1.250.000", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("1,250,000", 1_250_000),
        ("1,25 triệu", 1_250_000),
        ("1,25 TRIỆU", 1_250_000),
        ("1.25tr", 1_250_000),
        ("1,5tr", 1_500_000),
        ("1tr5", 1_500_000),
        ("1tr250", 1_250_000),
        ("500k", 500_000),
        ("500K", 500_000),
        ("500 nghìn", 500_000),
        ("500 ngàn đồng", 500_000),
        ("2 tỷ", 2_000_000_000),
        ("2 tỉ", 2_000_000_000),
        ("2 tỷ 300 triệu", 2_300_000_000),
        ("1 triệu 500 nghìn", 1_500_000),
        ("1.500 nghìn", 1_500_000),  # dots group thousands, unit or not
        ("1.250", 1_250),  # dots group thousands: 1.250 ₫, and the preview says so in words
        ("0", 0),
        ("-500.000", -500_000),  # read; the field's minimum refuses it where it has no place
    ],
)
def test_it_reads_the_ways_people_type_money(typed, amount):
    assert parse_vnd(typed) == amount


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("1,5", "decimal", "Did you mean 1,5 triệu = 1.500.000 ₫? Then type 1.500.000."),
        ("1.5", "decimal", "Did you mean 1,5 triệu = 1.500.000 ₫?"),
        ("1,25", "decimal", "Did you mean 1,25 triệu = 1.250.000 ₫?"),
        ("1,250", "decimal", "1,250 triệu = 1.250.000 ₫?"),
        ("1,2345 nghìn", "fraction", "leaves part of a đồng"),
        ("một triệu", "invalid", "Type it as 1.250.000, 500k or 1,5 triệu."),
        ("500k 2tr", "invalid", "is not an amount"),
        ("1.25.000", "invalid", "is not an amount"),
        ("tr", "invalid", "is not an amount"),
        ("1" * 16, "max_value", "too large"),
    ],
)
def test_it_refuses_what_is_not_a_whole_amount_with_a_message_that_helps(typed, code, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_vnd(typed)
    assert refused.value.code == code
    assert message in refused.value.messages[0].replace("\u00a0", " ")


def test_it_speaks_vietnamese_to_the_donor():
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        parse_vnd("1,5")
    assert "Có phải ý bạn là 1,5 triệu = 1.500.000\u00a0₫?" in refused.value.messages[0]


def test_it_is_what_every_vnd_field_reads():
    field = VndField(min_value=1000)
    assert field.clean("1,5tr") == 1_500_000
    assert field.clean(2_000) == 2_000
    assert VndField(required=False).clean("") is None
    with translation.override("en"), pytest.raises(forms.ValidationError) as refused:
        field.clean("1,5")
    assert "1.500.000" in refused.value.messages[0]
    with pytest.raises(forms.ValidationError):
        field.clean("500")  # its minimum still holds
    # The widget carries the marker money.js looks for, and shows the amount back grouped.
    widget_html = field.widget.render("amount", field.prepare_value(1_250_000))
    assert 'data-money=""' in widget_html and 'value="1.250.000"' in widget_html


@given(st.integers(min_value=0, max_value=10**13))
def test_any_amount_formatted_reads_back(amount):
    assert parse_vnd(format_vnd(amount)) == amount
    assert parse_vnd(format_number(amount)) == amount
    assert parse_vnd(str(amount)) == amount
    english = f"{amount:,}"
    if english.count(",") == 1:  # "1,250": a decimal comma or English grouping? Refused.
        with pytest.raises(ValidationError):
            parse_vnd(english)
    else:
        assert parse_vnd(english) == amount


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from([("k", 10**3), ("tr", 10**6), (" tỷ", 10**9)]))
def test_short_forms_read_back(thousandths, unit):
    """A figure with up to three decimals and a unit: "1,25tr", "0,5 tỷ", "125k"."""
    name, size = unit
    whole, decimals = divmod(thousandths, 1000)
    figure = f"{whole},{decimals:03d}".rstrip("0").rstrip(",") if decimals else str(whole)
    expected = thousandths * size // 1000
    if thousandths * size % 1000:
        with pytest.raises(ValidationError):
            parse_vnd(figure + name)
    else:
        assert parse_vnd(figure + name) == expected
        dotted = figure.replace(",", ".")
        if "." in dotted and len(dotted.split(".")[-1]) == 3:
            # "1.250tr": dots followed by three digits group thousands.
            assert parse_vnd(dotted + name) == int(dotted.replace(".", "")) * size
        else:
            assert parse_vnd(dotted + name) == expected
