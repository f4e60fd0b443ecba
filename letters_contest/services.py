from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ContestRound, Entry


class EntryRefused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


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
        entry.save()
    return entry


DEFAULT_RUBRIC = [
    ("Nội dung, bám sát chủ đề", 40),
    ("Ngôn ngữ, hình thức thể hiện", 30),
    ("Tính sáng tạo, cảm xúc", 30),
]


def round_open(*, office, data: dict) -> "ContestRound":
    """Open the office's province round of an edition, with its plan and a default rubric."""
    from django.utils.text import slugify

    from campaigns.models import Campaign

    from .models import Criterion, Edition

    province = office.unit if office.unit.level == "province" else office.unit.province
    with transaction.atomic():
        edition, _created = Edition.objects.get_or_create(
            number=data["number"],
            defaults={
                key: data[key] for key in ("year", "theme", "guidance_document", "age_min", "age_max", "word_limit")
            },
        )
        if ContestRound.objects.filter(edition=edition, province=province).exists():
            raise EntryRefused(_("This province already has a round of this edition."), field="number")
        campaign = Campaign.objects.create(
            name=_("Responding to UPU letter-writing contest no. %(number)s – %(province)s")
            % {"number": edition.number, "province": province.name},
            slug=slugify(f"upu-{edition.number}-{province.code}-{province.pk}"),
            kind=Campaign.Kind.CONTEST,
            scope=province,
            lead_office=office,
            starts_on=data.get("launch_on") or timezone.localdate(),
            purpose=edition.theme,
        )
        round_ = ContestRound.objects.create(
            edition=edition,
            province=province,
            organiser=office,
            campaign=campaign,
            **{
                key: data.get(key)
                for key in ("launch_on", "school_deadline", "judging_from", "judging_to", "forward_by")
            },
        )
        for position, (name, weight) in enumerate(DEFAULT_RUBRIC):
            Criterion.objects.create(round=round_, name=name, weight=weight, max_score=10, position=position)
    return round_
