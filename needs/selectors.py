"""Reads of needs, planned so each page runs a fixed number of queries."""

import operator
from functools import reduce

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When

from core.text import WORD, Folded, fold, word_pattern

from .models import Need, NeedEvent, NeedPhoto

# What a search word is worth where it stands: in the title, in the school's name or
# place (School.search_text: name, code, address, the commune's names old and new), or
# only in the description (the need matched, so it is somewhere).
IN_TITLE, IN_SCHOOL = 4, 2


def card_photos() -> Prefetch:
    # Cards are public (lists, home, a school's page): only photos that may be published.
    return Prefetch(
        "photos", queryset=NeedPhoto.objects.publishable().filter(kind=NeedPhoto.Kind.NEED), to_attr="need_photos"
    )


def with_card_columns(needs: QuerySet[Need]) -> QuerySet[Need]:
    """What a need card shows: school, place, site, first photo."""
    return needs.select_related("school__commune", "school__district", "school__province", "site").prefetch_related(
        card_photos()
    )


def need_detail(pk) -> Need:
    return (
        Need.objects.select_related(
            "school__commune", "school__district", "school__province", "site", "verified_by", "created_by"
        )
        .prefetch_related(
            "items",
            Prefetch("photos", queryset=NeedPhoto.objects.order_by("position", "pk")),
            Prefetch("events", queryset=NeedEvent.objects.select_related("actor").order_by("created_at", "pk")),
        )
        .get(pk=pk)
    )


def duplicate_exists():
    """True where the same school has another open need of the same category."""
    others = (
        Need.objects.open().filter(school=OuterRef("school"), category=OuterRef("category")).exclude(pk=OuterRef("pk"))
    )
    return Exists(others.exclude(status=Need.Status.DRAFT))


def possible_duplicates(need: Need) -> QuerySet[Need]:
    return (
        Need.objects.open()
        .exclude(status=Need.Status.DRAFT)
        .filter(school=need.school_id, category=need.category)
        .exclude(pk=need.pk)
    )


def verification_queue(units) -> QuerySet[Need]:
    """Needs submitted in the schools these units' offices handle, oldest first, flagged when they may be duplicates."""
    queue = Need.objects.filter(status=Need.Status.SUBMITTED)
    if units is not None:
        from schools.selectors import schools_in_units

        queue = queue.filter(school__in=schools_in_units(units))
    return (
        with_card_columns(queue)
        .prefetch_related("school__sites", "items")
        .annotate(possible_duplicate=duplicate_exists())
        .order_by("submitted_at", "pk")
    )


def needs_for_school_page(school, *, insider: bool) -> list[Need]:
    """The school's needs: public ones for visitors, all but cancelled for its insiders."""
    needs = Need.objects.filter(school=school)
    needs = needs.exclude(status=Need.Status.CANCELLED) if insider else needs.public()
    return list(needs.select_related("site").order_by("-created_at"))


def photos_waiting(units) -> QuerySet[NeedPhoto]:
    """Photos with pupils' faces blurred whose public copy waits for an officer of these
    units (None: every unit), oldest first, with their need and school."""
    photos = NeedPhoto.objects.filter(public_copy=NeedPhoto.PublicCopy.WAITING, need__isnull=False)
    if units is not None:
        from schools.selectors import schools_in_units

        photos = photos.filter(need__school__in=schools_in_units(units))
    return photos.select_related("need__school").order_by("created_at", "pk")


def ranked_matches(matches: QuerySet[Need], text: str, *, order) -> QuerySet[Need]:
    """The needs of a search, best match first: words in the title, then in the school's
    name and place, then only in the description; ties in `order`.

    Only the first SEARCH_RANK_CANDIDATES matches in `order` are ranked (a common word
    matches most of the country's needs, and ranking means computing for every row):
    the search is answered by its index as before, then a CASE over a few hundred rows
    folds their titles. The other matches are one sort away (`order` itself)."""
    words = WORD.findall(fold(text))
    candidates = matches.order_by(*order).values("pk")[: settings.SEARCH_RANK_CANDIDATES]
    ranked = Need.objects.filter(pk__in=candidates)
    if not words:
        return ranked.order_by(*order)
    score = reduce(
        operator.add,
        (
            Case(
                When(Q(folded_title__regex=word_pattern(word)), then=Value(IN_TITLE)),
                When(Q(school__search_text__regex=word_pattern(word)), then=Value(IN_SCHOOL)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for word in words
        ),
    )
    return ranked.alias(folded_title=Folded("title")).annotate(relevance=score).order_by("-relevance", *order)


def near_completion(*, limit: int = 6) -> list[Need]:
    """Needs open for gifts that are closest to their goal (the home page): read off the
    partial index of the "closest to the goal" sort (needs_need_public_closest), as
    that sort lists them."""
    needs = Need.objects.filter(status=Need.Status.VERIFIED).order_by("-funding_rank", "-pk")[:limit]
    return list(with_card_columns(needs))


def similar_needs(need: Need, *, limit: int = 3) -> list[Need]:
    """Needs open for gifts of the same category, the nearest first: the same commune,
    then district, then the rest of the province (ranked among the province's needs of
    that category only), then anywhere, the most urgent first. Four queries whatever the
    number of needs: the province's, the country's (off the partial index of the urgent
    sort), the cards and their photos."""
    open_needs = Need.objects.filter(status=Need.Status.VERIFIED, category=need.category).exclude(pk=need.pk)
    nearer = [When(commune_id=need.commune_id, then=Value(0))]
    if need.district_id:  # the old map's district; the current map has none
        nearer.append(When(district_id=need.district_id, then=Value(1)))
    nearness = Case(*nearer, default=Value(2), output_field=IntegerField())
    found = list(
        open_needs.filter(province_id=need.province_id)
        .order_by(nearness, "-urgency", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    anywhere = open_needs.order_by("-urgency", "-pk").values_list("pk", flat=True)[: limit * 2]
    found += [pk for pk in anywhere if pk not in found]
    found = found[:limit]
    if not found:
        return []
    by_pk = {n.pk: n for n in with_card_columns(Need.objects.filter(pk__in=found))}
    return [by_pk[pk] for pk in found if pk in by_pk]


def open_question(events) -> NeedEvent | None:
    """The office's question still waiting for the school's answer: the last question
    among a need's events (oldest first), if no answer came after it."""
    last = None
    for event in events:
        if event.kind in (NeedEvent.Kind.QUESTION, NeedEvent.Kind.ANSWER):
            last = event
    return last if last is not None and last.kind == NeedEvent.Kind.QUESTION else None


def open_questions(needs) -> dict:
    """{need id: its open question} for the needs that wait for the school's answer (one
    query): "My school" lists them first."""
    # The statuses the school may answer from (needs.services.ACTIONS["answer"]).
    waiting = [n.pk for n in needs if n.status in (Need.Status.SUBMITTED, Need.Status.RETURNED)]
    by_need: dict = {}
    events = NeedEvent.objects.filter(
        need_id__in=waiting, kind__in=[NeedEvent.Kind.QUESTION, NeedEvent.Kind.ANSWER]
    ).select_related("actor")
    for event in events.order_by("created_at", "pk"):
        by_need.setdefault(event.need_id, []).append(event)
    return {need_id: question for need_id, evs in by_need.items() if (question := open_question(evs))}
