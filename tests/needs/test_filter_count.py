""" "Filters (n)" on the needs and schools lists counts the filters that narrow the list:
never the sort order, so a list opened with nothing chosen says "Filters" alone."""

import pytest

from needs.filters import NeedFilter
from needs.models import Need
from schools.filters import SchoolFilter
from schools.models import School


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "count"),
    [
        ({}, 0),
        ({"sort": "newest"}, 0),
        ({"sort": "urgent", "q": "", "category": ""}, 0),
        ({"q": "bếp ăn", "sort": "closest"}, 1),
        ({"q": "bếp", "urgency": "3", "page": "2"}, 2),
        # A value the list ignores (no such urgency) narrows nothing.
        ({"q": "bếp", "urgency": "high"}, 1),
    ],
)
def test_it_counts_what_narrows_the_needs_list(data, count):
    assert NeedFilter(data, queryset=Need.objects.all()).active_count == count


@pytest.mark.django_db
def test_it_counts_a_schools_filter_left_at_unknown_as_none():
    assert SchoolFilter({"stale": "unknown", "q": ""}, queryset=School.objects.all()).active_count == 0
    assert SchoolFilter({"stale": "true"}, queryset=School.objects.all()).active_count == 1
