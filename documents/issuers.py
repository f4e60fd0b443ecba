"""Who issues an official document, and how its header, number and signature read.

Decree 30/2020/NĐ-CP (Appendix I) puts in every administrative document the parent body
("cơ quan chủ quản") above the issuing body, the number with the body's symbol
("Số: 12/KH-SGDĐT"), the place and date ("Điện Biên, ngày 20 tháng 02 năm 2026") and a
signature block with the signer's authority and title. All of it follows from the issuing
office (or school) and the document's date, never from a template: `issuer_of_office`
and `issuer_of_school` give an `Issuer`, and templates/documents/_header.html and
_signature.html print it. The lines below give the signature block of the body's head;
`issuer.with_signer(signer)` gives the block of the person chosen to sign (one of the
body's `documents.Signer` rows), by the rules of documents/signers.py ("KT. GIÁM ĐỐC /
PHÓ GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") with their name.

The rules, by the office's kind and its unit's level:

- People's Committee: "ỦY BAN NHÂN DÂN XÃ TUẦN GIÁO", symbol UBND, no parent body,
  signed "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH".
- Education department (or an education office of a province): "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
  under "ỦY BAN NHÂN DÂN TỈNH …", symbol SGDĐT, "GIÁM ĐỐC".
- Education office of a district (the map before 1 July 2025): "PHÒNG GIÁO DỤC VÀ ĐÀO
  TẠO" under "ỦY BAN NHÂN DÂN HUYỆN …", symbol PGDĐT, "TRƯỞNG PHÒNG".
- Education office of a commune (the map since 1 July 2025): the commune People's
  Committee's Culture and Society division, "PHÒNG VĂN HÓA - XÃ HỘI" under "ỦY BAN NHÂN
  DÂN XÃ …", symbol VHXH, "TRƯỞNG PHÒNG".
- Information department of a province: "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" (STTTT) before
  1 March 2025, when the departments merged into Science and Technology, "SỞ KHOA HỌC VÀ
  CÔNG NGHỆ" (SKHCN) from that day; under the province's People's Committee, "GIÁM ĐỐC".
- Any other office: its own name in capitals, the People's Committee of its unit above a
  culture centre, a symbol of the initials of its name, and the usual head's title of its
  kind.

An office may override the parent body, the name, the symbol and the signer's title
(`Office.document_*`, kept with the office's history); an empty field follows the rule.

Names are those of the date: a unit renamed since is printed under the name it had
(`AdministrativeUnit.former_names`), and the place is that name without its kind
("Tỉnh Điện Biên" -> "Điện Biên"; "Phường 1" keeps its kind, since "1" is no place).

**Abolished units.** A document dated on or after its office's unit was abolished is never
issued by that unit's body; the body that took over issues it:

1. the office of the same kind in the unit's successor, when the unit went whole into one
   current unit (a commune into its new commune; a province into the province it merged
   into), following successors that were abolished in turn;
2. else the province's office of the corresponding kind: the education department for an
   education office, the province's People's Committee for a People's Committee, the
   same kind otherwise; the province is the unit's own, or the one it merged into;
3. else `NoIssuer`, which the views turn into a message: someone must record the office
   that took over.

So a 2021 review of the 2021 Tuần Giáo campaign stays "ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO /
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", and the same campaign's review dated 2026 is the Điện Biên
department's. Where several offices of a kind stand in one unit, the first by code is taken.

A school issues its own documents (thank-you letters): its name under the body that manages
it on the date (the commune People's Committee for the preschools, primary and
lower-secondary schools of a commune on the current map, the district's education office
for those of a district on the old map, the province's department for upper-secondary
schools), signed "HIỆU TRƯỞNG" with the principal's name.
"""

import dataclasses
import re
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schools.models import AdministrativeUnit, Office, School

from . import signers

Level = AdministrativeUnit.Level
Kind = Office.Kind

# The day the provincial information departments merged into the departments of Science
# and Technology (Decree 45/2025/NĐ-CP, in force from 1 March 2025).
INFORMATION_MERGED_ON = date(2025, 3, 1)

PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"

# Kinds of unit a place name is written without ("Tỉnh Điện Biên" -> "Điện Biên").
PLACE_KINDS = ("Thành phố", "Tỉnh", "Huyện", "Quận", "Thị xã", "Thị trấn", "Đặc khu", "Phường", "Xã")


class NoIssuer(Exception):
    """No current body issues a document for this office on that date."""


