import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Vietnamese numbers: 0 followed by 9-10 digits, or +84 in place of the 0; spaces,
# dots and dashes between groups are allowed and ignored.
_PHONE_RE = re.compile(r"^(?:\+84|0)\d{9,10}$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_phone(value: str) -> None:
    if value and not _PHONE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("Enter a Vietnamese phone number, for example 0912 345 678 or +84 912 345 678."),
            code="invalid_phone",
        )
