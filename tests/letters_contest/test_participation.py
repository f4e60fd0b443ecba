from datetime import date, timedelta

from django.utils import timezone

from letters_contest.models import Entry, EntryAccess
from letters_contest.participation import participation, participation_summary
from letters_contest.tasks import delete_expired_entries
from tests.letters_contest.factories import AwardFactory, EntryAccessFactory
from tests.schools.factories import SchoolFactory


def test_participation_counts_entries_by_district_school_and_age_and_lists_silent_schools(area, judged):
    round_, _entries, _criteria, _judges, _organiser = judged
    silent = SchoolFactory(commune=area.commune_b, level="lower_secondary", name="Trường THCS Chưa Gửi Bài")
    figures = participation(round_)
    assert figures["total"] == 2 and figures["schools"] == 1
    assert figures["by_district"] == [{"school__district__name": "Huyện Tuần Giáo", "n": 2}]
    # Born 01/01/2012: on the deadline they are as old as its year minus 2012.
    assert figures["by_age"] == [(round_.school_deadline.year - 2012, 2)]
    assert {s["name"] for s in figures["silent"]} >= {silent.name, area.school_b.name}


def test_the_digests_summary_counts_what_the_full_figures_count(area, judged, django_assert_num_queries):
    round_, _entries, _criteria, _judges, _organiser = judged
    SchoolFactory(commune=area.commune_b, level="lower_secondary")
    full = participation(round_)
    with django_assert_num_queries(3):  # no earlier edition here: its count is not asked
        summary = participation_summary(round_)
    assert summary == {
        "total": full["total"],
        "schools": full["schools"],
        "silent": len(full["silent"]),
        "previous": full["previous"]["entries"] if full["previous"] else None,
    }
    assert summary["total"] == 2 and summary["silent"] >= 2


def test_entries_past_the_deletion_date_go_unless_awarded_and_the_access_record_stays(judged):
    round_, entries, _criteria, _judges, organiser = judged
    AwardFactory(entry=entries[0], level="first")
    EntryAccessFactory(entry=entries[1], user=organiser, action="view")
    round_.delete_entries_on = timezone.localdate() + timedelta(days=1)
    round_.save()
    assert delete_expired_entries()["done"] == 0
    round_.delete_entries_on = date(2024, 6, 30)
    round_.save()
    assert delete_expired_entries()["done"] == 2  # one deleted, the awarded one archived
    assert list(Entry.objects.values_list("code", flat=True)) == [entries[0].code]
    record = EntryAccess.objects.get(entry_code=entries[1].code)
    assert record.entry is None and record.user == organiser


def test_the_provinces_digest_reports_the_contest(area, judged):
    from oversight.digests import build_digest, render_digest

    digest = build_digest(area.office_province, "weekly", date(2026, 11, 16), date(2026, 11, 22))
    assert digest.content["contest"]["entries"] == 2
    _subject, text, _html = render_digest(digest)
    assert "2 bài dự thi từ 1 trường" in text
    assert build_digest(area.office_a, "weekly", date(2026, 11, 16), date(2026, 11, 22)).content["contest"] is None
