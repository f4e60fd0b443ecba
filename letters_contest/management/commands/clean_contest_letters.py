"""Rewrite the PDF letters stored before the entry form cleaned them (core.pdfs)."""

from django.core.management.base import BaseCommand

from letters_contest.uploads import clean_stored_letters


class Command(BaseCommand):
    help = (
        "Rewrite every PDF letter of the contest through the portal's PDF gate, without scripts, actions, "
        "embedded files or forms, as letters uploaded now are. It can run again; a letter the gate refuses "
        "(encrypted, damaged) is logged with its entry's id."
    )

    def handle(self, *args, **options):
        result = clean_stored_letters()
        self.stdout.write(
            f"{result['done']} letters rewritten; {result['failed']} could not be (their ids are in the log)."
        )
