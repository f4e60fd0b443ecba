"""The trust signals of needs, read in a fixed number of queries whatever their number
(the verification queue: needs.views.verification_queue asks `attach_signals`)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from needs.models import Need, NeedItem, NeedPhoto

from . import benchmarks
from .models import CostBenchmark, PhotoMatch, SignalDismissal

Kind = SignalDismissal.Kind


@dataclass
class Signal:
    need: Need
    kind: str
    key: str
    dismissal: SignalDismissal | None = None
    # photo
    photo: NeedPhoto | None = None
    other: NeedPhoto | None = None
    # cost
    item: NeedItem | None = None
    benchmark: CostBenchmark | None = None
    direction: str = ""
    # pace
    count: int = 0
    days: int = 0

    @property
    def is_photo(self) -> bool:
        return self.kind == Kind.PHOTO

    @property
    def is_cost(self) -> bool:
        return self.kind == Kind.COST

    @property
    def is_pace(self) -> bool:
        return self.kind == Kind.PACE

    @property
    def is_high(self) -> bool:
        return self.direction == benchmarks.HIGH

    @property
    def alarming(self) -> bool:
        return self.dismissal is None

    @property
    def form_id(self) -> str:
        return f"dismiss-{self.need.pk}-{self.kind}-{self.key}"


def photo_key(photo_id, other_id) -> str:
    return f"{photo_id}-{other_id}"


def cost_key(item: NeedItem) -> str:
    return f"{item.pk}-{item.unit_cost}"


def attach_signals(needs: list[Need]) -> list[Need]:
    """Set `need.trust_signals` (alarming first) and `need.trust_alarms` on each need.
    Four queries for any number of needs; the needs' items must be prefetched."""
    if not needs:
        return needs
    ids = [need.pk for need in needs]
    signals = defaultdict(list)
    by_id = {need.pk: need for need in needs}

    matches = (
        PhotoMatch.objects.filter(photo__need__in=ids)
        .select_related("photo", "other__need__school")
        .order_by("photo__position", "photo_id", "other_id")
    )
    for match in matches:
        need = by_id[match.photo.need_id]
        signals[need.pk].append(
            Signal(need, Kind.PHOTO, photo_key(match.photo_id, match.other_id), photo=match.photo, other=match.other)
        )

    categories = {need.category for need in needs}
    table = {(b.category, b.unit_key): b for b in CostBenchmark.objects.filter(category__in=categories)}
    for need in needs:
        for item in need.items.all():
            benchmark = table.get((need.category, benchmarks.unit_key(item.unit)))
            direction = benchmarks.judge(item.unit_cost, benchmark)
            if direction:
                signals[need.pk].append(
                    Signal(need, Kind.COST, cost_key(item), item=item, benchmark=benchmark, direction=direction)
                )

    days = settings.TRUST_MANY_NEEDS_DAYS
    since = timezone.now() - timedelta(days=days)
    school_ids = {need.school_id for need in needs}
    paces = dict(
        Need.objects.filter(school__in=school_ids, submitted_at__gte=since)
        .values_list("school")
        .annotate(count=Count("pk"))
        .values_list("school", "count")
    )
    for need in needs:
        count = paces.get(need.school_id, 0)
        if count >= settings.TRUST_MANY_NEEDS_COUNT:
            signals[need.pk].append(Signal(need, Kind.PACE, "", count=count, days=days))

    dismissals = {
        (d.need_id, d.kind, d.key): d
        for d in SignalDismissal.objects.filter(need__in=ids).select_related("dismissed_by")
    }
    for need in needs:
        found = signals.get(need.pk, [])
        for signal in found:
            signal.dismissal = dismissals.get((need.pk, signal.kind, signal.key))
        found.sort(key=lambda signal: not signal.alarming)
        need.trust_signals = found
        need.trust_alarms = sum(1 for signal in found if signal.alarming)
    return needs


def signal_of(need: Need, kind: str, key: str) -> Signal | None:
    """The need's current signal of this kind and key, or None (gone since)."""
    fresh = Need.objects.prefetch_related("items").get(pk=need.pk)
    attach_signals([fresh])
    return next((s for s in fresh.trust_signals if s.kind == kind and s.key == key), None)
