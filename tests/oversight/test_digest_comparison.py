"""The department's digest compares its communes readably (issue 15, item 5): the five
behind and the five ahead by the rule of `oversight.comparison`, how many communes in
all, and every commune a row of the Excel file; a commune office compares nothing; and
the digest costs the same number of queries whatever the number of communes."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from needs.models import Need
from oversight import comparison
from oversight.digests import build_digest, render_digest, send_digest
from tests.oversight.communes import (
    AHEAD,
    BEHIND,
    COMMUNES,
    SIXTH_AHEAD,
    SIXTH_BEHIND,
    add_communes,
    add_late_pledge,
    add_need,
    build_department_of_communes,
)

MONDAY = date(2026, 11, 30)
START, END = date(2026, 11, 23), date(2026, 11, 29)


@pytest.fixture
def department(db):
    return build_department_of_communes()


def _section(text: str, heading: str, end: str) -> str:
    start = text.index(heading)
    return text[start : text.index(end, start + len(heading))]


def test_the_rule_names_five_behind_and_five_ahead_in_order(department):
    compared = build_digest(department.department, "weekly", START, END).content["comparison"]
    assert comparison.LIST_SIZE == 5
    assert compared.of_communes
    assert len(compared.places) == len(COMMUNES) == 36
    assert [place.name for place in compared.behind] == BEHIND
    assert [place.name for place in compared.ahead] == AHEAD
    by_name = {place.name: place for place in compared.places}
    assert (by_name["Xã Bản Công"].late_needs, by_name["Xã Bản Công"].longest_wait) == (3, 20)
    assert (by_name["Xã Cẩm Thạch"].overdue, by_name["Xã Cẩm Thạch"].late_pledges) == (3, 1)
    # Funded in full, but with needs waiting 30 days: behind, not ahead.
    assert by_name["Xã Đồng Lương"].share_funded == 1
    assert by_name["Xã Đồng Lương"] not in compared.ahead
    # A need waiting 3 days is not late; a verified need with nothing pledged is no achievement.
    assert by_name["Xã Trung Lý"].waiting == 1 and by_name["Xã Trung Lý"].overdue == 0
    assert not by_name["Xã Thiên Phủ"].achieved


def test_the_mail_lists_the_worst_and_best_and_sends_the_rest_in_excel(department):
    assert send_digest(department.department, "weekly", MONDAY) == "sent"
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    text = message.body

    behind = _section(html, "Cần đôn đốc: nhiều việc quá hạn nhất", "Dẫn đầu")
    ahead = _section(html, "Dẫn đầu: tỷ lệ kinh phí được cam kết cao nhất", "</td>")
    named = re.compile(r"<strong>(\d)\. ([^<]+)</strong>")
    assert named.findall(behind) == [(str(i), name) for i, name in enumerate(BEHIND, start=1)]
    assert named.findall(ahead) == [(str(i), name) for i, name in enumerate(AHEAD, start=1)]
    assert "3 nhu cầu chờ xác minh quá hạn (lâu nhất 20 ngày)" in behind
    assert "1 cam kết chưa xác nhận đã nhận" in behind
    assert "100% kinh phí đã được cam kết (10.000.000\xa0₫ / 10.000.000\xa0₫) · 1 nhu cầu đã trao" in ahead
    assert "So sánh các xã, phường" in html
    count_line = "Tổng cộng 36 xã, phường; mỗi xã, phường là một dòng với đầy đủ số liệu trong tệp Excel đính kèm."
    assert count_line in html and count_line in text
    for name in (SIXTH_BEHIND, SIXTH_AHEAD, "Xã Thử 01", "Xã Trung Lý"):
        assert name not in html and name not in text

    listed = re.compile(r"^(\d)\. (Xã [^:]+):", re.MULTILINE)
    text_behind = _section(text, "Cần đôn đốc", "Dẫn đầu")
    text_ahead = _section(text, "Dẫn đầu", "Cam kết quá hạn chưa xác nhận")
    assert listed.findall(text_behind) == [(str(i), name) for i, name in enumerate(BEHIND, start=1)]
    assert listed.findall(text_ahead) == [(str(i), name) for i, name in enumerate(AHEAD, start=1)]

    name, content, kind = message.attachments[0]
    assert name == "bao-cao-sgddt-thanh-hoa-20261123.xlsx" and "spreadsheetml" in kind
    workbook = load_workbook(BytesIO(content))
    assert workbook.sheetnames[0] == "Các xã, phường"
    rows = list(workbook["Các xã, phường"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:2] == ("Xã, phường", "Trong thư")
    assert sorted(row[0] for row in body) == sorted(COMMUNES)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_name["Xã Bản Công"]["Trong thư"] == "Cần đôn đốc 1"
    assert by_name["Xã Bản Công"]["Chờ xác minh quá 7 ngày"] == 3
    assert by_name["Xã Bản Công"]["Chờ lâu nhất (ngày)"] == 20
    assert by_name["Xã Mường Lát"]["Trong thư"] == "Dẫn đầu 1"
    assert by_name["Xã Mường Lát"]["Tỷ lệ cam kết (%)"] == 100
    assert by_name[SIXTH_BEHIND]["Cam kết chưa xác nhận quá 7 ngày"] == 1 and by_name[SIXTH_BEHIND]["Trong thư"] is None
    assert by_name["Xã Thử 01"]["Số trường"] == 1 and by_name["Xã Thử 01"]["Nhu cầu đã công khai"] == 0


def test_a_commune_office_digest_compares_nothing(department, django_assert_num_queries):
    office = department.communes["Xã Bản Công"].unit.offices.get()
    # Three of them: its programme funds and school lunches (dashboard.funds_and_lunches).
    with django_assert_num_queries(11):
        digest = build_digest(office, "weekly", START, END)
    assert digest.content["comparison"] is None
    assert digest.content["awaiting_count"] == 3
    _subject, text, html = render_digest(digest)
    for body in (text, html):
        assert "So sánh" not in body and "Cần đôn đốc" not in body and "Tổng cộng" not in body


def test_a_commune_office_with_nothing_to_list_gets_no_excel_file(department):
    office = department.communes["Xã Thử 01"].unit.offices.get()
    school = department.communes["Xã Thử 01"].school
    school.profile_confirmed_at = timezone.now()
    school.save()
    assert send_digest(office, "weekly", MONDAY) == "sent"
    message = mail.outbox[0]
    assert message.attachments == []
    assert "Không có gì mới trong kỳ này" in message.body
    assert "tệp Excel" not in message.alternatives[0][0]


def _queries_to_build(office) -> int:
    with CaptureQueriesContext(connection) as queries:
        build_digest(office, "weekly", START, END)
    return len(queries)


def test_building_a_department_digest_costs_the_same_queries_for_any_number_of_communes(
    department, django_assert_num_queries
):
    office = department.department
    with django_assert_num_queries(16):
        build_digest(office, "weekly", START, END)
    before = _queries_to_build(office)
    # Fifty more communes, each with a need waiting too long and a late pledge.
    more = add_communes(department.province, [f"Phường Mới {n:02d}" for n in range(50)], 16000)
    for commune in more.values():
        add_need(commune.school, Need.Status.SUBMITTED, waiting_days=9)
        add_late_pledge(commune.school)
    assert _queries_to_build(office) == before
    assert len(build_digest(office, "weekly", START, END).content["comparison"].places) == 86
