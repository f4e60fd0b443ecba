"""Who does what in the national round. National organisers (the superuser, or a
NationalRole organiser) see forwarded letters by code, province, school and prize, and
a pupil's name only where the public does; national judges see a letter's national code
and the letter, never the pupil, the school or the province. A province's organiser
forwards its letters and follows what became of them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from schools.permissions import roles_of

from .models import ContestRound, Edition, Forwarding, NationalRole, NationalRound
from .permissions import is_organiser


def get_edition(number) -> Edition:
    return get_object_or_404(Edition, number=number)


def get_national_round(number) -> NationalRound:
    return get_object_or_404(NationalRound.objects.select_related("edition"), edition__number=number)


def is_national_organiser(user, national_round: NationalRound) -> bool:
    if not user.is_authenticated:
        return False
    if roles_of(user).is_superuser:
        return True
    return NationalRole.objects.filter(
        national_round=national_round, user=user, role=NationalRole.Role.ORGANISER
    ).exists()


def can_open_national_round(user) -> bool:
    """Opening the national round of an edition is the superuser's (who then appoints
    its organisers)."""
    return user.is_authenticated and roles_of(user).is_superuser


def is_national_judge(user, national_round: NationalRound) -> bool:
    return (
        user.is_authenticated
        and NationalRole.objects.filter(national_round=national_round, user=user, role=NationalRole.Role.JUDGE).exists()
    )


def require_national_organiser(user, national_round: NationalRound) -> None:
    if not is_national_organiser(user, national_round):
        raise PermissionDenied


def require_national_judge(user, national_round: NationalRound) -> None:
    if not is_national_judge(user, national_round):
        raise PermissionDenied


def get_round_for_forwarding(user, national_round: NationalRound, round_pk) -> ContestRound:
    """The province's round of the national round's edition, for its organiser."""
    round_ = get_object_or_404(
        ContestRound.objects.select_related("edition", "province", "organiser"),
        pk=round_pk,
        edition=national_round.edition,
    )
    if not is_organiser(user, round_):
        raise PermissionDenied
    return round_


def get_forwarding_for_judging(national_round: NationalRound, pk) -> Forwarding:
    """A letter as a national judge has it: the forwarding and the letter, nothing that
    names the pupil, the school or the province is loaded."""
    return get_object_or_404(
        Forwarding.objects.select_related("entry")
        .only(
            "pk",
            "national_round_id",
            "excluded_at",
            "entry__id",
            "entry__code",
            "entry__letter_text",
            "entry__letter_file",
            "entry__word_count",
            "entry__status",
        )
        .filter(entry__status="registered"),
        national_round=national_round,
        pk=pk,
    )
