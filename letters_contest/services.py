"""Every write of the contest. Each keeps its history with the acting user, set on the
instance so that it is recorded outside a request too; EntryAccess rows are themselves
the record of who opened pupils' data."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ContestRound, Criterion, Edition, Entry, EntryAccess, Judge, Score


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
    """Consent withdrawn: the pupil's personal data and the letter are erased."""
    with transaction.atomic():
        if entry.letter_file:
            entry.letter_file.delete(save=False)
        entry.pupil_name = entry.class_name = entry.letter_text = entry.consent_guardian = ""
        entry.date_of_birth = None
        entry.duplicate_key = ""
        entry.consent_given = entry.consent_publish_name = False
        entry.status = Entry.Status.WITHDRAWN
        entry._history_user = actor
        entry.save()
    return entry


DEFAULT_RUBRIC = [
    ("Nội dung, bám sát chủ đề", 40),
    ("Ngôn ngữ, hình thức thể hiện", 30),
    ("Tính sáng tạo, cảm xúc", 30),
]


def retention_default(school_deadline):
    """The day a round's unawarded entries are deleted unless its organiser says otherwise:
    CONTEST_RETENTION_DAYS after the deadline for schools."""
    try:
        return school_deadline + timedelta(days=settings.CONTEST_RETENTION_DAYS)
    except OverflowError:  # a deadline at the end of the calendar
        return date.max


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
            delete_entries_on=data.get("delete_entries_on") or retention_default(data["school_deadline"]),
        )
        round_._history_user = actor
        round_.save()
        for position, (name, weight) in enumerate(DEFAULT_RUBRIC):
            criterion = Criterion(round=round_, name=name, weight=weight, max_score=10, position=position)
            criterion._history_user = actor
            criterion.save()
    return round_


class AwardCertified(EntryRefused):
    """An award whose certificate is issued is a document: it is not changed nor taken back
    (awards, publishing and corrections: letters_contest.results)."""


def judge_appoint(*, round_: ContestRound, email: str, actor, stage: int = 1) -> Judge:
    """Let the account with this e-mail judge the round; appointing twice changes nothing."""
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
    with transaction.atomic():
        judge = Judge.objects.select_for_update().filter(round=round_, pk=judge_id).first()
        if judge is None:
            return False
        judge._history_user = actor
        judge.delete()
    return True


def scores_save(*, entry: Entry, judge, stage: int, values: dict[int, Decimal]) -> list[Score]:
    """A judge's marks for an entry, one per criterion; a mark given again replaces the
    old one, which stays in the history."""
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
