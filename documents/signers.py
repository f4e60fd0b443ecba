"""What a signature block reads, from the issuing body and the person who signs: the one
place of these rules (Decree 30/2020/NĐ-CP, Article 13, and Appendix I, part II, item 7).

The lines above the signature, top to bottom, by the signer's authority
(`Signer.Authority`), where HEAD is the title of the body's head ("GIÁM ĐỐC", "TRƯỞNG
PHÒNG", "CHỦ TỊCH", "HIỆU TRƯỞNG") and TITLE the signer's own title:

- head in their own right:                 HEAD
- head of a collective body (TM.):          "TM. ỦY BAN NHÂN DÂN", HEAD
- deputy of a collective body (TM. + KT.):  "TM. ỦY BAN NHÂN DÂN", "KT. HEAD", TITLE
- deputy signing for the head (KT.):        "KT. HEAD", TITLE
- acting head (Q.):                         "Q. HEAD"
- by delegation of the head (TL.):          "TL. HEAD", TITLE
- by authorisation of the head (TUQ.):      "TUQ. HEAD", TITLE

then the signer's full name below the signature. So a People's Committee signs
"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", or "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
for a vice-chair; a department "GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Q. GIÁM ĐỐC",
"TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG"; a school "HIỆU TRƯỞNG" or "KT. HIỆU TRƯỞNG / PHÓ
HIỆU TRƯỞNG".

Refused, each with its reason next to the field it concerns:

- TM. (alone or with KT.) for a body that is not collective: only a collective body (a
  People's Committee) signs on behalf of itself; a department, a Phòng or a school never
  signs TM.;
- KT., TM. + KT., TL. and TUQ. without the signer's own title (the line under the
  authority);
- KT. (alone or with TM.) with the head's own title: a deputy is not the head.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Signer

Authority = Signer.Authority

# The authorities that print the signer's own title on a line of its own.
NEEDS_TITLE = (Authority.COLLECTIVE_DEPUTY, Authority.DEPUTY, Authority.DELEGATED, Authority.AUTHORISED)
# The authorities only a collective body signs with.
COLLECTIVE_ONLY = (Authority.COLLECTIVE_HEAD, Authority.COLLECTIVE_DEPUTY)
DEPUTIES = (Authority.COLLECTIVE_DEPUTY, Authority.DEPUTY)


@dataclass(frozen=True)
class Body:
    """What the rules need of the issuing body."""

    head_title: str  # "GIÁM ĐỐC"
    collective: str = ""  # "ỦY BAN NHÂN DÂN" for a collective body, else empty


def normalise_title(title: str) -> str:
    """A title as a signature block writes it: capitals, single spaces."""
    return " ".join((title or "").split()).upper()


def problems(body: Body, authority: str, title: str) -> dict[str, str]:
    """Why this authority and title cannot sign for `body`, by field; empty when they can."""
    title = normalise_title(title)
    found = {}
    if authority not in Authority.values:
        return {"authority": _("Choose how the signer signs.")}
    if authority in COLLECTIVE_ONLY and not body.collective:
        found["authority"] = _(
            "Only a collective body (a People's Committee) signs “TM.” (on behalf of the body); "
            "this body's documents are signed by its head (%(head)s), a deputy for the head "
            "(KT.), an acting head (Q.), or by delegation (TL., TUQ.)."
        ) % {"head": body.head_title}
    if authority in NEEDS_TITLE and not title:
        found["title"] = _("Give the signer's own title: it is printed under “%(line)s”.") % {
            "line": authority_line(body, authority)
        }
    elif authority in DEPUTIES and title == body.head_title:
        found["title"] = _("A deputy signs for the head (KT. %(head)s) with their own title, not the head's.") % {
            "head": body.head_title
        }
    return found


def authority_line(body: Body, authority: str) -> str:
    prefix = {
        Authority.DEPUTY: "KT.",
        Authority.COLLECTIVE_DEPUTY: "KT.",
        Authority.ACTING: "Q.",
        Authority.DELEGATED: "TL.",
        Authority.AUTHORISED: "TUQ.",
    }.get(authority, "")
    return f"{prefix} {body.head_title}".strip()


def signature_lines(body: Body, authority: str, title: str) -> tuple[str, ...]:
    """The lines above the signature (the module's table). Raises ValueError for a
    refused combination: callers check `problems` first."""
    if problems(body, authority, title):
        raise ValueError(f"{authority!r} with {title!r} cannot sign for {body}")
    title = normalise_title(title)
    collective = (f"TM. {body.collective}",) if authority in COLLECTIVE_ONLY else ()
    if authority in (Authority.HEAD, Authority.COLLECTIVE_HEAD):
        return (*collective, body.head_title)
    if authority == Authority.ACTING:
        return (authority_line(body, authority),)
    return (*collective, authority_line(body, authority), title)
