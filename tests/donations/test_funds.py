"""Programme funds (issue 17, item 1): donors give money to a fund exactly as to a need;
the fund's page shows to the đồng what was pledged, came in, was allocated and is left."""

import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from donations import funds, outbox, services
from donations.models import AllocationLine, AllocationPlan, Fund, Pledge, PledgeEvent, PledgeNotice, StatementImport
from donations.permissions import guest_key, pledge_url
from donations.selectors import receiving_account_of_fund
from tests.donations.factories import BankAccountFactory
from tests.needs.factories import NeedFactory
from tests.support.documents import pdf_text

GUEST = services.DonorDetails(name="Lê Minh", email="minh@example.vn")


@pytest.fixture
def fund(area):
    """District A's fund, whose gifts go to the office's own account."""
    BankAccountFactory(
        office=area.office_a,
        bank_name="Agribank Tuần Giáo",
        account_number="8800211223344",
        account_holder="Phòng GD&ĐT Tuần Giáo",
    )
    return funds.fund_save(
        office=area.office_a,
        actor=area.officer_a,
        name="Quỹ Điều ước cho em – Tuần Giáo 2026",
        slug="dieu-uoc-tuan-giao-2026",
        description="Bữa trưa và chăn ấm cho học sinh bán trú.",
    )


def give(fund, amount, donor=GUEST, **options):
    pledge, _created = services.pledge_create(fund=fund, donor=donor, amount=amount, **options)
    return pledge


def form_data(**overrides):
    return {
        "amount": "5.000.000",
        "name": "Lê Minh",
        "email": "minh@example.vn",
        "phone": "",
        "message": "",
        "submission_token": str(uuid.uuid4()),
        **overrides,
    }


# --- The service --------------------------------------------------------------------------


def test_a_gift_to_a_fund_counts_in_the_fund_with_its_history_and_mail(fund):
    pledge = give(fund, 5_000_000, message="Cho các em")

    fund.refresh_from_db()
    assert (pledge.fund, pledge.need, pledge.kind, pledge.amount) == (fund, None, "money", 5_000_000)
    assert pledge.reference.startswith("DU") and len(pledge.reference) == 8
    assert fund.amount_pledged == 5_000_000 and fund.amount_received == 0
    assert list(PledgeEvent.objects.filter(pledge=pledge).values_list("to_status", flat=True)) == ["pledged"]
    notice = PledgeNotice.objects.get(pledge=pledge)
    assert notice.kind == PledgeNotice.Kind.PLEDGED
    outbox.deliver(notice.pk)
    sent = mail.outbox[-1]
    assert sent.to == ["minh@example.vn"]
    assert "Quỹ Điều ước cho em – Tuần Giáo 2026" in sent.body
    assert "8800211223344" in sent.body and pledge.reference in sent.body


@pytest.mark.parametrize("amount", [0, -5_000_000])
def test_no_gift_of_nothing_or_less(fund, amount):
    with pytest.raises(services.PledgeRefused, match="lớn hơn 0"):
        give(fund, amount)
    fund.refresh_from_db()
    assert fund.amount_pledged == 0 and not Pledge.objects.exists()


def test_goods_go_to_needs_not_funds(fund):
    with pytest.raises(services.PledgeRefused, match="hiện vật xin ủng hộ cho các nhu cầu, không ủng hộ vào quỹ"):
        give(fund, 1_000_000, kind=Pledge.Kind.GOODS, goods_description="40 chăn")
    assert not Pledge.objects.exists()


def test_a_closed_fund_takes_no_gift(area, fund):
    funds.fund_save(
        office=area.office_a, actor=area.officer_a, name=fund.name, slug=fund.slug, is_open=False, fund=fund
    )
    with pytest.raises(services.PledgeRefused, match="Quỹ đã đóng"):
        give(fund, 1_000_000)
    fund.refresh_from_db()
    assert fund.amount_pledged == 0 and not Pledge.objects.exists()


