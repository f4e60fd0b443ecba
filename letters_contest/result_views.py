"""The organiser's rankings page, where the results are decided (awards for the whole
ranking in one form, exclusions, tie-breaks, publishing, corrections), and the public
results page. The rules are in letters_contest.results; these views only read the posts
and show what the rules answer."""

from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import confirm
from documents.forms import IssueForm
from documents.issuers import NoIssuer, issuer_of_office
from documents.services import sign_issued
from documents.signing import SigningFailed
from schools.filters import is_id

from . import judging, lifecycle, results, services
from .lifecycle import Action
from .models import Entry, Prize, SpecialPrize
from .permissions import get_round, is_organiser
from .results import Choice

ACTIONS = {"awards", "exclude", "include", "tie_break", "correct"}


def _choice_posted(post, pk) -> Choice:
    return Choice(
        post.get(f"level-{pk}", ""), post.get(f"special-{pk}", ""), post.get(f"title-{pk}", "")[:150]
    ).cleaned()


def _entry_posted(round_, post, name="entry") -> Entry:
    entry_pk = post.get(name, "")
    if not is_id(entry_pk):
        raise Http404
    return get_object_or_404(Entry.objects.select_related("round"), pk=entry_pk, round=round_)


@login_required
def rankings(request, pk):
    round_ = get_round(pk)
    if not is_organiser(request.user, round_):
        raise PermissionDenied
    refused: list[str] = []
    if request.method == "POST":
        if "publish" in request.POST:
            answer = _publish(request, round_)
            if answer is not None:
                return answer
            return redirect("letters_contest:rankings", pk=round_.pk)
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        try:
            done = _act(request, round_, action)
        except lifecycle.StateRefused as refusal:
            refused = [refusal.message]
        except results.ResultRefused as refusal:
            refused = refusal.problems
        except services.AwardCertified as refusal:
            refused = [refusal.message]
        else:
            messages.success(request, done)
            return redirect("letters_contest:rankings", pk=round_.pk)
    return _rankings_page(request, round_, refused)


def _act(request, round_, action) -> str:
    """One write of the rankings page; returns what to tell the organiser."""
    post, actor = request.POST, request.user
    if action == "awards":
        rows = [row for row in judging.ranking(round_) if row["rank"] is not None]
        changed = results.awards_save(
            round_=round_, choices={row["entry"].pk: _choice_posted(post, row["entry"].pk) for row in rows}, actor=actor
        )
        return _("Awards saved (%(count)s changed).") % {"count": changed}
    if action == "exclude":
        entry = _entry_posted(round_, post)
        results.entry_exclude(entry=entry, reason=post.get("reason", "")[:2000], actor=actor)
        return _("%(code)s is excluded from the ranking.") % {"code": entry.code}
    if action == "include":
        entry = _entry_posted(round_, post)
        results.entry_include(entry=entry, actor=actor)
        return _("%(code)s is in the ranking again.") % {"code": entry.code}
    if action == "tie_break":
        ids = post.getlist("order")
        if not ids or not all(is_id(pk) for pk in ids):
            raise Http404
        found = {e.pk: e for e in Entry.objects.filter(round=round_, pk__in=ids)}
        positions = [post.get(f"position-{e.pk}", "") for e in found.values()]
        if len(found) != len(ids) or sorted(positions) != [str(n) for n in range(1, len(found) + 1)]:
            raise results.ResultRefused([_("Give each tied entry a different place, from 1.")])
        placed = sorted(found.values(), key=lambda e: int(post[f"position-{e.pk}"]))
        results.tie_break_save(round_=round_, entries=placed, reason=post.get("reason", "")[:2000], actor=actor)
        return _("The tie-break is recorded.")
    # correct
    entry = _entry_posted(round_, post)
    results.result_correct(
        round_=round_,
        entry=entry,
        choice=Choice(post.get("level", ""), post.get("special", ""), post.get("title", "")[:150]),
        reason=post.get("reason", "")[:2000],
        actor=actor,
    )
    return _("The correction of %(code)s is recorded and shown on the results page.") % {"code": entry.code}


