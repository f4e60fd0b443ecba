from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from campaigns.plans import place_name


def certificate_pdf(entry, award) -> bytes:
    round_ = entry.round
    with translation.override("vi"):
        html = render_to_string(
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
    return HTML(string=html).write_pdf()
