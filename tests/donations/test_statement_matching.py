"""Matching an unmatched statement line to a waiting pledge by hand, and undoing it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.formatting import format_vnd
from donations.models import Pledge, PledgeEvent, PledgeNotice, StatementImport, StatementLine
from donations.services import PledgeRefused, pledge_receive, statement_line_unmatch
from needs.models import Need


def statement_csv(*lines):
    rows = ["Ngày giao dịch;Số tiền ghi có;Nội dung;Mã giao dịch", *lines]
    return "\n".join(rows).encode("utf-8")


@pytest.fixture
def statement(client, area, pledges):
    """Officer A's preview: line 2 names no reference (2.000.000 ₫, the first pledge's
    amount), line 3 is 9.000.000 ₫ (more than any pledge), line 4 is matched by reference."""
    _first, second, _third, _outside = pledges
    client.force_login(area.officer_a)
    content = statement_csv(
        "20/11/2026;2.000.000;Ung ho hoc sinh vung cao;FT01",
        "20/11/2026;9.000.000;Ung ho lon;FT02",
        f"21/11/2026;1.500.000;{second.reference};FT03",
    )
    client.post(reverse("donations:statements"), {"file": SimpleUploadedFile("saoke.csv", content)})
    return StatementImport.objects.get()


def line_url(statement, line):
    return reverse("donations:statement_line", args=[statement.pk, line])


def test_it_lists_waiting_pledges_of_the_same_amount_first(client, statement, pledges):
    first, _second, third, outside = pledges
    page = client.get(line_url(statement, 2)).content.decode()
    # The first pledge (2.000.000 ₫) before the newer ones; nothing of another district.
    assert page.index(first.reference) < page.index(third.reference)
    assert outside.reference not in page
    assert format_vnd(2_000_000) in page


def test_it_searches_by_reference_amount_and_name(client, statement, pledges):
    first, _second, third, _outside = pledges
    by_reference = client.get(line_url(statement, 2), {"q": third.reference.lower()}).content.decode()
    assert third.reference in by_reference and first.reference not in by_reference
    by_amount = client.get(line_url(statement, 2), {"q": "500.000"}).content.decode()
    assert third.reference in by_amount and first.reference not in by_amount
    by_name = client.get(line_url(statement, 2), {"q": "le minh"}).content.decode()
    assert first.reference in by_name and third.reference in by_name
    nobody = client.get(line_url(statement, 2), {"q": "Nguyễn Không Có"}).content.decode()
    assert first.reference not in nobody


def test_matching_by_hand_receives_the_pledge_with_history(client, area, statement, pledges):
    first = pledges[0]
    need_received_before = Need.objects.get(pk=first.need_id).amount_received
    preview_url = reverse("donations:statement", args=[statement.pk])
    assert client.get(preview_url).content.decode().count("match-link") == 2  # lines 2 and 3

    response = client.post(line_url(statement, 2), {"pledge": first.pk, "note": "Chuyển khoản của chị Minh"})

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Pledge.Status.RECEIVED
    assert first.received_amount == 2_000_000
    assert first.received_on.isoformat() == "2026-11-20"
    assert first.received_by == area.officer_a
    assert Need.objects.get(pk=first.need_id).amount_received == need_received_before + 2_000_000
    line = StatementLine.objects.get()
    assert (line.transaction, line.manual, line.matched_by, line.note) == (
        "FT01",
        True,
        area.officer_a,
        "Chuyển khoản của chị Minh",
    )
    assert line.history.get().history_user == area.officer_a
    assert first.history.first().history_user == area.officer_a
    event = PledgeEvent.objects.filter(pledge=first).latest("pk")
    assert event.to_status == "received" and "Chuyển khoản của chị Minh" in event.note and "saoke.csv" in event.note
    assert PledgeNotice.objects.filter(pledge=first, kind="received").exists()
    # The preview shows the line as matched by hand, no longer offered for matching.
    preview = client.get(preview_url).content.decode()
    assert preview.count("match-link") == 1
    assert 'id="count-manual">1 dòng đã ghép tay.<' in preview
    assert first.reference in preview


def test_a_line_is_matched_once_and_a_pledge_received_once(client, statement, pledges):
    first, _second, third, _outside = pledges
    client.post(line_url(statement, 2), {"pledge": first.pk})
    # The same line to another pledge: refused, the other pledge still waits.
    client.post(line_url(statement, 2), {"pledge": third.pk})
    third.refresh_from_db()
    assert third.status == Pledge.Status.PLEDGED
    assert StatementLine.objects.count() == 1
    # Applying the statement afterwards applies only its matched line (line 4).
    client.post(reverse("donations:statement", args=[statement.pk]))
    assert set(StatementLine.objects.values_list("transaction", flat=True)) == {"FT01", "FT03"}


def test_a_line_of_more_than_the_pledge_is_refused(client, statement, pledges):
    """9.000.000 ₫ on a pledge of 2.000.000 ₫ would count more than was promised."""
    first = pledges[0]
    need_before = Need.objects.get(pk=first.need_id).amount_received

    response = client.post(line_url(statement, 3), {"pledge": first.pk}, follow=True)

    assert "lớn hơn số tiền cam kết" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Pledge.Status.PLEDGED
    assert Need.objects.get(pk=first.need_id).amount_received == need_before
    assert not StatementLine.objects.exists()


def test_a_pledge_already_received_is_not_received_again(client, area, statement, pledges):
    first = pledges[0]
    pledge_receive(pledge=first, actor=area.staff_a, amount=2_000_000, received_on="2026-11-19")
    need_before = Need.objects.get(pk=first.need_id).amount_received

    client.post(line_url(statement, 2), {"pledge": first.pk})

    assert Need.objects.get(pk=first.need_id).amount_received == need_before
    assert not StatementLine.objects.exists()


def test_a_matched_or_unknown_line_cannot_be_matched_by_hand(client, statement, pledges):
    first = pledges[0]
    client.post(line_url(statement, 4), {"pledge": first.pk})  # matched by its reference
    assert client.get(line_url(statement, 99)).status_code == 404
    first.refresh_from_db()
    assert first.status == Pledge.Status.PLEDGED


def test_undoing_a_manual_match_puts_the_pledge_back_with_history(client, area, statement, pledges):
    first = pledges[0]
    need_before = Need.objects.get(pk=first.need_id).amount_received
    client.post(line_url(statement, 2), {"pledge": first.pk})
    unmatch = reverse("donations:statement_unmatch", args=[statement.pk, 2])

    refused = client.post(unmatch, {"reason": ""})  # a reason is needed
    assert refused.status_code == 302
    assert StatementLine.objects.count() == 1

    client.post(unmatch, {"reason": "Nhầm người chuyển"})

    first.refresh_from_db()
    assert first.status == Pledge.Status.PLEDGED
    assert first.received_amount is None and first.received_on is None
    assert Need.objects.get(pk=first.need_id).amount_received == need_before
    assert not StatementLine.objects.exists()
    deleted = StatementLine.history.filter(history_type="-").get()
    assert deleted.history_user == area.officer_a and deleted.history_change_reason == "Nhầm người chuyển"
    event = PledgeEvent.objects.filter(pledge=first).latest("pk")
    assert (event.from_status, event.to_status, event.note) == ("received", "pledged", "Nhầm người chuyển")
    # The "received" mail, not sent yet, is not sent.
    assert not PledgeNotice.objects.filter(pledge=first, kind="received").exists()
    # The line may now be matched to the right pledge.
    third = pledges[2]
    client.post(line_url(statement, 3), {"pledge": third.pk})  # 9.000.000 > 500.000: still refused
    client.post(line_url(statement, 2), {"pledge": first.pk})
    first.refresh_from_db()
    assert first.status == Pledge.Status.RECEIVED


def test_a_delivered_pledge_cannot_be_unmatched(client, statement, pledges):
    first = pledges[0]
    client.post(line_url(statement, 2), {"pledge": first.pk})
    Pledge.objects.filter(pk=first.pk).update(status=Pledge.Status.DELIVERED)
    line = StatementLine.objects.get()

    with pytest.raises(PledgeRefused):
        statement_line_unmatch(line=line, actor=None, reason="nhầm")

    assert StatementLine.objects.exists()
    assert Pledge.objects.get(pk=first.pk).received_amount == 2_000_000


def test_an_automatic_match_is_not_undone_here(client, statement, pledges):
    client.post(reverse("donations:statement", args=[statement.pk]))
    line = StatementLine.objects.get(transaction="FT03")
    with pytest.raises(PledgeRefused):
        statement_line_unmatch(line=line, actor=None, reason="nhầm")
    assert Pledge.objects.get(pk=pledges[1].pk).status == Pledge.Status.RECEIVED


def test_matching_is_for_the_statements_uploader_and_the_pledges_of_their_area(client, area, statement, pledges):
    first, _second, _third, outside = pledges
    url = line_url(statement, 2)
    # Another district's officer: the statement is not theirs (404).
    client.force_login(area.officer_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"pledge": first.pk}).status_code == 404
    # School staff and outsiders are no officers (403).
    for user in (area.staff_a, area.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"pledge": first.pk}).status_code == 403
    # The uploader, with a pledge of another district: not found.
    client.force_login(area.officer_a)
    assert client.post(url, {"pledge": outside.pk}).status_code == 404
    assert not StatementLine.objects.exists()
    assert Pledge.objects.get(pk=outside.pk).status == Pledge.Status.PLEDGED
    # Anonymous visitors log in first; unmatching is a POST only.
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(area.officer_a)
    assert client.get(reverse("donations:statement_unmatch", args=[statement.pk, 2])).status_code == 405
