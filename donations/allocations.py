"""Allocation plans (phương án hỗ trợ): the rules and the writes that place a programme
fund's money on verified needs, and take it back by reversal.

An officer of the fund's office drafts a plan and its lines (need, amount); a second
person approves it (donations.permissions.may_approve_plan). Approval applies every line
in one transaction: the plan's row, then the fund's, then the needs' in pk order are
locked, every line is checked again against what the fund holds and what each need still
lacks, each line becomes an allocation pledge on its need (pledged, funding it like any
gift), the fund's allocated total grows, and the plan is issued as a decision (Quyết
định) numbered from the office's register. The lock order (plan, fund, needs, pledges)
is the one every write here keeps; a donor's pledge locks the need alone, so a donor and
an approval racing for the last part of a need are served one after the other.

An approved plan is never edited: a reversal is a new plan naming the lines it takes
back (only lines whose pledge has not been received), approved the same way, issued as
its own decision."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.documents import render_pdf_locating
from core.formatting import format_vnd
from documents.issuers import issuer_of_office
from documents.models import DocumentKind
from documents.services import Rendered, issue_document
from needs.models import Need
from needs.services import need_transition

from . import permissions
from .models import AllocationLine, AllocationPlan, Fund, Pledge, PledgeEvent, new_reference
from .services import PledgeRefused, pledge_cancel

P = Pledge.Status
# An allocation waits for the school's confirmation however long the transfer takes: the
# nightly expiry skips it (donations.tasks), and its date is far beyond any school year.
ALLOCATION_EXPIRY_DAYS = 3650
MAX_LINE_AMOUNT = 10_000_000_000


class PlanRefused(Exception):
    """A plan or a line the rules refuse; `field` names the form field it concerns."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _save(obj, actor, **kwargs):
    obj._history_user = actor
    obj.save(**kwargs)
    return obj


# --- reads the rules need -------------------------------------------------------------


def donor_email_of(office) -> str:
    """Where an allocation's mails would go: the office's first digest address, else the
    portal's own sender address (no one replies to it)."""
    for line in (office.digest_emails or "").splitlines():
        if "@" in line.strip():
            return line.strip().lower()
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "no-reply@localhost"


def need_problem(fund: Fund, need: Need | None) -> str:
    """Why this need cannot take money of this fund now; empty when it can."""
    if need is None:
        return _("Choose a need.")
    if need.is_lunch:
        return _("A school-lunch need is sponsored pupil by pupil, month by month: a fund does not allocate to it.")
    if not need.school.handled_by(fund.office.unit):
        return _("This need is outside the area of %(office)s.") % {"office": fund.office.name}
    if need.status != Need.Status.VERIFIED:
        return _("This need is not verified and open for gifts.")
    if need.amount_missing <= 0:
        return _("This need lacks nothing any more.")
    return ""


def amount_problem(need: Need, amount: int | None) -> str:
    """Why this amount cannot go to this need; empty when it can (the fund's balance is
    checked over the whole plan)."""
    if amount is None or amount <= 0:
        return _("The amount must be more than 0 ₫.")
    if amount > MAX_LINE_AMOUNT:
        return _("This amount is too large; please check it.")
    if amount > need.amount_missing:
        return _("This need lacks only %(amount)s now.") % {"amount": format_vnd(need.amount_missing)}
    return ""


def _check_line(plan: AllocationPlan, need: Need, amount: int, *, replacing: AllocationLine | None = None) -> None:
    fund = plan.fund
    problem = need_problem(fund, need)
    if problem:
        raise PlanRefused(problem, field="need")
    others = plan.lines.exclude(pk=replacing.pk) if replacing else plan.lines.all()
    if others.filter(need=need).exists():
        raise PlanRefused(_("This need already has a line in the plan: change its amount instead."), field="need")
    problem = amount_problem(need, amount)
    if problem:
        raise PlanRefused(problem, field="amount")
    fund.refresh_from_db(fields=["amount_received", "amount_allocated"])
    rest = others.aggregate(total=Sum("amount"))["total"] or 0
    if rest + amount > fund.balance:
        raise PlanRefused(
            _(
                "The fund holds %(balance)s not yet allocated and the other lines of the plan take "
                "%(others)s: this line can take at most %(left)s."
            )
            % {
                "balance": format_vnd(fund.balance),
                "others": format_vnd(rest),
                "left": format_vnd(max(fund.balance - rest, 0)),
            },
            field="amount",
        )


