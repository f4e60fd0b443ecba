"""Every write of the contest. Each keeps its history with the acting user, set on the
instance so that it is recorded outside a request too; EntryAccess rows are themselves
the record of who opened pupils' data."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import lifecycle
from .lifecycle import Action
from .models import Award, ContestRound, Criterion, Edition, Entry, EntryAccess, Judge, ResultCorrection, Score


class EntryRefused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


class JudgeRefused(EntryRefused):
    pass


def check_age(round_: ContestRound, date_of_birth) -> None:
    """The pupil's age on the closing date must lie in the edition's range."""
    edition = round_.edition
    deadline = round_.school_deadline
    age = (
        deadline.year - date_of_birth.year - ((deadline.month, deadline.day) < (date_of_birth.month, date_of_birth.day))
    )
    if not edition.age_min <= age <= edition.age_max:
        raise EntryRefused(
            _("On %(date)s the pupil will be %(age)s; the contest is for pupils aged %(min)s to %(max)s.")
            % {"date": deadline.strftime("%d/%m/%Y"), "age": age, "min": edition.age_min, "max": edition.age_max},
            field="date_of_birth",
        )


def possible_duplicates(round_: ContestRound, entry: Entry):
    return Entry.objects.filter(
        round=round_, duplicate_key=entry.duplicate_key, status=Entry.Status.REGISTERED
    ).exclude(pk=entry.pk)


def entry_register(*, round_: ContestRound, entry: Entry, actor) -> Entry:
    lifecycle.require(round_, Action.REGISTER)
    if not entry.consent_given:
        raise EntryRefused(_("An entry needs the guardian's consent."), field="consent_given")
    check_age(round_, entry.date_of_birth)
    if entry.word_count > round_.edition.word_limit:
        raise EntryRefused(
            _("The letter has %(count)s words; the limit is %(limit)s.")
            % {"count": entry.word_count, "limit": round_.edition.word_limit},
            field="word_count",
        )
    entry.round, entry.created_by = round_, actor
    entry.consent_recorded_at = timezone.now()
    entry._history_user = actor
    for _attempt in range(5):
        # Codes number the round's entries; a clash with a parallel registration retries.
        last = Entry.objects.filter(round=round_).aggregate(n=Max("code"))["n"]
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        entry.code = f"{round_.province.code}-{round_.edition.number}-{number:05d}"
        try:
            with transaction.atomic():
                entry.save()
            return entry
        except IntegrityError:
            entry.pk = None
    raise EntryRefused(_("Please try again."))


def entry_withdraw(*, entry: Entry, actor) -> Entry:
    """Consent withdrawn: the pupil's personal data and the letter are erased, and the
    entry leaves the contest with its award (one whose certificate is issued stays, as the
    document it is). Once the results are public, taking an award back is a correction
    on the record."""
    round_ = entry.round
    lifecycle.require(round_, Action.WITHDRAW)
    with transaction.atomic():
        award = Award.objects.select_for_update().filter(entry=entry).first()
        if award is not None and lifecycle.state_of(round_) == lifecycle.State.PUBLISHED:
            ResultCorrection.objects.create(
                round=round_,
                entry=entry,
                entry_code=entry.code,
                what=_("%(code)s: %(award)s taken back") % {"code": entry.code, "award": award.get_level_display()}
                if not award.certificate_id
                else _("%(code)s left the contest; its certificate %(number)s stays issued")
                % {"code": entry.code, "number": award.certificate.number_text},
                reason=_("The guardian withdrew consent."),
                decided_by=actor,
            )
        if award is not None and not award.certificate_id:
            award._history_user = actor
            award.delete()
        if entry.letter_file:
            entry.letter_file.delete(save=False)
        entry.pupil_name = entry.class_name = entry.letter_text = entry.consent_guardian = ""
        entry.date_of_birth = None
        entry.duplicate_key = ""
        entry.consent_given = entry.consent_publish_name = entry.consent_keep_letter = False
        entry.ethnic_group, entry.has_disability = "", False
        entry.sensitive_consent = entry.sensitive_publish_consent = False
        entry.status = Entry.Status.WITHDRAWN
        entry._history_user = actor
        entry.save()
    return entry


DEFAULT_RUBRIC = [
    ("Nội dung, bám sát chủ đề", 40),
    ("Ngôn ngữ, hình thức thể hiện", 30),
    ("Tính sáng tạo, cảm xúc", 30),
]


def round_open(*, office, data: dict, actor) -> ContestRound:
    """Open the office's province round of an edition, with its plan and a default rubric."""
    from django.utils.text import slugify

    from campaigns.models import Campaign

    province = office.unit if office.unit.level == "province" else office.unit.province
    with transaction.atomic():
        edition = Edition.objects.filter(number=data["number"]).first()
        if edition is None:
            edition = Edition(
                number=data["number"],
                **{
                    key: data[key] for key in ("year", "theme", "guidance_document", "age_min", "age_max", "word_limit")
                },
            )
            edition._history_user = actor
            try:
                with transaction.atomic():  # a savepoint: another province may open it at the same moment
                    edition.save()
            except IntegrityError:
                edition = Edition.objects.get(number=data["number"])
        if ContestRound.objects.filter(edition=edition, province=province).exists():
            raise EntryRefused(_("This province already has a round of this edition."), field="number")
        campaign = Campaign(
            name=_("Responding to UPU letter-writing contest no. %(number)s – %(province)s")
            % {"number": edition.number, "province": province.name},
            slug=slugify(f"upu-{edition.number}-{province.code}-{province.pk}"),
            kind=Campaign.Kind.CONTEST,
            scope=province,
            lead_office=office,
            starts_on=data.get("launch_on") or timezone.localdate(),
            purpose=edition.theme,
        )
        campaign._history_user = actor  # for the campaign's history, where it keeps one
        campaign.save()
        round_ = ContestRound(
            edition=edition,
            province=province,
            organiser=office,
            campaign=campaign,
            **{
                key: data.get(key)
                for key in ("launch_on", "school_deadline", "judging_from", "judging_to", "forward_by")
            },
            opens_on=data.get("opens_on") or data.get("launch_on") or timezone.localdate(),
            judges_required=data.get("judges_required") or 2,
            # The organiser's date, or the default until the results are published
            # (retention_on_publish then counts six months from the publication).
            delete_entries_on=data.get("delete_entries_on") or lifecycle.planned_retention(data),
            retention_chosen=bool(data.get("delete_entries_on")),
        )
        round_._history_user = actor
        round_.save()
        for position, (name, weight) in enumerate(DEFAULT_RUBRIC):
            criterion = Criterion(round=round_, name=name, weight=weight, max_score=10, position=position)
            criterion._history_user = actor
            criterion.save()
    return round_


