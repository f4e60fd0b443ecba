"""Put the photos published before schools were asked about pupils through the face step."""

from django.core.management.base import BaseCommand

from needs.models import NeedPhoto
from needs.services import photo_blur_published


class Command(BaseCommand):
    help = (
        "Run the face detector on every photo stored before schools said whether pupils can be recognised: "
        "where a face is found, the public copy is blurred, the original kept privately, and the photo waits "
        "for an officer of the school's office. Photos already seen are skipped, so it can run again."
    )

    def handle(self, *args, **options):
        to_scan = NeedPhoto.objects.filter(pupils_recognisable__isnull=True, faces_found__isnull=True).order_by("pk")
        scanned = blurred = unreadable = 0
        for photo in to_scan.iterator(chunk_size=200):
            try:
                found = photo_blur_published(photo=photo)
            except (OSError, ValueError, SyntaxError) as error:
                # A missing or damaged file is that photo's failure, not the run's.
                unreadable += 1
                self.stderr.write(f"photo {photo.pk}: {error}")
                continue
            scanned += 1
            blurred += found
        self.stdout.write(
            f"{scanned} photos scanned: {blurred} with faces blurred, now waiting for an officer; "
            f"{scanned - blurred} without a face found; {unreadable} unreadable."
        )
