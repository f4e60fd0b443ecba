"""Reads of the documents app."""

from schools.models import Office

from .models import IssuedDocument, Register


def register_years(body) -> list[int]:
    field = "office" if isinstance(body, Office) else "school"
    return list(Register.objects.filter(**{field: body}).order_by("-year").values_list("year", flat=True))


def register_documents(body, year: int):
    """The documents of a body's register for a year, in their order (one query)."""
    field = "office" if isinstance(body, Office) else "school"
    return (
        IssuedDocument.objects.filter(**{f"register__{field}": body, "register__year": year})
        .select_related("issued_by")
        .order_by("number")
    )