@dataclass(frozen=True)
class Issuer:
    """What a Decree 30 header, number and signature block need of the issuing body."""

    parent_body: str  # "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN"; empty when there is none
    name: str  # "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    text_name: str  # the body in running text: "Sở Giáo dục và Đào tạo tỉnh Điện Biên"
    symbol: str  # "SGDĐT", as in "Số: 12/KH-SGDĐT"
    signer_authority: str  # "TM. ỦY BAN NHÂN DÂN"; empty when the head signs in their own right
    signer_title: str  # "GIÁM ĐỐC"
    signer_name: str  # the signer's full name where it is known (a school's principal)
    place: str  # "Điện Biên": the place as named on `on`
    on: date  # the document's date
    office: Office | None = None  # the issuing office (after any succession), or
    school: School | None = None  # the issuing school
    collective: str = ""  # "ỦY BAN NHÂN DÂN" when the body is collective (signs "TM.")
    head_title: str = ""  # the head's title ("GIÁM ĐỐC"); signer_title until a signer is chosen
    signer: object = None  # the documents.models.Signer chosen (`with_signer`), if any
    lines: tuple[str, ...] = ()  # the chosen signer's lines (documents.signers)

    @property
    def signature_lines(self) -> tuple[str, ...]:
        """The lines of the signature block above the signature, top to bottom:
        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), or the title alone; with a signer chosen,
        as documents.signers writes them ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")."""
        if self.lines:
            return self.lines
        return tuple(line for line in (self.signer_authority, self.signer_title) if line)

    @property
    def signing_body(self) -> signers.Body:
        return signers.Body(head_title=self.head_title or self.signer_title, collective=self.collective)

    def with_signer(self, signer) -> "Issuer":
        """This issuer signed by `signer` (a documents.models.Signer of the body): its
        signature lines and name follow documents.signers. Raises ValueError when the
        signer's authority does not fit the body (a TM. signer for a department)."""
        lines = signers.signature_lines(self.signing_body, signer.authority, signer.title)
        return dataclasses.replace(
            self,
            head_title=self.head_title or self.signer_title,
            signer=signer,
            lines=lines,
            signer_authority=lines[0] if len(lines) > 1 else "",
            signer_title=lines[-1],
            signer_name=signer.full_name,
        )

    def number(self, kind: str = "", typed: str = "") -> str:
        """The number and symbol, without "Số:": "12/KH-SGDĐT"; "…/KH-SGDĐT" for a draft;
        "…/SGDĐT" for a letter, which has no kind. Only the serial is taken of a typed
        number ("125/BC-PGDĐT" -> 125): the symbol is always the issuer's."""
        serial = re.match(r"\s*(\d+)", typed or "")
        symbol = f"{kind}-{self.symbol}" if kind else self.symbol
        return f"{serial.group(1) if serial else '…'}/{symbol}"


def current_on(unit: AdministrativeUnit, on: date) -> bool:
    """Did the unit stand on that day (not yet abolished)?"""
    return unit.abolished_on is None or on < unit.abolished_on


def name_on(unit: AdministrativeUnit, on: date) -> str:
    """The unit's name on that day: a former name until the day it changed."""
    for former in unit.former_names:
        if on < date.fromisoformat(former["until"]):
            return former["name"]
    return unit.name


def place_name(name: str) -> str:
    """ "Tỉnh Bắc Giang" -> "Bắc Giang", as the place line of a document writes it; a
    numbered ward keeps its kind ("Phường 1")."""
    for kind in PLACE_KINDS:
        if name.startswith(f"{kind} "):
            rest = name[len(kind) + 1 :]
            return name if rest.isdigit() else rest
    return name


def _committee_of(unit: AdministrativeUnit, on: date) -> str:
    return f"{PEOPLES_COMMITTEE} {name_on(unit, on).upper()}"


def in_text(name: str) -> str:
    """A unit's name inside a sentence, its kind in small letters: "tỉnh Điện Biên"."""
    for kind in PLACE_KINDS:
        if name.startswith(f"{kind} "):
            return kind.lower() + name[len(kind) :]
    return name


def initials(name: str) -> str:
    """A symbol of a name's initials: "Bưu điện tỉnh Bắc Giang" -> "BĐTBG"; a word
    already in capitals is an abbreviation and kept whole ("PTDTBT")."""
    letters = []
    for word in re.findall(r"[^\W\d_]+", name):
        letters.append(word if len(word) > 1 and word.isupper() else word[0].upper())
    return "".join(letters)


# --- offices -------------------------------------------------------------------------


