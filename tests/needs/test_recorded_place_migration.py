"""Needs made before they recorded their place (migration needs.0010) are recorded where
their school stood when they were made: its history row of that moment, so a school
moved by `load_units` before the migration ran keeps its old needs in its old commune."""

import pytest

from needs.models import Need
from schools.models import School
from tests.schools.factories import CommuneFactory
from tests.support.migrations import migrate_back, migrate_forward

BEFORE_THE_PLACE = [("needs", "0008_item_and_photo_history")]


@pytest.mark.django_db(transaction=True)
def test_existing_needs_are_recorded_where_their_school_stood_when_they_were_made(area):
    new_commune = CommuneFactory(parent=area.province, name="Xã Mường Mùn", code="03268")
    old = migrate_back(BEFORE_THE_PLACE)
    try:
        OldNeed = old.get_model("needs", "Need")
        fields = {"category": "toilets", "title": "Nhà vệ sinh", "description": "…", "pupils_benefiting": 40}
        before = OldNeed.objects.create(school_id=area.school_a.pk, **fields)
        outside = OldNeed.objects.create(school_id=area.school_b.pk, **fields)
        school = School.objects.get(pk=area.school_a.pk)
        school.commune = new_commune
        school.save()  # a move, with its history row
        after = OldNeed.objects.create(school_id=area.school_a.pk, **fields)
    finally:
        migrate_forward()

    def place(pk):
        need = Need.objects.get(pk=pk)
        return need.province, need.district, need.commune

    assert place(before.pk) == (area.province, area.district_a, area.commune_a)
    assert place(outside.pk) == (area.province, area.district_b, area.commune_b)
    assert place(after.pk) == (area.province, None, new_commune)
