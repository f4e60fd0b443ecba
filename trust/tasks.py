from celery import shared_task

from . import services


@shared_task
def match_photo(photo_id: int) -> int:
    """Find the photos of other needs that look like this one (queued after commit)."""
    return services.photo_matches_refresh(photo_id=photo_id)


@shared_task
def refresh_cost_benchmarks() -> int:
    """Nightly: what other schools asked per unit (CELERY_BEAT_SCHEDULE)."""
    return services.benchmarks_refresh()