def _successors_on(unit: AdministrativeUnit, on: date) -> list[AdministrativeUnit]:
    """The units standing on `on` that took over `unit`, following successors that were
    abolished in turn (a guard against cycles, which load_map refuses anyway)."""
    found, seen, queue = [], {unit.pk}, list(unit.successors.all())
    while queue:
        successor = queue.pop(0)
        if successor.pk in seen:
            continue
        seen.add(successor.pk)
        if current_on(successor, on):
            found.append(successor)
        else:
            queue.extend(successor.successors.all())
    return sorted(found, key=lambda found_unit: found_unit.pk)


def _province_on(unit: AdministrativeUnit, on: date) -> AdministrativeUnit | None:
    """The province that holds `unit`'s territory on `on`: its own, or the one province
    its own merged into, or the one province all its successors lie in."""
    province = unit if unit.level == Level.PROVINCE else unit.province
    if province is not None and current_on(province, on):
        return province
    if province is not None:
        merged = _successors_on(province, on)
        if len(merged) == 1:
            return merged[0]
    provinces = {
        successor.pk if successor.level == Level.PROVINCE else successor.province_id: successor
        for successor in _successors_on(unit, on)
    }
    if len(provinces) == 1:
        (pk,) = provinces
        return AdministrativeUnit.objects.get(pk=pk)
    return None


def _office_of(unit: AdministrativeUnit, kinds) -> Office | None:
    # A department before an education office of the same province ("d" < "o").
    return Office.objects.filter(unit=unit, kind__in=kinds).select_related("unit").order_by("kind", "code").first()


def _province_kinds(kind: str) -> tuple[str, ...]:
    """The kind of office that takes over at the province from an office of `kind`."""
    if kind in Office.EDUCATION_KINDS:
        return (Kind.EDUCATION_DEPARTMENT, Kind.EDUCATION_OFFICE)
    return (kind,)


def issuing_office(office: Office, on: date) -> Office:
    """The office that issues on `on` in place of `office`: itself while its unit stands,
    else the body that took over (the module's rules), else `NoIssuer`."""
    unit = office.unit
    if current_on(unit, on):
        return office
    successors = _successors_on(unit, on)
    if len(successors) == 1:
        same_kind = _office_of(successors[0], (office.kind,))
        if same_kind is not None:
            return same_kind
        if successors[0].level == Level.PROVINCE:
            found = _office_of(successors[0], _province_kinds(office.kind))
            if found is not None:
                return found
    province = _province_on(unit, on)
    if province is not None:
        found = _office_of(province, _province_kinds(office.kind))
        if found is not None:
            return found
    raise NoIssuer(
        _(
            "No body issues this document for %(office)s on %(date)s: %(unit)s was abolished on "
            "%(abolished)s and no office has been recorded for the body that took over. An "
            "administrator can add that office."
        )
        % {
            "office": office.name,
            "date": date_format(on, "SHORT_DATE_FORMAT"),
            "unit": unit.name,
            "abolished": date_format(unit.abolished_on, "SHORT_DATE_FORMAT"),
        }
    )


def _rule_of(office: Office, on: date) -> dict:
    """The header, symbol and signer of an office by its kind and its unit's level."""
    unit, kind = office.unit, office.kind
    committee = _committee_of(unit, on)
    here = in_text(name_on(unit, on))  # "tỉnh Điện Biên", "huyện Tuần Giáo"
    province_level = unit.level == Level.PROVINCE

    def body(name, text, symbol, title):
        return {"parent_body": committee, "name": name, "text_name": f"{text} {here}", "symbol": symbol,
                "signer_title": title}  # fmt: skip

    if kind == Kind.PEOPLES_COMMITTEE:
        return {
            "parent_body": "",
            "name": committee,
            "text_name": f"Ủy ban nhân dân {here}",
            "symbol": "UBND",
            "signer_authority": f"TM. {PEOPLES_COMMITTEE}",
            "signer_title": "CHỦ TỊCH",
            "collective": PEOPLES_COMMITTEE,
        }
    if kind == Kind.EDUCATION_DEPARTMENT or (kind == Kind.EDUCATION_OFFICE and province_level):
        return body("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo", "SGDĐT", "GIÁM ĐỐC")
    if kind == Kind.EDUCATION_OFFICE and unit.level == Level.DISTRICT:
        return body("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Phòng Giáo dục và Đào tạo", "PGDĐT", "TRƯỞNG PHÒNG")
    if kind == Kind.EDUCATION_OFFICE:  # a commune People's Committee's Culture and Society division
        return body("PHÒNG VĂN HÓA - XÃ HỘI", "Phòng Văn hóa - Xã hội", "VHXH", "TRƯỞNG PHÒNG")
    if kind == Kind.INFORMATION_DEPARTMENT and province_level:
        if on < INFORMATION_MERGED_ON:
            return body("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông", "STTTT", "GIÁM ĐỐC")
        return body("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ", "SKHCN", "GIÁM ĐỐC")
    titles = {Kind.YOUTH_UNION: "BÍ THƯ", Kind.MASS_ORGANISATION: "CHỦ TỊCH", Kind.OTHER: "THỦ TRƯỞNG CƠ QUAN"}
    return {
        "parent_body": committee if kind == Kind.CULTURE_CENTRE else "",
        "name": office.name.upper(),
        "text_name": office.name,
        "symbol": initials(office.short_name or office.name),
        "signer_title": titles.get(kind, "GIÁM ĐỐC"),
    }