def test_a_pledge_is_to_a_need_or_a_fund_never_both_nor_neither(area, fund):
    need = NeedFactory(school=area.school_a)
    with pytest.raises(ValueError):
        services.pledge_create(need=need, fund=fund, donor=GUEST, amount=1_000_000)
    with pytest.raises(ValueError):
        services.pledge_create(donor=GUEST, amount=1_000_000)


def test_the_same_submission_token_makes_one_gift(fund):
    token = uuid.uuid4()
    first = give(fund, 2_000_000, submission_token=token)
    again, created = services.pledge_create(fund=fund, donor=GUEST, amount=2_000_000, submission_token=token)
    fund.refresh_from_db()
    assert (again, created) == (first, False)
    assert fund.amount_pledged == 2_000_000 and Pledge.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_makes_one_gift(area):
    fund = Fund.objects.create(office=area.office_a, name="Quỹ", slug="quy-dong-thoi")
    token = uuid.uuid4()
    barrier, results, errors = threading.Barrier(2), [], []

    def submit():
        try:
            barrier.wait()
            results.append(services.pledge_create(fund=fund, donor=GUEST, amount=3_000_000, submission_token=token))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(created for _pledge, created in results) == [False, True]
    fund.refresh_from_db()
    assert fund.amount_pledged == 3_000_000 and Pledge.objects.filter(fund=fund).count() == 1


# --- The give page ------------------------------------------------------------------------


def test_a_guest_gives_with_the_amount_typed_the_vietnamese_way(client, fund):
    response = client.post(reverse("donations:fund_give", args=[fund.slug]), form_data(amount="5.000.000 ₫"))

    pledge = Pledge.objects.get()
    assert response.url == pledge_url(pledge)
    assert (pledge.fund, pledge.amount, pledge.donor) == (fund, 5_000_000, None)
    page = client.get(response.url).content.decode()
    assert pledge.reference in page and "vietqr" in page
    assert "8800211223344" in page and fund.name in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Mức ủng hộ tối thiểu là 1.000 ₫."),
        ("-5.000.000", "Mức ủng hộ tối thiểu là 1.000 ₫."),
        ("5,5", "Có phải ý bạn là 5,5 triệu = 5.500.000\u00a0₫?"),
        ("năm triệu", "nhập số tiền nguyên theo đồng"),
        ("", "Trường này là bắt buộc."),
    ],
)
def test_a_bad_amount_is_told_by_the_field_and_nothing_is_lost(client, fund, amount, message):
    response = client.post(
        reverse("donations:fund_give", args=[fund.slug]), form_data(amount=amount, message="Chúc các em")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors["amount"])
    page = response.content.decode()
    assert "Chúc các em" in page and "minh@example.vn" in page
    assert not Pledge.objects.exists()


def test_a_closed_fund_says_so_on_its_give_page(client, area, fund):
    Fund.objects.filter(pk=fund.pk).update(is_open=False)
    response = client.post(reverse("donations:fund_give", args=[fund.slug]), form_data())
    assert response.status_code == 200
    assert "Quỹ đã đóng" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_double_click_on_the_give_form_makes_one_gift(client, fund):
    data = form_data()
    first = client.post(reverse("donations:fund_give", args=[fund.slug]), data)
    second = client.post(reverse("donations:fund_give", args=[fund.slug]), data)
    assert first.url == second.url
    assert Pledge.objects.count() == 1


def test_a_signed_in_donor_gives_under_their_account(client, area, fund):
    client.force_login(area.outsider)
    client.post(reverse("donations:fund_give", args=[fund.slug]), form_data(email=area.outsider.email))
    assert Pledge.objects.get().donor == area.outsider


def test_the_give_page_is_rate_limited_like_a_needs(client, fund, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "pledge": "2/m/ip"}
    statuses = [
        client.post(reverse("donations:fund_give", args=[fund.slug]), form_data()).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429]


# --- The fund's page ----------------------------------------------------------------------


