"""The usage plan of a need's sponsorship (kế hoạch sử dụng tài trợ, Circular 16/2018/TT-BGDĐT)
and the public's comments on it.

The school drafts the plan from the need (purpose, pupils benefiting, items, schedule)
and changes it while it is a draft. Publishing puts it on the need's public page: comments
are open from that day (`published_on`), and the work may start on the fifteenth working
day after (`earliest_start_on`, counted on the calendar kept in `workdays`). A published
plan is not changed: it is what people were asked about.

Signed-in visitors comment in plain text (no links, no HTML, at most 2,000 characters);
a comment is shown once the school's people (its staff, the officers handling it) publish
it, and a rejected one keeps its reason. Every write keeps its history; receiving.signals
invalidates the need's cached public page."""

import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from needs.models import Need
from workdays.calendar import nth_working_day_after

from .models import PlanComment, UsagePlan, UsagePlanLine

# Circular 16/2018, Art. 7: the plan is published at least fifteen working days before
# the sponsorship is used.
COMMENT_WORKING_DAYS = 15
COMMENT_MAX_CHARS = 2000
COMMENT_MIN_CHARS = 5
MAX_LINES = 30
MAX_UNIT_COST = 10_000_000_000

# A link written out (http://, www.) or a bare address on a common top-level domain.
LINK = re.compile(
    r"(?:https?://|ftp://|www\.)\S"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|biz|vn|io|co|me|xyz|top|online|site|link|ly|gl|tk|ru|cn)\b(?:/\S*)?",
    re.IGNORECASE,
)
# Anything shaped like a tag: <script>, <a href=…>, </b>, <!-- … -->, <img …/>.
TAG = re.compile(r"<\s*/?\s*[a-z!?][^>]*>", re.IGNORECASE)