def issuer_of_office(office: Office, *, on: date) -> Issuer:
    """The issuer of a document of `office` dated `on` (see the module's rules)."""
    office = issuing_office(office, on)
    rule = {"signer_authority": "", "collective": "", **_rule_of(office, on)}
    signer_title = office.document_signer_title or rule["signer_title"]
    return Issuer(
        parent_body=office.document_parent_body or rule["parent_body"],
        name=office.document_name or rule["name"],
        # An office that names itself in its headers is named so in the text too.
        text_name=office.name if office.document_name else rule["text_name"],
        symbol=office.document_symbol or rule["symbol"],
        signer_authority=rule["signer_authority"],
        signer_title=signer_title,
        signer_name="",
        place=place_name(name_on(office.unit, on)),
        on=on,
        office=office,
        collective=rule["collective"],
        head_title=signer_title,
    )


# --- schools -------------------------------------------------------------------------


def managing_body(school: School, commune: AdministrativeUnit, on: date) -> str:
    """The body that manages a school on `on`, as its documents' parent line reads: the
    province's department for an upper-secondary school; for the others the district's
    education office on the old map, the commune's People's Committee on the current one."""
    if school.level not in School.COMMUNE_OFFICE_LEVELS:
        province = _province_on(commune, on)
        if province is None:
            raise NoIssuer(_("%(school)s stands in no current province.") % {"school": school.name})
        return f"SỞ GIÁO DỤC VÀ ĐÀO TẠO {name_on(province, on).upper()}"
    district = commune.district
    if district is not None and current_on(district, on):
        return f"PHÒNG GIÁO DỤC VÀ ĐÀO TẠO {name_on(district, on).upper()}"
    return _committee_of(commune, on)


def issuer_of_school(school: School, *, on: date) -> Issuer:
    """The school as issuer of its documents dated `on` (thank-you letters): under the
    body that manages it, signed by its principal. A school issues from the commune it
    stands in; if that commune was abolished by `on`, from the one commune it went into."""
    commune = school.commune
    if not current_on(commune, on):
        successors = _successors_on(commune, on)
        if len(successors) != 1:
            raise NoIssuer(
                _(
                    "%(school)s is still recorded in %(commune)s, abolished on %(abolished)s: "
                    "move it to its new commune."
                )
                % {
                    "school": school.name,
                    "commune": commune.name,
                    "abolished": date_format(commune.abolished_on, "SHORT_DATE_FORMAT"),
                }
            )
        commune = successors[0]
    name = school.name
    # "Trường PTDTBT Tiểu học Pú Xi" -> "PTDTBTTHPX": schools leave "Trường" out.
    symbol_source = name[len("trường ") :] if name.lower().startswith("trường ") else name
    return Issuer(
        parent_body=managing_body(school, commune, on),
        name=name.upper(),
        text_name=name,
        symbol=initials(symbol_source),
        signer_authority="",
        signer_title="HIỆU TRƯỞNG",
        signer_name=school.principal_name,
        place=place_name(name_on(commune, on)),
        on=on,
        school=school,
        head_title="HIỆU TRƯỞNG",
    )


def issuer_of_body(body, *, on: date) -> Issuer:
    """`issuer_of_office` or `issuer_of_school`, by what `body` is."""
    if isinstance(body, Office):
        return issuer_of_office(body, on=on)
    return issuer_of_school(body, on=on)


def signing_body_of(body, *, on: date) -> signers.Body:
    """What the signature rules need of an office or a school itself (not of the body that
    took over from it): its head's title and whether it is collective."""
    if isinstance(body, School):
        return signers.Body(head_title="HIỆU TRƯỞNG")
    rule = _rule_of(body, on)
    return signers.Body(
        head_title=body.document_signer_title or rule["signer_title"], collective=rule.get("collective", "")
    )