def test_the_fund_page_balances_to_the_dong(client, area, fund, django_assert_max_num_queries):
    today = timezone.localdate()
    received = give(fund, 5_000_000, donor=services.DonorDetails(name="Công ty Hoa Ban", email="hb@example.vn"))
    services.pledge_receive(pledge=received, actor=area.officer_a, amount=5_000_000, received_on=today)
    anonymous = give(fund, 1_250_000, anonymous=True)
    services.pledge_receive(pledge=anonymous, actor=area.officer_a, amount=1_250_000, received_on=today)
    give(fund, 700_000)  # still awaited
    cancelled = give(fund, 900_000)
    services.pledge_cancel(pledge=cancelled, actor=None)
    lapsed = give(fund, 300_000)
    Pledge.objects.filter(pk=lapsed.pk).update(expires_on=today - timedelta(days=1))
    assert services.pledge_expire(pledge=lapsed)

    fund.refresh_from_db()
    assert (fund.amount_pledged, fund.amount_received, fund.balance) == (6_950_000, 6_250_000, 6_250_000)
    with django_assert_max_num_queries(12):
        response = client.get(fund.get_absolute_url())
    page = response.content.decode()
    assert response.context["figures"] == {
        "awaiting": 700_000,
        "received": 6_250_000,
        "allocated": 0,
        "balance": 6_250_000,
    }
    assert 'id="fund-awaiting">700.000\u00a0₫<' in page
    assert 'id="fund-received">6.250.000\u00a0₫<' in page
    assert 'id="fund-allocated">0\u00a0₫<' in page
    assert 'id="fund-balance">6.250.000\u00a0₫<' in page
    # The honour roll names the named donor; the anonymous gift is counted without a name.
    assert "Công ty Hoa Ban" in page and "Lê Minh" not in page
    assert response.context["roll"]["anonymous_gifts"] == 1
    assert reverse("donations:fund_give", args=[fund.slug]) in page


def test_the_fund_page_lists_approved_allocations_only(client, area, fund, django_assert_max_num_queries):
    gift = give(fund, 6_000_000)
    services.pledge_receive(pledge=gift, actor=area.officer_a, amount=6_000_000, received_on=timezone.localdate())
    needs = [NeedFactory(school=area.school_a, title=f"Nhu cầu {n}") for n in range(3)]
    approved = AllocationPlan.objects.create(
        fund=fund, title="Phương án 1", status=AllocationPlan.Status.APPROVED, drafted_by=area.officer_a
    )
    draft = AllocationPlan.objects.create(fund=fund, title="Phương án 2", drafted_by=area.officer_a)
    for need in needs[:2]:
        AllocationLine.objects.create(plan=approved, need=need, amount=1_500_000)
    AllocationLine.objects.create(plan=draft, need=needs[2], amount=1_000_000)
    Fund.objects.filter(pk=fund.pk).update(amount_allocated=3_000_000)

    with django_assert_max_num_queries(12):
        response = client.get(fund.get_absolute_url())
    page = response.content.decode()
    assert "Nhu cầu 0" in page and "Nhu cầu 1" in page and "Nhu cầu 2" not in page
    assert 'id="fund-allocated">3.000.000\u00a0₫<' in page
    assert 'id="fund-balance">3.000.000\u00a0₫<' in page


def test_the_fund_page_names_its_campaign_and_hides_the_button_when_closed(client, area, fund):
    from campaigns.models import CampaignFund
    from tests.campaigns.factories import CampaignFactory

    campaign = CampaignFactory(scope=area.district_a, lead_office=area.office_a, is_published=True)
    CampaignFund.objects.create(campaign=campaign, fund=fund)
    Fund.objects.filter(pk=fund.pk).update(is_open=False)
    page = client.get(fund.get_absolute_url()).content.decode()
    assert campaign.get_absolute_url() in page
    assert reverse("donations:fund_give", args=[fund.slug]) not in page


def test_an_unknown_fund_is_404(client, db):
    assert client.get(reverse("donations:fund", args=["khong-co"])).status_code == 404
    assert client.get(reverse("donations:fund_give", args=["khong-co"])).status_code == 404


# --- Paying and receiving -----------------------------------------------------------------


