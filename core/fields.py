"""A name that can reach a mail header (a school's, an office's, a person's, a fund's).

A line break in a name ("Trường Pú Xi\\r\\nBcc: …") would end the subject line of every
mail that names it: Django refuses such a header with BadHeaderError, so the mail fails
every time it is retried and a job walking many rows stops at that row. So a name is one
line of printable text: the form refuses CR, LF and every other control character with
a message next to the field, and folds runs of spaces (and no-break or other Unicode
spaces) into one. Old rows and text that never went through a form are made safe again
where mail is built (core.mail.header_text).
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def has_control_characters(value: str) -> bool:
    """CR, LF, tab, NUL, DEL and the other control characters (Unicode's Cc), and the
    line and paragraph separators U+2028 and U+2029, which end a line too."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value)


def validate_single_line(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Write the name on one line, without line breaks or control characters."), code="control_characters"
        )


def _fold_spaces(value: str) -> str:
    """NFC (so "ộ" typed as two code points is kept as one); no-break, thin and other
    Unicode spaces made plain, runs of them folded to one."""
    chars = [" " if unicodedata.category(ch) == "Zs" else ch for ch in unicodedata.normalize("NFC", value)]
    return " ".join(part for part in "".join(chars).split(" ") if part)


class SingleLineFormField(forms.CharField):
    """A name typed in a form: refused if it holds a line break or a control character
    (after the ends are trimmed: a trailing newline from a paste is harmless), spaces folded."""

    default_validators = [validate_single_line]

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str) and not has_control_characters(value):
            value = _fold_spaces(value)
        return value


class SingleLineCharField(models.CharField):
    """A CharField for names that can reach a mail header: one line of printable text.

    The column is an ordinary varchar, so the field deconstructs as a CharField: the rule
    lives in code (the validator and the form field) and changing it needs no migration."""

    default_validators = [validate_single_line]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SingleLineFormField, **kwargs})
