"""The rules of programme funds: an education office's fund is created and changed here,
with its history (who named it, who closed it). Gifts to a fund are pledges
(donations.services.pledge_create with `fund=`), and its money moves only under the
fund's row lock: gifts in services, allocations in donations.allocations."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from schools.models import Office

from .models import Fund

# Addresses the funds' own pages use (donations/urls.py: funds/new/).
RESERVED_SLUGS = {"new"}


class FundRefused(Exception):
    """A fund that cannot be saved as asked; `field` names the form field to blame."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def fund_save(
    *,
    office: Office,
    actor,
    name: str,
    slug: str,
    description: str = "",
    is_open: bool = True,
    fund: Fund | None = None,
) -> Fund:
    """Create a fund of `office`, or change `fund` (its office never changes: its money
    was given to that office). Raises FundRefused for a web address already taken."""
    if fund is not None and fund.office_id != office.pk:
        raise FundRefused(_("A fund stays with the office it was created for."), field="office")
    with transaction.atomic():
        if fund is None:
            fund = Fund(office=office, created_by=actor)
        else:
            # The counters are not this function's: reload them under the lock, keep them.
            fund = Fund.objects.select_for_update().get(pk=fund.pk)
        fund.name, fund.slug = name.strip(), slug.strip()
        fund.description, fund.is_open = description.strip(), is_open
        if fund.slug in RESERVED_SLUGS:
            raise FundRefused(_("This web address is reserved; choose another."), field="slug")
        try:
            fund.full_clean(exclude=["created_by"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise FundRefused(" ".join(messages), field=field) from error
        fund._history_user = actor
        try:
            with transaction.atomic():
                fund.save()
        except IntegrityError as error:  # the same address taken a moment ago
            raise FundRefused(_("Another fund already has this web address."), field="slug") from error
    return fund