def test_the_receiving_account_is_the_offices_else_the_departments(area):
    fund = Fund.objects.create(office=area.office_b, name="Quỹ Mường Ảng", slug="quy-muong-ang")
    assert receiving_account_of_fund(fund) is None
    department = BankAccountFactory(office=area.office_province)
    assert receiving_account_of_fund(fund) == department
    own = BankAccountFactory(office=area.office_b)
    assert receiving_account_of_fund(fund) == own


def test_an_officer_of_the_funds_office_confirms_a_gift_by_hand(client, area, fund):
    pledge = give(fund, 2_000_000)
    url = reverse("donations:receive", args=[pledge.reference])
    data = {"amount": "2000000", "received_on": "2026-11-20"}

    client.force_login(area.officer_b)  # another office: not theirs
    assert client.post(url, data).status_code == 404
    client.force_login(area.staff_a)
    assert client.post(url, data).status_code == 404
    client.force_login(area.officer_a)
    assert client.get(reverse("donations:detail", args=[pledge.reference])).status_code == 200
    assert client.post(url, data).status_code == 302

    pledge.refresh_from_db()
    fund.refresh_from_db()
    assert (pledge.status, pledge.received_by) == (Pledge.Status.RECEIVED, area.officer_a)
    assert fund.amount_received == 2_000_000


def test_a_statement_line_with_the_reference_marks_the_gift_received(client, area, fund):
    pledge = give(fund, 5_000_000)
    need = NeedFactory(school=area.school_a, items=[("Chăn", 40, "cái", 250_000)])
    need_pledge, _ = services.pledge_create(need=need, donor=GUEST, amount=2_000_000)
    csv = (
        "Ngày giao dịch;Số tiền ghi có;Nội dung;Mã giao dịch\n"
        f"20/11/2026;5.000.000;CK ung ho quy {pledge.reference};FT1\n"
        f"20/11/2026;2.000.000;{need_pledge.reference} chan am;FT2\n"
    )

    # Another district's officer does not see this office's fund.
    client.force_login(area.officer_b)
    client.post(reverse("donations:statements"), {"file": SimpleUploadedFile("a.csv", csv.encode())})
    assert [r["outcome"] for r in StatementImport.objects.get().rows] == ["unmatched", "unmatched"]

    client.force_login(area.officer_a)
    response = client.post(reverse("donations:statements"), {"file": SimpleUploadedFile("b.csv", csv.encode())})
    statement = StatementImport.objects.latest("pk")
    assert [r["outcome"] for r in statement.rows] == ["matched", "matched"]
    client.post(response.url)

    pledge.refresh_from_db()
    fund.refresh_from_db()
    assert (pledge.status, pledge.received_amount, pledge.received_on.isoformat()) == (
        "received",
        5_000_000,
        "2026-11-20",
    )
    assert (fund.amount_pledged, fund.amount_received) == (5_000_000, 5_000_000)
    assert Pledge.objects.get(pk=need_pledge.pk).status == "received"
    page = client.get(fund.get_absolute_url()).content.decode()
    assert 'id="fund-received">5.000.000\u00a0₫<' in page


def test_the_thank_you_letter_of_a_fund_gift_is_the_offices(client, area, fund):
    pledge = give(fund, 5_000_000, donor=services.DonorDetails(name="Trần Thu Hà", email="ha@example.vn"))
    services.pledge_receive(pledge=pledge, actor=area.officer_a, amount=5_000_000, received_on="2026-11-20")

    response = client.get(reverse("donations:letter", args=[pledge.reference]) + f"?key={guest_key(pledge)}")

    assert response.status_code == 200
    text = pdf_text(response.content)
    for expected in ("THƯ CẢM ƠN", "Trần Thu Hà", "5.000.000 ₫", "Quỹ Điều ước cho em", pledge.reference):
        assert expected in text, expected
    assert "Tuần Giáo" in text  # the fund's office, Phòng GD&ĐT Tuần Giáo, issues it