ROUND_DATES = ("opens_on", "school_deadline", "judging_from", "judging_to", "forward_by", "judges_required")


def round_dates_set(*, round_: ContestRound, data: dict, actor) -> ContestRound:
    """The organiser changes the round's dates (while EDIT_ROUND allows) and its deletion
    date (while SET_RETENTION allows; a date given is the organiser's choice, an empty one
    goes back to the default). Raises StateRefused, or ValidationError for dates out of
    order."""
    given = round_
    with transaction.atomic():
        round_ = ContestRound.objects.select_for_update().get(pk=round_.pk)
        changed = [name for name in ROUND_DATES if name in data and data[name] != getattr(round_, name)]
        if changed:
            lifecycle.require(round_, Action.EDIT_ROUND)
        for name in changed:
            setattr(round_, name, data[name])
        published = round_.results_published_at
        published_on = timezone.localtime(published).date() if published else None
        if "delete_entries_on" in data:
            chosen = data["delete_entries_on"]
            if chosen:
                delete_on = chosen
            elif published_on:
                delete_on = lifecycle.retention_after_publishing(published_on)
            else:
                delete_on = lifecycle.planned_retention({n: getattr(round_, n) for n in ROUND_DATES})
            if delete_on != round_.delete_entries_on or bool(chosen) != round_.retention_chosen:
                lifecycle.require(round_, Action.SET_RETENTION)
                round_.delete_entries_on, round_.retention_chosen = delete_on, bool(chosen)
                changed.append("delete_entries_on")
        elif changed and not round_.retention_chosen and not published_on:
            round_.delete_entries_on = lifecycle.planned_retention({n: getattr(round_, n) for n in ROUND_DATES})
        errors = lifecycle.check_dates(
            {n: getattr(round_, n) for n in (*ROUND_DATES, "delete_entries_on")},
            today_=timezone.localdate() if "delete_entries_on" in changed else None,
            published_on=published_on,
        )
        if errors:
            raise ValidationError(errors)
        if changed:
            round_._history_user = actor
            round_.save()
    given.refresh_from_db()  # the caller's instance says what was saved
    return given


