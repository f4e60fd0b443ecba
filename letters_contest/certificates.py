from django.utils import timezone

from core.documents import place_name, render_pdf


def certificate_pdf(entry, award) -> bytes:
    round_ = entry.round
    return render_pdf(
        "letters_contest/certificate.html",
        {
            "entry": entry,
            "award": award,
            "round": round_,
            "edition": round_.edition,
            "place": place_name(round_.province),
            "today": timezone.localdate(),
        },
    )