def _rankings_page(request, round_, refused: list[str]):
    rows = judging.ranking(round_)
    ranked = [row for row in rows if row["rank"] is not None]
    # The ranked rows show the pupils' names; the others only their codes.
    services.entries_access_record(entries=[row["entry"] for row in ranked], user=request.user, what="ranking")
    posted = request.method == "POST" and request.POST.get("action") == "awards"
    for row in ranked:
        award = getattr(row["entry"], "award", None)
        row["choice"] = _choice_posted(request.POST, row["entry"].pk) if posted else Choice.of(award)
        row["certificate"] = award.certificate if award and award.certificate_id else None
    ties = defaultdict(list)
    for row in ranked:
        if row["tied"] > 1:
            ties[row["rank"]].append(row)
    state = lifecycle.state_of(round_)
    published = results.is_published(round_)
    body, no_issuer = _certifying_body(round_)
    return render(
        request,
        "letters_contest/rankings.html",
        {
            "round": round_,
            "state": lifecycle.State(state),
            "rows": ranked,
            "unscored": results.unscored(rows, round_.judges_required),
            "excluded": Entry.objects.filter(
                round=round_, status=Entry.Status.REGISTERED, excluded_at__isnull=False
            ).select_related("school", "excluded_by"),
            "ties": [
                {"rank": rank, "rows": group, "places": range(1, len(group) + 1)}
                for rank, group in sorted(ties.items())
            ],
            "all_rows": rows,
            "refused": refused,
            "levels": Prize.choices,
            "specials": SpecialPrize.choices,
            "can_award": lifecycle.allows(round_, Action.AWARD),
            "can_exclude": lifecycle.allows(round_, Action.EXCLUDE),
            "can_correct": lifecycle.allows(round_, Action.CORRECT),
            "award_refusal": lifecycle.refusal(round_, Action.AWARD),
            "published": published,
            "publish_problems": [] if published else results.publish_problems(round_),
            "corrections": judging.corrections(round_) if published else [],
            "issue_form": IssueForm(body=body) if body and not published else None,
            "issuing_body": body,
            "no_issuer": no_issuer,
        },
    )


def _certifying_body(round_):
    try:
        return issuer_of_office(round_.organiser, on=timezone.localdate()).office, ""
    except NoIssuer as problem:
        return None, str(problem)


def _publish_confirmation(round_, *, certify: bool) -> confirm.Confirmation:
    """What becomes public: the awards by prize, the names shown and those withheld."""
    shown = judging.published_results(round_)
    by_prize = Counter(row["level"] for row in shown)
    named = [f"{row['name']} ({row['level']})" for row in shown if row["name"]]
    withheld = [row["code"] for row in shown if not row["name"]]
    what = [_("The ranks and awards below become public on the results page.")]
    if certify:
        what.append(
            _("Every award's certificate is issued with the next GCN number of the organiser's register, then signed.")
        )
    what.append(_("After publishing, the results change only through a correction, recorded and shown with them."))
    details = [(level, str(count)) for level, count in by_prize.items()] or [(_("Awards"), _("no award"))]
    details.append((_("Names published"), ", ".join(named) or _("none")))
    details.append((_("Names withheld (entry code shown)"), ", ".join(withheld) or _("none")))
    return confirm.Confirmation(
        title=_("Publish the results of %(round)s?") % {"round": round_},
        what=what,
        cannot_undo=_(
            "Everyone may have seen the results once they are public; issued certificates keep their numbers."
        )
        if certify
        else _("Everyone may have seen the results once they are public."),
        action=_("Yes, publish the results"),
        back=reverse("letters_contest:rankings", args=[round_.pk]),
        details=details,
        danger=False,
    )


def _publish(request, round_):
    """Publish (with a signer: and issue every award's certificate, then sign them):
    refused with its reasons, else asked to confirm first. Returns the confirmation
    page, or None once done or refused (the messages say which)."""
    if request.POST.get("publish") != "1":
        raise Http404
    signer = None
    if request.POST.get("signer"):
        body, no_issuer = _certifying_body(round_)
        form = IssueForm(request.POST, body=body) if body else None
        if form is None or not form.is_valid():
            messages.error(request, no_issuer or _("Choose who signs the certificates, among the organiser's signers."))
            return None
        signer = form.cleaned_data["signer"]
    refusal = lifecycle.refusal(round_, Action.PUBLISH)
    problems = [refusal] if refusal else results.publish_problems(round_)
    if problems:
        messages.error(
            request, _("The results cannot be published yet: %(problems)s") % {"problems": " ".join(problems)}
        )
        return None
    if not confirm.confirmed(request):
        return confirm.ask(request, _publish_confirmation(round_, certify=signer is not None))
    try:
        issued = results.results_publish(round_=round_, actor=request.user, signer=signer)
    except (lifecycle.StateRefused, results.ResultRefused) as refused:
        messages.error(request, refused.message)
        return None
    except (NoIssuer, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
        return None
    messages.success(request, _("The results are published."))
    unsigned, reason = [], ""
    for document in issued:
        try:
            sign_issued(document=document, user=request.user)
        except SigningFailed as failure:
            unsigned.append(document.number_text)
            reason = str(failure)
    if issued:
        messages.success(request, _("%(count)s certificates are issued.") % {"count": len(issued)})
    if unsigned:
        messages.error(
            request,
            _("Issued but not signed: %(numbers)s. %(reason)s Sign them again from the register.")
            % {"numbers": ", ".join(unsigned), "reason": reason},
        )
    return None


def results_page(request, pk):
    round_ = get_round(pk)
    if not results.is_published(round_) and not is_organiser(request.user, round_):
        raise Http404
    return render(
        request,
        "letters_contest/results.html",
        {
            "round": round_,
            "published": results.is_published(round_),
            "rows": judging.published_results(round_),
            "corrections": judging.corrections(round_),
        },
    )
