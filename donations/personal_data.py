"""A donor's own data: everything the portal holds about them, to download, and who may
erase it (the erasure itself is donations.services.donor_erase).

Erasure keeps what others rely on and drops who the donor was: promises not yet paid are
cancelled (the needs reopen for others), gifts that arrived keep their amounts, because
each need's money must still add up, but lose the name, e-mail, phone and message, and
count as anonymous; the donor profile and the account go. People with a role (school
staff, officers, organisers, contest judges) work under their office's authority: their
accounts are closed by the office, not erased from here.
"""

from django.db.models import Q

from .models import DonorProfile, Pledge


def pledges_of_person(user):
    """The donor's pledges: through their account, and those given as a guest with
    their e-mail."""
    return Pledge.objects.filter(Q(donor=user) | Q(donor__isnull=True, donor_email__iexact=user.email))


def personal_data(user) -> dict:
    """Everything about the donor, as plain data for a JSON download."""
    profile = DonorProfile.objects.filter(user=user).first()
    pledges = pledges_of_person(user).select_related("need__school", "fund__office").order_by("created_at")
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "donor_profile": (
            {
                "kind": profile.kind,
                "name": profile.name,
                "tax_code": profile.tax_code,
                "public_name": profile.display_name,
                "anonymous_by_default": profile.anonymous_by_default,
            }
            if profile
            else None
        ),
        "pledges": [
            {
                "reference": p.reference,
                "need": {"id": p.need_id, "title": p.need.title, "school": p.need.school.name} if p.need_id else None,
                "fund": {"id": p.fund_id, "name": p.fund.name, "office": p.fund.office.name} if p.fund_id else None,
                "kind": p.kind,
                "amount_vnd": p.amount,
                "goods": p.goods_description,
                "message": p.message,
                "anonymous": p.anonymous,
                "name_given": p.donor_name,
                "email_given": p.donor_email,
                "phone_given": p.donor_phone,
                "status": p.status,
                "received_vnd": p.received_amount,
                "received_on": p.received_on.isoformat() if p.received_on else None,
                "created_at": p.created_at.isoformat(),
            }
            for p in pledges
        ],
        "roles": [
            {
                "role": m.role,
                "school": m.school.name if m.school else None,
                "office": m.office.name if m.office else None,
            }
            for m in user.memberships.select_related("school", "office")
        ],
    }


def can_erase(user) -> bool:
    # A judge is appointed by the contest's organisers, and deleting the account would
    # delete the judge's scores with it: the rankings would change behind their back.
    return not user.memberships.exists() and not user.judging.exists() and not user.is_staff and not user.is_superuser