def retention_on_publish(round_: ContestRound, published_at: datetime) -> date:
    """Publishing the results sets the day the pupils' data goes: CONTEST_RETENTION_MONTHS
    after the publication, unless the organiser chose it. Changes the instance only: the
    caller saves `delete_entries_on` with its own write."""
    if not round_.retention_chosen:
        round_.delete_entries_on = lifecycle.retention_after_publishing(timezone.localtime(published_at).date())
    return round_.delete_entries_on


class AwardCertified(EntryRefused):
    """An award whose certificate is issued is a document: it is not changed nor taken back
    (awards, publishing and corrections: letters_contest.results)."""


def judge_appoint(*, round_: ContestRound, email: str, actor, stage: int = 1) -> Judge:
    """Let the account with this e-mail judge the round; appointing twice changes nothing."""
    lifecycle.require(round_, Action.APPOINT_JUDGE)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise JudgeRefused(_("No account has this e-mail. Ask the judge to sign up first."), field="email")
    with transaction.atomic():
        # The round's row is the lock: the same judge appointed twice at once is one judge.
        ContestRound.objects.select_for_update().filter(pk=round_.pk).exists()
        judge = Judge.objects.filter(round=round_, user=user, stage=stage).first()
        if judge is None:
            judge = Judge(round=round_, user=user, stage=stage)
            judge._history_user = actor
            judge.save()
    return judge


def judge_remove(*, round_: ContestRound, judge_id: int, actor) -> bool:
    """Take a judge off the round (their scores stay). False if they were not on it."""
    lifecycle.require(round_, Action.APPOINT_JUDGE)
    with transaction.atomic():
        judge = Judge.objects.select_for_update().filter(round=round_, pk=judge_id).first()
        if judge is None:
            return False
        judge._history_user = actor
        judge.delete()
    return True


def scores_save(*, entry: Entry, judge, stage: int, values: dict[int, Decimal]) -> list[Score]:
    """A judge's marks for an entry, one per criterion; a mark given again replaces the
    old one, which stays in the history. Stage 1 is the province's judging, allowed in its
    round's judging state; stage 2 the national round's, whose own state
    (letters_contest.national) its caller checks."""
    if stage == 1:
        lifecycle.require(entry.round, Action.SCORE)
    saved = []
    with transaction.atomic():
        # The entry's row is the lock: a double-submitted form writes each mark once.
        Entry.objects.select_for_update().filter(pk=entry.pk).exists()
        existing = {score.criterion_id: score for score in Score.objects.filter(entry=entry, judge=judge, stage=stage)}
        for criterion_id, value in values.items():
            score = existing.get(criterion_id) or Score(
                entry=entry, judge=judge, stage=stage, criterion_id=criterion_id
            )
            if score.pk and score.value == value:
                continue
            score.value = value
            score._history_user = judge
            score.save()
            saved.append(score)
    return saved


def entry_access_record(*, entry: Entry, user, what: str) -> EntryAccess:
    """Keep who opened this pupil's data and how ("view", "judge-letter")."""
    return EntryAccess.objects.create(entry=entry, entry_code=entry.code, user=user, action=what)


def entries_access_record(*, entries: Iterable[Entry], user, what: str) -> list[EntryAccess]:
    """The same for a page that shows many entries ("list", "ranking"), in one query."""
    return EntryAccess.objects.bulk_create(
        [EntryAccess(entry=entry, entry_code=entry.code, user=user, action=what) for entry in entries]
    )