def _lock_draft(plan: AllocationPlan) -> AllocationPlan:
    locked = AllocationPlan.objects.select_for_update().select_related("fund__office__unit").get(pk=plan.pk)
    if not locked.is_draft:
        raise PlanRefused(_("This plan is no longer a draft (it was approved or withdrawn, perhaps in another tab)."))
    return locked


# --- drafting ---------------------------------------------------------------------------


def plan_draft(*, fund: Fund, actor, title: str, reason: str = "") -> AllocationPlan:
    """Start an allocation plan of the fund (no lines yet)."""
    title = (title or "").strip()
    if not title:
        raise PlanRefused(_("Give the plan a title."), field="title")
    with transaction.atomic():
        plan = AllocationPlan(
            fund=fund, kind=AllocationPlan.Kind.ALLOCATION, title=title, reason=(reason or "").strip(), drafted_by=actor
        )
        return _save(plan, actor)


def plan_update(*, plan: AllocationPlan, actor, title: str, reason: str = "") -> AllocationPlan:
    """Change a draft's title and grounds."""
    title = (title or "").strip()
    if not title:
        raise PlanRefused(_("Give the plan a title."), field="title")
    with transaction.atomic():
        locked = _lock_draft(plan)
        locked.title, locked.reason = title, (reason or "").strip()
        return _save(locked, actor, update_fields=["title", "reason"])


def line_add(*, plan: AllocationPlan, need: Need, amount: int, actor) -> AllocationLine:
    """Add a line to a draft allocation plan: this much of the fund to this need. Refused
    (PlanRefused, with the field) for a need that is not verified, a lunch need, a need
    outside the office's area, an amount of 0 or less, beyond what the need lacks, or a
    plan total beyond the fund's balance."""
    with transaction.atomic():
        locked = _lock_draft(plan)
        if locked.is_reversal:
            raise PlanRefused(_("A reversal takes back lines of its plan; it has no lines of its own to add."))
        _check_line(locked, need, amount)
        return _save(AllocationLine(plan=locked, need=need, amount=amount), actor)


def line_update(*, line: AllocationLine, amount: int, actor) -> AllocationLine:
    """Change a draft line's amount, under the same rules as adding it."""
    with transaction.atomic():
        locked = _lock_draft(line.plan)
        if locked.is_reversal:
            raise PlanRefused(_("A reversal takes back the whole amount of each line."))
        line = AllocationLine.objects.select_related("need__school").get(pk=line.pk, plan=locked)
        _check_line(locked, line.need, amount, replacing=line)
        line.amount = amount
        return _save(line, actor, update_fields=["amount"])


def line_remove(*, line: AllocationLine, actor) -> None:
    with transaction.atomic():
        _lock_draft(line.plan)
        line._history_user = actor
        line.delete()


def plan_withdraw(*, plan: AllocationPlan, actor) -> AllocationPlan:
    """The drafter withdraws a draft. A withdrawn reversal lets go of the lines it named,
    so they can be reversed by another plan."""
    with transaction.atomic():
        locked = _lock_draft(plan)
        if locked.drafted_by_id != getattr(actor, "pk", None):
            raise PlanRefused(_("Only the officer who drafted the plan may withdraw it."))
        if locked.is_reversal:
            for line in locked.lines.all():
                line._history_user = actor
                line.delete()
        locked.status = AllocationPlan.Status.WITHDRAWN
        return _save(locked, actor, update_fields=["status"])


