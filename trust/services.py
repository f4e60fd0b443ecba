"""Writes of the trust app: photo matches and cost benchmarks (derived, recomputed by
the system) and dismissals (an officer's decision, with history)."""

from collections import Counter, defaultdict

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from needs.models import Need, NeedItem, NeedPhoto

from . import benchmarks, matching
from .models import CostBenchmark, PhotoMatch, SignalDismissal
from .permissions import may_dismiss


class DismissalRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _hashed_need_photos():
    return NeedPhoto.objects.filter(
        kind=NeedPhoto.Kind.NEED, need__isnull=False, phash__isnull=False, dhash__isnull=False
    )


def _arrays():
    rows = list(_hashed_need_photos().values_list("pk", "need_id", "phash", "dhash"))
    if not rows:
        return (np.zeros(0, dtype=np.int64),) * 4
    table = np.array(rows, dtype=np.int64)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3]


def _matches_of(photo_pk, need_id, phash, dhash, arrays) -> list[PhotoMatch]:
    pks, need_ids, phashes, dhashes = arrays
    p, d = matching.distances(phash, dhash, phashes, dhashes)
    hits = np.nonzero(matching.same_photo(p, d) & (need_ids != need_id))[0]
    found = []
    for index in hits:
        other, pd, dd = int(pks[index]), int(p[index]), int(d[index])
        found.append(PhotoMatch(photo_id=photo_pk, other_id=other, phash_distance=pd, dhash_distance=dd))
        found.append(PhotoMatch(photo_id=other, other_id=photo_pk, phash_distance=pd, dhash_distance=dd))
    return found


def photo_matches_refresh(*, photo_id: int) -> int:
    """Find the photos of other needs that look the same as this one and keep them as
    PhotoMatch rows (both ways), replacing the photo's earlier matches. Safe to run
    twice. Returns the number of photos matched."""
    photo = _hashed_need_photos().filter(pk=photo_id).first()
    with transaction.atomic():
        PhotoMatch.objects.filter(photo_id=photo_id).delete()
        PhotoMatch.objects.filter(other_id=photo_id).delete()
        if photo is None:  # gone, detached, or not hashed: no match to keep
            return 0
        found = _matches_of(photo.pk, photo.need_id, photo.phash, photo.dhash, _arrays())
        PhotoMatch.objects.bulk_create(found, ignore_conflicts=True)
    return len(found) // 2


def photo_matches_rebuild() -> int:
    """Every photo against every other, the arrays loaded once (after a change of the
    rule, or to rebuild the table): about a minute for 100,000 photos."""
    arrays = _arrays()
    found = []
    pks, need_ids, phashes, dhashes = arrays
    for index in range(len(pks)):
        # Only the photos after this one: each pair once, kept both ways.
        tail = tuple(column[index + 1 :] for column in arrays)
        found += _matches_of(int(pks[index]), int(need_ids[index]), int(phashes[index]), int(dhashes[index]), tail)
    with transaction.atomic():
        PhotoMatch.objects.all().delete()
        PhotoMatch.objects.bulk_create(found, batch_size=1000)
    return len(found) // 2


def benchmarks_refresh() -> int:
    """Recompute the cost benchmarks from the items of verified needs. A benchmark whose
    figures did not change is left alone (its refreshed_at too), one that lost its
    items goes. Returns how many rows were written or removed."""
    rows = (
        NeedItem.objects.filter(need__status__in=Need.PUBLIC_STATUSES)
        .values_list("need__category", "unit", "unit_cost", "need__school_id")
        .order_by("need__category", "unit_cost", "pk")
    )
    costs, schools, spellings = defaultdict(list), defaultdict(set), defaultdict(Counter)
    for category, unit, cost, school_id in rows.iterator(chunk_size=5000):
        key = (category, benchmarks.unit_key(unit))
        if not key[1]:
            continue
        costs[key].append(cost)  # in order: the query sorts by cost
        schools[key].add(school_id)
        spellings[key][" ".join(unit.split())] += 1
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        existing = {(b.category, b.unit_key): b for b in CostBenchmark.objects.select_for_update()}
        for key, values in costs.items():
            figures = benchmarks.spread(values)
            wanted = {
                "unit": spellings[key].most_common(1)[0][0][:30],
                "samples": len(values),
                "schools": len(schools[key]),
                "q1": figures.q1,
                "median": figures.median,
                "q3": figures.q3,
            }
            row = existing.pop(key, None)
            if row is not None and all(getattr(row, name) == value for name, value in wanted.items()):
                continue
            if row is None:
                row = CostBenchmark(category=key[0], unit_key=key[1])
            for name, value in wanted.items():
                setattr(row, name, value)
            row.refreshed_at = now
            row.save()
            changed += 1
        for row in existing.values():
            row.delete()
            changed += 1
    return changed


def signal_dismiss(*, need: Need, kind: str, key: str, note: str, actor) -> SignalDismissal:
    """Set a signal of the need aside with a note (required). Only the officers who may
    verify the need may. Dismissing again replaces the note; the history keeps both."""
    note = (note or "").strip()
    if not may_dismiss(actor, need):
        raise PermissionDenied
    if not note:
        raise DismissalRefused(_("Please write why this signal can be set aside."))
    with transaction.atomic():
        dismissal = SignalDismissal.objects.select_for_update().filter(need=need, kind=kind, key=key).first()
        if dismissal is None:
            dismissal = SignalDismissal(need=need, kind=kind, key=key)
        dismissal.note = note
        dismissal.dismissed_by = actor
        dismissal.dismissed_at = timezone.now()
        dismissal._history_user = actor
        dismissal.save()
    return dismissal
