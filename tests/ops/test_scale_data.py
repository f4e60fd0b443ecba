"""The benchmark's data generator: a consistent country, the same for the same seed."""

import hashlib

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum

from accounts.models import User
from donations.models import Pledge
from letters_contest.models import ContestRound, Entry
from needs.models import Need, NeedItem
from ops.scale_data import reference_for
from schools.models import AdministrativeUnit, Membership, Office, School, SchoolSite

SMALL = {
    "schools": 40,
    "provinces": 2,
    "communes": 8,
    "communes_per_district": 2,
    "needs_per_school": 4,
    "pledges_per_need": 3,
    "entries": 300,
    "donors": 30,
    "as_of": "2026-11-23",
}


def _generate(**options):
    from datetime import date

    arguments = {**SMALL, **options}
    arguments["as_of"] = date.fromisoformat(arguments["as_of"])
    call_command("generate_scale_data", stdout=open("/dev/null", "w"), **arguments)  # noqa: SIM115


def _fingerprint() -> str:
    rows = [
        list(School.objects.order_by("code").values_list("code", "name", "pupils")),
        list(Need.objects.order_by("pk").values_list("title", "status", "amount_requested", "amount_pledged")),
        list(Pledge.objects.order_by("pk").values_list("reference", "amount", "status", "donor_email")),
        list(Entry.objects.order_by("pk").values_list("code", "pupil_name", "date_of_birth")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_generates_a_consistent_country(db):
    _generate()

    units = dict(AdministrativeUnit.objects.values_list("level").annotate(n=Count("pk")))
    assert units == {"province": 2, "district": 4, "commune": 8}
    assert School.objects.count() == 40
    assert SchoolSite.objects.exists()
    # An education office per province and district, an organiser per province.
    assert Office.objects.filter(kind__in=Office.EDUCATION_KINDS).count() == 6
    assert Membership.objects.filter(role="officer").count() == 6
    assert Membership.objects.filter(role="school_staff").count() == 40

    # Every need's figures add up: items to the request, active pledges to the counters.
    needs = Need.objects.annotate(
        items_total=Sum(F("items__quantity") * F("items__unit_cost")),
    )
    for need in needs:
        assert need.amount_requested == need.items_total
        active = need.pledges.filter(status__in=Pledge.ACTIVE_STATUSES)
        assert need.amount_pledged == (active.aggregate(s=Sum("amount"))["s"] or 0)
        received = active.filter(status__in=Pledge.RECEIVED_STATUSES)
        assert need.amount_received == (received.aggregate(s=Sum("received_amount"))["s"] or 0)
        assert need.amount_pledged <= need.amount_requested
    statuses = set(Need.objects.values_list("status", flat=True))
    assert statuses >= {"verified", "funded", "delivered"}
    assert not Pledge.objects.filter(Q(need__status__in=("draft", "submitted", "returned"))).exists()
    assert NeedItem.objects.count() >= Need.objects.count()
    # Every need is recorded where its school stands (campaigns count needs there).
    assert Need.objects.exists()
    assert not Need.objects.exclude(
        commune=F("school__commune"), district=F("school__district"), province=F("school__province")
    ).exists()

    # One round per province, entries only with consent, codes unique per round.
    assert ContestRound.objects.count() == 2
    assert Entry.objects.count() == 300
    assert not Entry.objects.filter(consent_given=False).exists()

    # Generated people can sign in with the shared password and a verified address.
    officer = User.objects.get(email=Membership.objects.filter(role="officer").first().user.email)
    assert officer.check_password("bench12345")
    assert EmailAddress.objects.get(user=officer).verified


def test_it_refuses_to_generate_twice_without_reset(db):
    _generate(entries=0)
    with pytest.raises(CommandError, match="already"):
        _generate(entries=0)


def test_the_same_seed_gives_the_same_data(transactional_db):
    _generate(seed=7)
    first = _fingerprint()
    _generate(seed=7, reset=True)
    assert _fingerprint() == first
    _generate(seed=8, reset=True)
    assert _fingerprint() != first


def test_references_never_repeat():
    references = {reference_for(index) for index in range(200_000)}
    assert len(references) == 200_000
    assert all(len(r) == 8 and r.startswith("DU") for r in references)