def reversal_draft(*, plan: AllocationPlan, lines, actor, reason: str) -> AllocationPlan:
    """Draft a reversal of an approved allocation plan: the lines named come back to the
    fund when a second person approves it. Only a line whose pledge still waits for the
    school's confirmation can be reversed: once received, the money is at the school."""
    reason = (reason or "").strip()
    if not reason:
        raise PlanRefused(_("Say why the allocation is taken back."), field="reason")
    lines = list(lines)
    if not lines:
        raise PlanRefused(_("Choose at least one line to take back."), field="lines")
    with transaction.atomic():
        original = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
        if original.is_reversal or not original.is_approved:
            raise PlanRefused(_("Only an approved allocation plan can be reversed."))
        chosen = list(
            AllocationLine.objects.filter(plan=original, pk__in=[line.pk for line in lines])
            .select_related("pledge", "need")
            .order_by("pk")
        )
        if len(chosen) != len({line.pk for line in lines}):
            raise PlanRefused(_("These lines are not lines of this plan."), field="lines")
        for line in chosen:
            if AllocationLine.objects.filter(reverses=line).exists():
                raise PlanRefused(
                    _("The line for %(need)s is already taken back by another plan.") % {"need": line.need.title},
                    field="lines",
                )
            if line.pledge is None or line.pledge.status != P.PLEDGED:
                raise PlanRefused(
                    _("The money for %(need)s has been received by the school: it cannot be taken back by a reversal.")
                    % {"need": line.need.title},
                    field="lines",
                )
        reversal = _save(
            AllocationPlan(
                fund_id=original.fund_id,
                kind=AllocationPlan.Kind.REVERSAL,
                reverses=original,
                title=_("Reversal of: %(title)s") % {"title": original.title},
                reason=reason,
                drafted_by=actor,
            ),
            actor,
        )
        for line in chosen:
            _save(AllocationLine(plan=reversal, need_id=line.need_id, amount=line.amount, reverses=line), actor)
    return reversal


# --- approval ---------------------------------------------------------------------------


def _allocation_pledge(*, fund: Fund, need: Need, amount: int, actor) -> Pledge:
    office = fund.office
    for attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: the locks are kept
                pledge = Pledge(
                    reference=new_reference(),
                    need=need,
                    source_fund=fund,
                    donor=None,
                    donor_name=office.name[:200],
                    donor_email=donor_email_of(office),
                    kind=Pledge.Kind.MONEY,
                    amount=amount,
                    expires_on=timezone.localdate() + timedelta(days=ALLOCATION_EXPIRY_DAYS),
                )
                return _save(pledge, actor, force_insert=True)
        except IntegrityError as error:
            if "reference" not in str(error) or attempt == 4:
                raise
    raise AssertionError("unreachable")


def plan_approve(*, plan: AllocationPlan, actor, signer) -> AllocationPlan:
    """Approve a draft plan and apply it, all in one transaction: lock the plan (approving
    twice finds it approved and is refused), the fund, the needs in pk order; check every
    line again; make each line's pledge (or, for a reversal, cancel the pledge of each line
    it takes back); move the fund's allocated total; issue the decision signed by `signer`
    (one of the issuing body's signers). Signing the stored PDF is the caller's next step
    (documents.services.sign_issued), outside this transaction.

    Raises PlanRefused (the plan is no longer a draft, the drafter or someone who may not
    approve approves, the plan has no lines, a line no longer fits, the fund holds too
    little), NoIssuer, or ValidationError for a signer who cannot sign for the body."""
    with transaction.atomic():
        locked = _lock_draft(plan)
        if locked.drafted_by_id is not None and locked.drafted_by_id == getattr(actor, "pk", None):
            raise PlanRefused(_("You drafted this plan: a second person must approve it."))
        if not permissions.may_approve_plan(actor, locked):
            raise PlanRefused(_("You may not approve the plans of this fund."))
        fund = Fund.objects.select_for_update().select_related("office__unit").get(pk=locked.fund_id)
        lines = list(locked.lines.order_by("need_id", "pk"))
        if not lines:
            raise PlanRefused(_("The plan has no lines: add at least one before it is approved."))
        needs = {
            need.pk: need
            for need in Need.objects.select_for_update().filter(pk__in=[line.need_id for line in lines]).order_by("pk")
        }
        balance_before = fund.balance
        total = sum(line.amount for line in lines)
        today = timezone.localdate()
        try:
            issuer = issuer_of_office(fund.office, on=today).with_signer(signer)
        except ValueError as refused:
            raise ValidationError({"signer": _("This person cannot sign for this body.")}) from refused
        if locked.is_reversal:
            _apply_reversal(locked, lines, needs, actor)
            Fund.objects.filter(pk=fund.pk).update(amount_allocated=F("amount_allocated") - total)
            balance_after = balance_before + total
        else:
            if total > fund.balance:
                raise PlanRefused(
                    _("The fund holds only %(balance)s not yet allocated; the plan asks for %(total)s.")
                    % {"balance": format_vnd(fund.balance), "total": format_vnd(total)}
                )
            _apply_allocation(locked, fund, lines, needs, actor)
            Fund.objects.filter(pk=fund.pk).update(amount_allocated=F("amount_allocated") + total)
            balance_after = balance_before - total
        locked.status = AllocationPlan.Status.APPROVED
        locked.approved_by, locked.approved_at = actor, timezone.now()
        context = {
            "plan": locked,
            "fund": fund,
            "lines": [(line, needs[line.need_id]) for line in sorted(lines, key=lambda line: line.pk)],
            "total": total,
            "balance_before": balance_before,
            "balance_after": balance_after,
            "issuer": issuer,
            "authority": deciding_authority(issuer),
        }
        locked.document = issue_document(
            kind=DocumentKind.DECISION,
            issuer=issuer,
            title=decision_title(locked),
            user=actor,
            render=lambda document: decision_rendered({**context, "number": document.number_text}),
        )
        _save(locked, actor, update_fields=["status", "approved_by", "approved_at", "document"])
    plan.status, plan.approved_by, plan.approved_at = locked.status, locked.approved_by, locked.approved_at
    plan.document = locked.document
    return plan


