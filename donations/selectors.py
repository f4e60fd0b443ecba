from django.db.models import QuerySet

from needs.models import Need
from schools.models import Office

from .models import BankAccount, PaymentRoute, Pledge


def receiving_account(school) -> BankAccount | None:
    """The officer's choice for the school, else its district office's account, else the
    provincial department's."""
    route = PaymentRoute.objects.select_related("account").filter(school=school).first()
    if route:
        return route.account
    for unit_id in (school.district_id, school.province_id):
        if unit_id is None:
            continue
        account = (
            BankAccount.objects.filter(office__unit_id=unit_id, office__kind__in=Office.EDUCATION_KINDS)
            .order_by("pk")
            .first()
        )
        if account:
            return account
    return None


def similar_open_needs(need: Need, *, limit: int = 3) -> list[Need]:
    """Needs a donor can turn to when this one no longer lacks what they offered."""
    candidates = Need.objects.filter(status=Need.Status.VERIFIED, category=need.category).exclude(pk=need.pk)
    nearby = candidates.filter(school__district_id=need.school.district_id) if need.school.district_id else candidates
    found = list(nearby.select_related("school").order_by("-urgency", "-pk")[:limit])
    if len(found) < limit:
        found += list(
            candidates.exclude(pk__in=[n.pk for n in found])
            .select_related("school")
            .order_by("-urgency", "-pk")[: limit - len(found)]
        )
    return found


def pledges_of(user) -> QuerySet[Pledge]:
    return Pledge.objects.filter(donor=user).select_related("need__school").order_by("-created_at")


def pledges_awaiting_receipt(schools) -> QuerySet[Pledge]:
    return (
        Pledge.objects.filter(need__school__in=schools, status=Pledge.Status.PLEDGED)
        .select_related("need__school")
        .order_by("created_at")
    )
