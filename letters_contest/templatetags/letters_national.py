"""The national round as a province's round page shows it to the province's organisers:
the letters it forwarded and what became of them."""

from django import template
from django.db.models import Count

from letters_contest import national
from letters_contest.models import NationalRound, Score
from letters_contest.permissions import is_organiser

register = template.Library()


@register.inclusion_tag("letters_contest/national/_province_status.html", takes_context=True)
def national_status(context, round_):
    request = context.get("request")
    national_round = NationalRound.objects.filter(edition_id=round_.edition_id).first()
    if request is None or national_round is None or not is_organiser(request.user, round_):
        return {"national_status": None}
    forwardings = national.forwarded_from(round_)
    judges = dict(
        Score.objects.filter(stage=national.STAGE, entry__in=[f.entry_id for f in forwardings])
        .values("entry")
        .annotate(n=Count("judge", distinct=True))
        .values_list("entry", "n")
    )
    rows = [
        {
            "forwarding": forwarding,
            "scored": judges.get(forwarding.entry_id, 0) >= national_round.judges_required,
            "outcome": national.outcome(forwarding),
            "upu": bool(national_round.results_published_at) and national_round.upu_entry_id == forwarding.entry_id,
        }
        for forwarding in forwardings
    ]
    return {
        "national_status": {
            "national_round": national_round,
            "round": round_,
            "state": national.State(national.state_of(national_round)),
            "quota": round_.edition.forward_quota,
            "rows": rows,
            "can_forward": not national.forwarding_refusal(round_, national_round),
        }
    }