def test_the_donors_data_download_holds_their_fund_gifts(client, area, fund):
    give(fund, 1_000_000, donor=services.DonorDetails(name="Người ngoài", email=area.outsider.email))
    client.force_login(area.outsider)
    data = json.loads(client.get(reverse("donations:my_data_download")).content)
    (gift,) = data["pledges"]
    assert gift["need"] is None
    assert gift["fund"] == {"id": fund.pk, "name": fund.name, "office": area.office_a.name}


def test_the_received_mail_of_a_fund_gift_names_the_office(area, fund):
    pledge = give(fund, 1_000_000)
    services.pledge_receive(pledge=pledge, actor=area.officer_a, amount=1_000_000, received_on="2026-11-20")
    notice = PledgeNotice.objects.get(pledge=pledge, kind=PledgeNotice.Kind.RECEIVED)
    assert outbox.deliver(notice.pk)
    assert "Phòng GD&ĐT Tuần Giáo" in mail.outbox[-1].body


# --- Keeping funds ------------------------------------------------------------------------


def test_officers_keep_their_offices_funds(client, area, fund, django_assert_max_num_queries):
    client.force_login(area.officer_a)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("donations:funds")).content.decode()
    assert fund.name in page and reverse("donations:fund_edit", args=[fund.slug]) in page

    response = client.post(
        reverse("donations:fund_create"),
        {"office": area.office_a.pk, "name": "Quỹ Bữa trưa", "slug": "bua-trua", "description": "", "is_open": "on"},
    )
    created = Fund.objects.get(slug="bua-trua")
    assert response.url == created.get_absolute_url()
    assert (created.office, created.created_by, created.history.get().history_user) == (
        area.office_a,
        area.officer_a,
        area.officer_a,
    )

    response = client.post(
        reverse("donations:fund_edit", args=[fund.slug]),
        {"office": area.office_b.pk, "name": "Quỹ mới tên", "slug": fund.slug, "description": "", "is_open": ""},
    )
    fund.refresh_from_db()
    assert (fund.name, fund.is_open, fund.office) == ("Quỹ mới tên", False, area.office_a)


def test_a_fund_address_is_never_taken_twice(client, area, fund):
    client.force_login(area.officer_a)
    response = client.post(
        reverse("donations:fund_create"),
        {"office": area.office_a.pk, "name": "Quỹ khác", "slug": fund.slug, "description": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["slug"]
    with pytest.raises(funds.FundRefused):
        funds.fund_save(office=area.office_a, actor=area.officer_a, name="Quỹ", slug="new")


def test_who_keeps_funds(client, area, fund):
    edit = reverse("donations:fund_edit", args=[fund.slug])
    assert client.get(reverse("donations:funds")).status_code == 302  # to sign in
    for user in (area.outsider, area.staff_a):
        client.force_login(user)
        assert client.get(reverse("donations:funds")).status_code == 403
        assert client.get(reverse("donations:fund_create")).status_code == 403
        assert client.get(edit).status_code == 403
    # An officer of another office, or of the department above, does not keep this fund.
    for user in (area.officer_b, area.officer_province):
        client.force_login(user)
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"name": "x", "slug": fund.slug}).status_code == 403
        assert fund.name not in client.get(reverse("donations:funds")).content.decode()
    client.force_login(area.officer_a)
    assert client.get(reverse("donations:fund_edit", args=["khong-co"])).status_code == 404


def test_the_nightly_job_reminds_and_expires_fund_gifts_like_any(area, fund, settings):
    from donations.tasks import remind_and_expire_pledges

    today = timezone.localdate()
    waiting = give(fund, 1_000_000)
    lapsed = give(fund, 400_000)
    Pledge.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(days=settings.PLEDGE_REMINDER_DAYS + 1)
    )
    Pledge.objects.filter(pk=lapsed.pk).update(expires_on=today - timedelta(days=1))

    assert remind_and_expire_pledges() == {"reminded": {"done": 1, "failed": 0}, "expired": {"done": 1, "failed": 0}}

    fund.refresh_from_db()
    assert fund.amount_pledged == 1_000_000
    notice = PledgeNotice.objects.get(pledge=waiting, kind=PledgeNotice.Kind.REMINDER)
    outbox.deliver(notice.pk)
    assert "Quỹ Điều ước cho em – Tuần Giáo 2026" in mail.outbox[-1].body
    assert waiting.reference in mail.outbox[-1].body


