"""Writes to the school registry. Views and commands call these, never save() raw."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .forms import SchoolImportForm, UnitImportForm
from .models import AdministrativeUnit, Office, School, SchoolSite


def school_save_profile(*, school: School, user) -> School:
    """Save an edited profile. Whoever saves it has looked at it, so it is current."""
    with transaction.atomic():
        school.profile_confirmed_at = timezone.now()
        school.profile_confirmed_by = user
        school._history_user = user  # the audit trail's "who", also outside a request
        school.save()
    return school


def school_confirm_profile(*, school: School, user) -> School:
    """Record that the profile was checked and is still true, without other changes."""
    with transaction.atomic():
        school.profile_confirmed_at = timezone.now()
        school.profile_confirmed_by = user
        school._history_user = user
        school.save(update_fields=["profile_confirmed_at", "profile_confirmed_by", "updated_at"])
    return school


def site_save(*, site: SchoolSite, user) -> SchoolSite:
    with transaction.atomic():
        site._history_user = user
        site.save()
        # A site is part of the profile: changing it confirms the profile too.
        school_confirm_profile(school=site.school, user=user)
    return site


def site_delete(*, site: SchoolSite, user) -> None:
    with transaction.atomic():
        school = site.school
        site._history_user = user
        site.delete()
        school_confirm_profile(school=school, user=user)


def office_save(*, office: Office, user) -> Office:
    """Save an office: its name, kind, unit, or how its official documents read (the
    `document_*` fields that documents/issuers.py prefers to the rule of its kind)."""
    with transaction.atomic():
        office._history_user = user
        office.save()
    return office


# --- CSV import ---------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated

    def reject(self, line: int, errors) -> None:
        if hasattr(errors, "items"):
            text = "; ".join(f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in errors.items())
        else:
            text = str(errors)
        self.rejected.append((line, text))


def _read_csv(source) -> list[tuple[int, dict]]:
    """Rows as (line number, {column: value}); accepts text, bytes or a file."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        # Excel writes UTF-8 with a byte-order mark; utf-8-sig removes it.
        source = source.decode("utf-8-sig")
    source = source.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(source))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    return [
        (index + 2, {key: (value or "").strip() for key, value in row.items() if key})
        for index, row in enumerate(reader)
    ]


def _choice_lookup(choices_class) -> dict[str, str]:
    """Accept a choice by its key or its label in either language, case-insensitively."""
    lookup = {}
    for value, label in choices_class.choices:
        lookup[value.lower()] = value
        for language in ("vi", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


def _missing_columns(rows, required) -> list[str]:
    if not rows:
        return []
    return [column for column in required if column not in rows[0][1]]


# Official files name the unit type rather than the level. "Thành phố" is left out on
# purpose: it is a province (Hà Nội) or a district (Điện Biên Phủ).
UNIT_TYPE_ALIASES = {
    "tỉnh": AdministrativeUnit.Level.PROVINCE,
    "huyện": AdministrativeUnit.Level.DISTRICT,
    "quận": AdministrativeUnit.Level.DISTRICT,
    "thị xã": AdministrativeUnit.Level.DISTRICT,
    "xã": AdministrativeUnit.Level.COMMUNE,
    "phường": AdministrativeUnit.Level.COMMUNE,
    "thị trấn": AdministrativeUnit.Level.COMMUNE,
    "đặc khu": AdministrativeUnit.Level.COMMUNE,
}


def import_units(source, *, dry_run: bool = False) -> ImportReport:
    """Create or update administrative units from CSV: code, name, level, parent_code.

    Rows are taken parents first whatever their order, so a file may list communes
    before their district.
    """
    report = ImportReport()
    rows = _read_csv(source)
    missing = _missing_columns(rows, ["code", "name", "level"])
    if missing:
        report.reject(1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        return report
    levels = {**_choice_lookup(AdministrativeUnit.Level), **UNIT_TYPE_ALIASES}
    order = {AdministrativeUnit.Level.PROVINCE: 0, AdministrativeUnit.Level.DISTRICT: 1}
    rows.sort(key=lambda item: order.get(levels.get(item[1].get("level", "").lower()), 2))
    with transaction.atomic():
        for line, row in rows:
            form = UnitImportForm({**row, "level": levels.get(row.get("level", "").lower(), row.get("level"))})
            if not form.is_valid():
                report.reject(line, form.errors)
                continue
            data = form.cleaned_data
            unit = AdministrativeUnit.objects.filter(
                code=data["code"], level=data["level"], abolished_on__isnull=True
            ).first()
            created = unit is None
            unit = unit or AdministrativeUnit(code=data["code"], level=data["level"])
            unit.name = data["name"]
            unit.parent = data["parent"]
            unit.save()
            if created:
                report.created += 1
            else:
                report.updated += 1
        if dry_run:
            transaction.set_rollback(True)
    return report


# The CSV header: the importer form's fields, with the commune given by its code.
SCHOOL_COLUMNS = ["code", "name", "level", "commune_code", *SchoolImportForm.Meta.fields[3:]]


def import_schools(source, *, dry_run: bool = False, actor=None, reason: str = "registry import") -> ImportReport:
    """Create or update schools from CSV, matched by official code (see SCHOOL_COLUMNS).
    Each school's history row names `actor` (the person who ran the import) and `reason`
    (the command and file)."""
    report = ImportReport()
    rows = _read_csv(source)
    missing = _missing_columns(rows, ["code", "name", "level", "commune_code"])
    if missing:
        report.reject(1, _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        return report
    levels = _choice_lookup(School.Level)
    boarding = _choice_lookup(School.Boarding)
    with transaction.atomic():
        for line, row in rows:
            data = {column: row.get(column, "") for column in SCHOOL_COLUMNS}
            data["level"] = levels.get(data["level"].lower(), data["level"])
            data["boarding"] = boarding.get(data["boarding"].lower(), data["boarding"]) or School.Boarding.NONE
            for number in ("pupils", "ethnic_minority_percent"):
                data[number] = data[number] or "0"
            existing = School.objects.filter(code=data["code"]).first()
            form = SchoolImportForm(data, instance=existing)
            if not form.is_valid():
                report.reject(line, form.errors)
                continue
            form.instance._history_user = actor
            form.instance._change_reason = reason
            form.save()
            if existing:
                report.updated += 1
            else:
                report.created += 1
        if dry_run:
            transaction.set_rollback(True)
    return report