class PlanRefused(Exception):
    """A plan, a line or a comment the rules refuse; `field` names the form field."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit: str
    unit_cost: int

    @property
    def total(self) -> int:
        return self.quantity * self.unit_cost


def _save(obj, actor, **kwargs):
    obj._history_user = actor
    obj.save(**kwargs)
    return obj


# --- drafting -------------------------------------------------------------------------


def initial_from_need(need: Need) -> tuple[dict, list[dict]]:
    """What a new plan starts from: the need's description as its purpose, its pupils,
    its items as lines. The school edits them before publishing."""
    place = need.site.name if need.site_id else need.school.name
    fields = {
        "purpose": need.description,
        "beneficiaries": _("Pupils of %(place)s") % {"place": place},
        "pupils_benefiting": need.pupils_benefiting,
        "method": "",
        "work_starts_on": None,
        "work_ends_on": None,
    }
    lines = [
        {"description": i.description, "quantity": i.quantity, "unit": i.unit, "unit_cost": i.unit_cost}
        for i in need.items.all()
    ]
    return fields, lines


def need_problem(need: Need) -> str:
    """Why this need takes no usage plan now; empty when it does."""
    if need.status in (Need.Status.CANCELLED, Need.Status.EXPIRED, Need.Status.CLOSED):
        return _("This need is closed: it no longer takes a usage plan.")
    return ""


def lines_problem(lines: list[Line]) -> str:
    if not lines:
        return _("Add at least one item.")
    if len(lines) > MAX_LINES:
        return _("A plan has at most %(max)s items.") % {"max": MAX_LINES}
    for line in lines:
        if line.quantity <= 0:
            return _("Each item needs a quantity of at least 1.")
        if line.unit_cost < 0 or line.unit_cost > MAX_UNIT_COST:
            return _("A unit cost is between 0 ₫ and 10.000.000.000 ₫.")
    return ""


@transaction.atomic
def plan_save(
    *,
    need: Need,
    actor,
    purpose: str,
    beneficiaries: str,
    pupils_benefiting: int,
    method: str,
    work_starts_on: date | None,
    work_ends_on: date | None,
    lines: list[Line],
) -> UsagePlan:
    """Create the need's plan or change its draft; its lines are replaced by `lines`."""
    locked = Need.objects.select_for_update().select_related("school").get(pk=need.pk)
    problem = need_problem(locked)
    if problem:
        raise PlanRefused(problem)
    if work_starts_on and work_ends_on and work_ends_on < work_starts_on:
        raise PlanRefused(_("The work cannot end before it starts."), field="work_ends_on")
    problem = lines_problem(lines)
    if problem:
        raise PlanRefused(problem, field="lines")
    plan = UsagePlan.objects.select_for_update().filter(need=locked).first()
    if plan is None:
        plan = UsagePlan(need=locked, drafted_by=actor)
    elif plan.is_published:
        raise PlanRefused(_("This plan has been published for comment and can no longer be changed."))
    plan.purpose = purpose.strip()
    plan.beneficiaries = beneficiaries.strip()
    plan.pupils_benefiting = pupils_benefiting
    plan.method = method.strip()
    plan.work_starts_on = work_starts_on
    plan.work_ends_on = work_ends_on
    _save(plan, actor)
    old = list(plan.lines.order_by("position", "pk"))
    for row in old[len(lines) :]:
        row._history_user = actor
        row.delete()
    for position, line in enumerate(lines):
        row = old[position] if position < len(old) else UsagePlanLine(plan=plan)
        values = {
            "description": line.description.strip(),
            "quantity": line.quantity,
            "unit": line.unit.strip(),
            "unit_cost": line.unit_cost,
            "position": position,
        }
        if row.pk and all(getattr(row, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(row, key, value)
        _save(row, actor)
    return plan


def earliest_start(published_on: date) -> date:
    """The first day the work may start: the fifteenth working day after publication."""
    return nth_working_day_after(published_on, COMMENT_WORKING_DAYS)


@transaction.atomic
def plan_publish(*, plan: UsagePlan, actor, today: date | None = None) -> UsagePlan:
    """Publish the draft for comment from today; the work may start fifteen working days
    later, and not before: a planned start earlier than that is refused."""
    today = today or timezone.localdate()
    need = Need.objects.select_for_update().get(pk=plan.need_id)
    locked = UsagePlan.objects.select_for_update().get(pk=plan.pk)
    if locked.is_published:
        raise PlanRefused(_("This plan is already published (perhaps in another tab)."))
    problem = need_problem(need)
    if problem:
        raise PlanRefused(problem)
    if not need.is_public:
        raise PlanRefused(
            _("The plan is published on the need's public page: publish it once the need has been verified.")
        )
    if not locked.lines.exists():
        raise PlanRefused(_("Add at least one item."), field="lines")
    if not locked.method.strip():
        raise PlanRefused(_("Say how the work will be carried out before publishing."), field="method")
    earliest = earliest_start(today)
    if locked.work_starts_on and locked.work_starts_on < earliest:
        raise PlanRefused(
            _(
                "The work is planned to start on %(planned)s, but it may start no earlier than %(earliest)s "
                "(fifteen working days after publication): change the planned start first."
            )
            % {
                "planned": date_format(locked.work_starts_on, "SHORT_DATE_FORMAT"),
                "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
            },
            field="work_starts_on",
        )
    locked.status = UsagePlan.Status.PUBLISHED
    locked.published_on = today
    locked.earliest_start_on = earliest
    locked.published_by = actor
    _save(locked, actor)
    return locked


# --- comments -------------------------------------------------------------------------


def comment_problem(body: str) -> str:
    """Why this comment cannot be taken; empty when it can. Plain text only: it is shown
    escaped, but a link or a tag is refused rather than shown as text."""
    text = body.strip()
    if len(text) < COMMENT_MIN_CHARS:
        return _("Write your comment (at least %(min)s characters).") % {"min": COMMENT_MIN_CHARS}
    if len(text) > COMMENT_MAX_CHARS:
        return _(
            "A comment has at most %(max)s characters; yours has %(count)s. Shorten it and send it again: "
            "your text is kept below."
        ) % {"max": f"{COMMENT_MAX_CHARS:,}".replace(",", "."), "count": f"{len(text):,}".replace(",", ".")}
    if TAG.search(text):
        return _("Comments are plain text: remove the HTML tags (such as <script> or <a>).")
    if LINK.search(text):
        return _("Comments cannot contain links or web addresses: describe what you mean in words.")
    return ""


@transaction.atomic
def comment_post(*, plan: UsagePlan, author, body: str) -> PlanComment:
    """A signed-in visitor's comment on a published plan; it waits for moderation."""
    if author is None or not author.is_authenticated:
        raise PlanRefused(_("Sign in to comment."))
    locked = UsagePlan.objects.select_for_update().select_related("need").get(pk=plan.pk)
    if not locked.is_published or not locked.need.is_public:
        raise PlanRefused(_("This plan is not open for comment."))
    problem = comment_problem(body)
    if problem:
        raise PlanRefused(problem, field="body")
    return _save(PlanComment(plan=locked, author=author, body=body.strip()), author)


MODERATION_ACTIONS = ("publish", "reject")


@transaction.atomic
def comment_moderate(*, comment: PlanComment, actor, action: str, reason: str = "") -> PlanComment:
    """Publish a comment on the need's page, or keep it off with a reason (kept). A
    published comment can be taken down the same way, and a rejected one published."""
    if action not in MODERATION_ACTIONS:
        raise PlanRefused(_("Choose to publish or not to publish the comment."))
    locked = PlanComment.objects.select_for_update().select_related("plan__need").get(pk=comment.pk)
    reason = reason.strip()
    if action == "reject" and not reason:
        raise PlanRefused(_("Say why the comment is not published: the reason is kept."), field="reason")
    if len(reason) > 500:
        raise PlanRefused(_("The reason has at most 500 characters."), field="reason")
    wanted = PlanComment.Status.PUBLISHED if action == "publish" else PlanComment.Status.REJECTED
    if locked.status == wanted:
        raise PlanRefused(_("This comment has already been moderated so (perhaps in another tab)."))
    locked.status = wanted
    locked.moderated_by = actor
    locked.moderated_at = timezone.now()
    locked.moderation_note = reason
    _save(locked, actor)
    return locked
