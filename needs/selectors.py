"""Reads of needs, planned so each page runs a fixed number of queries."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from .models import Need, NeedEvent, NeedPhoto


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