def _apply_allocation(plan, fund, lines, needs, actor) -> None:
    for line in lines:
        need = needs[line.need_id]
        problem = need_problem(fund, need) or amount_problem(need, line.amount)
        if problem:
            raise PlanRefused(
                _("%(need)s: %(problem)s Change the line, then approve.") % {"need": need.title, "problem": problem}
            )
        still_needed = need.amount_missing
        pledge = _allocation_pledge(fund=fund, need=need, amount=line.amount, actor=actor)
        Need.objects.filter(pk=need.pk).update(amount_pledged=F("amount_pledged") + line.amount)
        need.amount_pledged += line.amount
        PledgeEvent.objects.create(
            pledge=pledge,
            from_status="",
            to_status=pledge.status,
            actor=actor,
            note=_("Allocated from %(fund)s by the plan “%(plan)s”.") % {"fund": fund.name, "plan": plan.title},
        )
        line.pledge = pledge
        _save(line, actor, update_fields=["pledge"])
        if line.amount == still_needed:
            need_transition(need=need, action="fund")


def _apply_reversal(plan, lines, needs, actor) -> None:
    for line in lines:
        original = AllocationLine.objects.select_related("pledge").get(pk=line.reverses_id)
        try:
            pledge_cancel(
                pledge=original.pledge,
                actor=actor,
                note=_("Taken back by the plan “%(plan)s”.") % {"plan": plan.title},
            )
        except PledgeRefused:
            raise PlanRefused(
                _("The money for %(need)s has been received by the school: it cannot be taken back by a reversal.")
                % {"need": needs[line.need_id].title}
            ) from None


# --- the decision -----------------------------------------------------------------------


def decision_title(plan: AllocationPlan) -> str:
    """The summary line of the decision, as the register keeps it (always Vietnamese)."""
    with translation.override("vi"):
        if plan.is_reversal:
            return _("On taking back funds allocated from %(fund)s") % {"fund": plan.fund.name}
        return _("On allocating the funds of %(fund)s") % {"fund": plan.fund.name}


def deciding_authority(issuer) -> str:
    """The line a decision opens with under its summary: the head's title and the body
    ("GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH ĐIỆN BIÊN"), the title's last word not said twice
    ("TRƯỞNG PHÒNG" + "PHÒNG GIÁO DỤC …" = "TRƯỞNG PHÒNG GIÁO DỤC …")."""
    title = (issuer.head_title or issuer.signer_title).upper().split()
    body = issuer.text_name.upper().split()
    if title and body and title[-1] == body[0]:
        title = title[:-1]
    return " ".join(title + body)


def decision_rendered(context: dict) -> Rendered:
    """The decision as issued, with the place its signature block leaves for the signature."""
    with translation.override("vi"):
        pdf, spaces = render_pdf_locating("donations/decision.html", context, "space")
    return Rendered(pdf=pdf, signature_spaces=spaces)