@pytest.mark.parametrize("size", [1, 8])
def test_the_fund_page_runs_a_fixed_number_of_queries(client, area, fund, django_assert_num_queries, size):
    today = timezone.localdate()
    plan = AllocationPlan.objects.create(
        fund=fund, title="Phương án", status=AllocationPlan.Status.APPROVED, drafted_by=area.officer_a
    )
    for n in range(size):
        donor = services.DonorDetails(name=f"Nhà hảo tâm {n}", email=f"d{n}@example.vn")
        gift = give(fund, 1_000_000, donor=donor, anonymous=n % 2 == 1)
        services.pledge_receive(pledge=gift, actor=area.officer_a, amount=1_000_000, received_on=today)
        AllocationLine.objects.create(plan=plan, need=NeedFactory(school=area.school_a), amount=500_000)
    # The fund and its campaign, the money awaited, the honour roll (3), the allocations.
    with django_assert_num_queries(6):
        assert client.get(fund.get_absolute_url()).status_code == 200


def test_a_guest_cancels_a_fund_gift_with_their_link(client, fund):
    pledge = give(fund, 2_000_000)
    response = client.post(
        reverse("donations:cancel", args=[pledge.reference]),
        {"key": guest_key(pledge), "confirmed": "yes"},
        follow=True,
    )
    assert "Cam kết ủng hộ quỹ của bạn đã được hủy." in response.content.decode()
    fund.refresh_from_db()
    assert (Pledge.objects.get().status, fund.amount_pledged) == ("cancelled", 0)


def _at_once(*calls):
    """Run the calls in threads with their own connections, released together; return
    what each returned or raised."""
    from django.db import connections

    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_donors_giving_at_the_same_moment_each_count_once(area):
    fund = Fund.objects.create(office=area.office_a, name="Quỹ", slug="quy-cung-luc")
    donors = [services.DonorDetails(name=f"Người {n}", email=f"n{n}@example.vn") for n in range(5)]
    outcomes = _at_once(*(lambda d=d: give(fund, 1_000_000, donor=d) for d in donors))
    assert all(isinstance(o, Pledge) for o in outcomes)
    fund.refresh_from_db()
    assert fund.amount_pledged == 5_000_000 and fund.gifts.count() == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_gift_confirmed_by_hand_and_by_statement_at_once_arrives_once(area):
    fund = Fund.objects.create(office=area.office_a, name="Quỹ", slug="quy-xac-nhan")
    pledge = give(fund, 5_000_000)
    receive = lambda: services.pledge_receive(  # noqa: E731
        pledge=pledge, actor=area.officer_a, amount=5_000_000, received_on=timezone.localdate()
    )
    outcomes = _at_once(receive, receive)
    assert sorted(type(o).__name__ for o in outcomes) == ["Pledge", "PledgeRefused"]
    fund.refresh_from_db()
    assert fund.amount_received == 5_000_000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_fund_closed_while_a_donor_gives_either_takes_the_gift_first_or_refuses_it(area):
    fund = funds.fund_save(office=area.office_a, actor=area.officer_a, name="Quỹ", slug="quy-dong")
    close = lambda: funds.fund_save(  # noqa: E731
        office=area.office_a, actor=area.officer_a, name="Quỹ", slug="quy-dong", is_open=False, fund=fund
    )
    outcomes = _at_once(close, lambda: give(fund, 1_000_000))
    fund.refresh_from_db()
    assert not fund.is_open
    gifts = fund.gifts.count()
    assert fund.amount_pledged == gifts * 1_000_000
    assert any(isinstance(o, services.PledgeRefused) for o in outcomes) == (gifts == 0)
