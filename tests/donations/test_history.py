"""Every view of donations that changes data goes through a service that keeps the
history of the change with the user who made it (issue 14). Each test posts one valid
change as the user allowed to make it, then checks the rows and their history."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from donations import services
from donations.models import BankAccount, DonorProfile, PaymentRoute, Pledge, StatementImport, StatementLine
from donations.urls import urlpatterns
from tests.accounts.factories import UserFactory
from tests.donations.factories import BankAccountFactory
from tests.needs.factories import NeedFactory

# The views of donations that change data, each covered below.
WRITING_VIEWS = {
    "donations:give",
    "donations:cancel",
    "donations:receive",
    "donations:statements",
    "donations:statement",
    # matching a line by hand, undoing it, a bank's columns: their history is asserted
    # in test_statement_matching.py and test_statement_banks.py
    "donations:statement_line",
    "donations:statement_unmatch",
    "donations:statement_columns",
    "donations:profile",
    "donations:receiving_account",
    "donations:my_data_erase",
    "donations:fund_give",
    "donations:fund_create",
    "donations:fund_edit",
    "donations:sponsor",
    "donations:sponsorship_stop",
    # allocation plans (donations.allocations)
    "donations:fund_plans",
    "donations:plan",
    "donations:plan_approve",
    "donations:plan_withdraw",
    "donations:plan_reverse",
}
# The views that only read (a POST to them changes nothing).
READING_VIEWS = {
    "donations:mine",
    "donations:my_data",
    "donations:my_data_download",
    "donations:statement_template",
    "donations:honour",
    "donations:transparency",
    "donations:transparency_school",
    "donations:detail",
    "donations:letter",
    "donations:vietqr_png",
    "donations:fund_card",
    "donations:honour_index",
    "donations:transparency_index",
    "donations:fund",
    "donations:funds",
    "donations:plan_decision",
}


@pytest.fixture
def need(area):
    need = NeedFactory(school=area.school_a, items=[("Chăn ấm", 40, "cái", 250_000)])
    BankAccountFactory(office=area.office_a, bank_name="Agribank Tuần Giáo")
    return need


@pytest.fixture
def donor(db):
    return UserFactory(email="ha.tran@example.vn", full_name="Trần Thu Hà")


def _pledge(need, donor, amount=2_000_000) -> Pledge:
    pledge, _created = services.pledge_create(
        need=need,
        donor=services.DonorDetails(name=donor.full_name, email=donor.email, user=donor),
        amount=amount,
    )
    return pledge


def _newest(history):
    return history.order_by("-history_date", "-history_id").first()


def test_every_view_of_donations_is_listed_as_writing_or_reading():
    assert {f"donations:{pattern.name}" for pattern in urlpatterns} == WRITING_VIEWS | READING_VIEWS


def test_a_pledge_is_created_with_its_donor_in_the_history(client, need, donor):
    client.force_login(donor)
    response = client.post(
        reverse("donations:give", args=[need.pk]),
        {
            "kind": "money",
            "amount": "2000000",
            "name": "Trần Thu Hà",
            "email": donor.email,
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.donor, pledge.amount, pledge.status) == (donor, 2_000_000, Pledge.Status.PLEDGED)
    record = pledge.history.get()
    assert (record.history_type, record.history_user, record.amount) == ("+", donor, 2_000_000)


def test_cancelling_a_pledge_keeps_who_cancelled_it(client, need, donor):
    pledge = _pledge(need, donor)
    client.force_login(donor)
    assert client.post(reverse("donations:cancel", args=[pledge.reference]), {"confirmed": "yes"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELLED
    record = _newest(pledge.history)
    assert (record.history_type, record.history_user, record.status) == ("~", donor, Pledge.Status.CANCELLED)


def test_confirming_receipt_keeps_who_confirmed_it(client, area, need, donor):
    pledge = _pledge(need, donor)
    client.force_login(area.staff_a)
    response = client.post(
        reverse("donations:receive", args=[pledge.reference]), {"amount": "1900000", "received_on": "2026-11-20"}
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.status, pledge.received_amount, pledge.received_by) == (
        Pledge.Status.RECEIVED,
        1_900_000,
        area.staff_a,
    )
    record = _newest(pledge.history)
    assert (record.history_type, record.history_user, record.received_amount) == ("~", area.staff_a, 1_900_000)


def test_a_bank_statement_is_kept_with_its_uploader_and_applied_with_the_history(client, area, need, donor):
    pledge = _pledge(need, donor)
    client.force_login(area.officer_a)
    csv = f"Ngày giao dịch;Số tiền ghi có;Nội dung;Mã giao dịch\n20/11/2026;2.000.000;CK {pledge.reference};FT1\n"

    response = client.post(
        reverse("donations:statements"), {"file": SimpleUploadedFile("saoke.csv", csv.encode("utf-8"))}
    )
    # The import is its own record of who uploaded what (it has no history of its own).
    statement = StatementImport.objects.get()
    assert response.url == reverse("donations:statement", args=[statement.pk])
    assert (statement.uploaded_by, statement.file_name, statement.applied_at) == (area.officer_a, "saoke.csv", None)
    assert [row["outcome"] for row in statement.rows] == ["matched"]

    client.post(reverse("donations:statement", args=[statement.pk]))
    statement.refresh_from_db()
    pledge.refresh_from_db()
    assert statement.applied_at is not None
    assert (pledge.status, pledge.received_by) == (Pledge.Status.RECEIVED, area.officer_a)
    assert StatementLine.objects.get().pledge == pledge
    record = _newest(pledge.history)
    assert (record.history_type, record.history_user, record.status) == ("~", area.officer_a, Pledge.Status.RECEIVED)


def test_the_donor_profile_keeps_its_changes_but_not_who_the_donor_is(client, donor):
    client.force_login(donor)
    url = reverse("donations:profile")
    client.post(url, {"kind": "person", "name": "Trần Thu Hà", "display_name": "Chị Hà"})
    client.post(url, {"kind": "business", "name": "Công ty Minh Phát", "tax_code": "5600123456"})

    profile = DonorProfile.objects.get(user=donor)
    profile.refresh_from_db()
    assert (profile.kind, profile.name, profile.tax_code) == ("business", "Công ty Minh Phát", "5600123456")
    records = list(profile.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user, r.kind) for r in records] == [
        ("+", donor, "person"),
        ("~", donor, "business"),
    ]
    assert not any(hasattr(records[0], field) for field in ("name", "tax_code", "display_name"))


def test_an_officer_adds_the_schools_account_with_the_history(client, area):
    client.force_login(area.officer_a)
    response = client.post(
        reverse("donations:receiving_account", args=[area.school_a.pk]),
        {
            "add": "1",
            "bank_bin": "970405",
            "bank_name": "Agribank",
            "account_number": "8803205112233",
            "account_holder": "TRUONG PU XI",
        },
    )
    assert response.status_code == 302
    account = BankAccount.objects.get(school=area.school_a)
    account.refresh_from_db()
    assert (account.account_number, account.account_holder, account.office) == ("8803205112233", "TRUONG PU XI", None)
    record = account.history.get()
    assert (record.history_type, record.history_user, record.account_number) == ("+", area.officer_a, "8803205112233")


def test_every_choice_of_receiving_account_is_kept_with_who_made_it(client, area):
    office_account = BankAccountFactory(office=area.office_a)
    own = BankAccountFactory(school=area.school_a, account_holder="TRUONG PU XI")
    url = reverse("donations:receiving_account", args=[area.school_a.pk])
    client.force_login(area.officer_a)
    assert client.post(url, {"choose": "1", "account": own.pk}).status_code == 302
    client.force_login(area.officer_province)
    assert client.post(url, {"choose": "1", "account": office_account.pk}).status_code == 302

    route = PaymentRoute.objects.get(school=area.school_a)
    route.refresh_from_db()
    assert (route.account, route.set_by) == (office_account, area.officer_province)
    records = list(route.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user, r.account_id) for r in records] == [
        ("+", area.officer_a, own.pk),
        ("~", area.officer_province, office_account.pk),
    ]


def test_erasure_is_in_the_history_without_the_donor(client, area, need, donor):
    DonorProfile.objects.create(user=donor, name="Trần Thu Hà")
    waiting = _pledge(need, donor, amount=1_000_000)
    arrived = _pledge(need, donor, amount=3_000_000)
    services.pledge_receive(pledge=arrived, actor=area.staff_a, amount=3_000_000, received_on=timezone.localdate())
    client.force_login(donor)

    assert client.post(reverse("donations:my_data_erase"), {"confirm": donor.email}).status_code == 302

    assert not type(donor).objects.filter(pk=donor.pk).exists()
    for pledge in (waiting, arrived):
        pledge.refresh_from_db()
        assert (pledge.donor, pledge.anonymous, pledge.donor_email) == (
            None,
            True,
            f"erased-{pledge.pk}@invalid.invalid",
        )
        record = _newest(pledge.history)
        # Made by the donor, whose account is gone with the erasure: nobody is named.
        assert (record.history_type, record.donor_id, record.anonymous, record.history_user) == ("~", None, True, None)
    assert _newest(waiting.history.filter(status=Pledge.Status.CANCELLED)) is not None
    assert not DonorProfile.objects.exists()
    assert [r.history_type for r in DonorProfile.history.order_by("history_date")] == ["+", "-"]


def test_the_services_keep_the_acting_user_outside_a_request(area, need):
    """A command or a task has no request for the history middleware: the services put
    the acting user on the instance themselves."""
    own = services.school_account_add(
        school=area.school_a,
        actor=area.officer_a,
        bank_bin="970405",
        bank_name="Agribank",
        account_number="8803205112233",
        account_holder="TRUONG PU XI",
    )
    route = services.payment_route_set(school=area.school_a, account=own, actor=area.officer_province)
    donor = UserFactory(email="minh@example.vn")
    profile = services.donor_profile_save(user=donor, kind="person", name="Lê Minh")
    guest, _created = services.pledge_create(
        need=need, donor=services.DonorDetails(name="Lê Minh", email="MINH@example.vn"), amount=500_000
    )
    assert services.claim_guest_pledges(user=donor, email="minh@example.vn") == 1

    assert own.history.get().history_user == area.officer_a
    assert route.history.get().history_user == area.officer_province
    assert profile.history.get().history_user == donor
    assert _newest(guest.history).history_user == donor and _newest(guest.history).donor_id == donor.pk


def test_a_route_to_an_account_the_school_may_not_use_is_refused(area):
    elsewhere = BankAccountFactory(school=area.school_b)
    with pytest.raises(services.AccountRefused):
        services.payment_route_set(school=area.school_a, account=elsewhere, actor=area.officer_province)
    assert not PaymentRoute.objects.exists() and not PaymentRoute.history.exists()


def test_a_gift_to_a_fund_is_created_with_its_donor_in_the_history(client, area, donor):
    from donations.models import Fund

    fund = Fund.objects.create(office=area.office_a, name="Quỹ Tuần Giáo", slug="quy-tuan-giao")
    client.force_login(donor)
    response = client.post(
        reverse("donations:fund_give", args=[fund.slug]),
        {"amount": "2.000.000", "name": "Trần Thu Hà", "email": donor.email, "submission_token": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.fund, pledge.donor, pledge.amount) == (fund, donor, 2_000_000)
    record = pledge.history.get()
    assert (record.history_type, record.history_user, record.fund_id) == ("+", donor, fund.pk)


def test_a_fund_is_created_and_changed_with_its_officer_in_the_history(client, area):
    from donations.models import Fund

    client.force_login(area.officer_a)
    data = {"office": area.office_a.pk, "name": "Quỹ Tuần Giáo", "slug": "quy-tuan-giao", "is_open": "on"}
    assert client.post(reverse("donations:fund_create"), data).status_code == 302
    fund = Fund.objects.get()
    assert (fund.history.get().history_type, fund.history.get().history_user) == ("+", area.officer_a)

    data = {**data, "name": "Quỹ Tuần Giáo 2026", "is_open": ""}
    assert client.post(reverse("donations:fund_edit", args=[fund.slug]), data).status_code == 302
    record = _newest(fund.history)
    assert (record.history_type, record.history_user, record.name, record.is_open) == (
        "~",
        area.officer_a,
        "Quỹ Tuần Giáo 2026",
        False,
    )


def test_a_lunch_sponsorship_and_its_stop_are_kept_with_the_donor(client, area, donor):
    from datetime import date

    from donations.models import Sponsorship
    from needs.lunch import month_start
    from tests.support.lunch import make_lunch_need

    this_month = month_start(timezone.localdate())
    need = make_lunch_need(area, first=this_month, months=3)
    client.force_login(donor)
    response = client.post(
        reverse("donations:sponsor", args=[need.pk]),
        {
            "pupils": "4",
            "span": "year",
            "schedule": "monthly",
            "name": "Trần Thu Hà",
            "email": donor.email,
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    sponsorship = Sponsorship.objects.get()
    assert (sponsorship.donor, sponsorship.pupils, sponsorship.months) == (donor, 4, 3)
    record = sponsorship.history.get()
    assert (record.history_type, record.history_user, record.pupils) == ("+", donor, 4)
    assert {p.history.get().history_user for p in sponsorship.instalments.all()} == {donor}

    first = sponsorship.instalments.order_by("month").first()
    assert client.post(reverse("donations:sponsorship_stop", args=[first.reference])).status_code == 302
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.STOPPED
    record = _newest(sponsorship.history)
    assert (record.history_type, record.history_user, record.status) == ("~", donor, "stopped")
    later = sponsorship.instalments.exclude(pk=first.pk)
    assert {p.status for p in later} == {Pledge.Status.CANCELLED}
    assert {_newest(p.history).history_user for p in later} == {donor}
    assert first.month == this_month and date.today() >= first.month


# --- allocation plans ---------------------------------------------------------------------


@pytest.fixture
def fund_world(area, settings, tmp_path):
    from tests.donations.allocation_support import allocation_world

    settings.MEDIA_ROOT = tmp_path
    return allocation_world(area)


def test_a_plan_and_its_lines_are_drafted_with_the_drafter_in_the_history(client, fund_world):
    from donations.models import AllocationPlan

    w = fund_world
    client.force_login(w.drafter)
    client.post(reverse("donations:fund_plans", args=[w.fund.slug]), {"title": "Đợt 1", "reason": ""})
    plan = AllocationPlan.objects.get()
    url = reverse("donations:plan", args=[plan.pk])
    client.post(url, {"action": "add_line", "line-need": w.need_1.pk, "line-amount": "1.000.000"})
    line = plan.lines.get()
    client.post(url, {"action": "amount", "line": line.pk, f"line-{line.pk}-amount": "2.000.000"})
    client.post(url, {"action": "save", "plan-title": "Đợt 1 (sửa)", "plan-reason": "Căn cứ …"})
    assert plan.history.first().history_user == w.drafter
    assert [h.amount for h in line.history.order_by("history_date")] == [1_000_000, 2_000_000]
    assert {h.history_user for h in line.history.all()} == {w.drafter}
    client.post(url, {"action": "remove", "line": line.pk})
    assert line.history.first().history_type == "-" and line.history.first().history_user == w.drafter
    client.post(reverse("donations:plan_withdraw", args=[plan.pk]), {"confirmed": "yes"})
    latest = plan.history.first()
    assert (latest.status, latest.title, latest.history_user) == ("withdrawn", "Đợt 1 (sửa)", w.drafter)


def test_approval_and_reversal_keep_who_approved_them(client, fund_world):
    from donations.allocations import line_add, plan_draft
    from donations.models import AllocationPlan

    w = fund_world
    plan = plan_draft(fund=w.fund, actor=w.drafter, title="Đợt 1")
    line_add(plan=plan, need=w.need_1, amount=1_000_000, actor=w.drafter)
    client.force_login(w.approver)
    client.post(reverse("donations:plan_approve", args=[plan.pk]), {"signer": w.signer.pk, "confirmed": "yes"})
    plan.refresh_from_db()
    assert plan.history.first().history_user == w.approver and plan.history.first().status == "approved"
    pledge = plan.lines.get().pledge
    assert pledge.history.first().history_user == w.approver
    assert plan.document.history.first().history_user == w.approver

    client.force_login(w.drafter)
    client.post(
        reverse("donations:plan_reverse", args=[plan.pk]), {"lines": [plan.lines.get().pk], "reason": "Nhầm trường"}
    )
    reversal = AllocationPlan.objects.get(kind="reversal")
    assert reversal.history.first().history_user == w.drafter
    assert reversal.lines.get().history.first().history_user == w.drafter
