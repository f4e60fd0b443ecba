"""The demo's trust signals: photos hashed and matched, benchmarks computed (the photos
are matched as they are stored; this fills what was stored before and is idempotent)."""

from needs.services import photo_fill_hashes

from .services import benchmarks_refresh


def load(out) -> None:
    hashed = photo_fill_hashes()
    changed = benchmarks_refresh()
    out(f"  photos hashed: {hashed}, cost benchmarks changed: {changed}")
