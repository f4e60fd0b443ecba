"""The one gate for uploaded PDFs (an answer's supplier quote; the contest will reuse it).

A PDF is checked by its content, never its name: it must start with the PDF header, stay
under PDF_MAX_BYTES, open as a PDF that is not encrypted, and have 1 to PDF_MAX_PAGES
pages. It is then written anew by pikepdf (qpdf) without what a reader could run or
hide: JavaScript, actions (open actions, additional actions, launch, links that run
something), embedded files and file attachments, interactive forms (AcroForm, XFA) and
multimedia annotations. Only objects still reachable are written, so what was cut off
is gone from the file, not merely hidden. The caller stores the bytes returned, never
the upload.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _

MAGIC = b"%PDF-"
# Annotation kinds that are a form field, an attachment or something that plays.
DROPPED_ANNOTATIONS = {"/Widget", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}
# Keys that hold something to run or a file inside, on any dictionary.
DROPPED_KEYS = (
    "/JS",
    "/JavaScript",
    "/AA",
    "/OpenAction",
    "/EmbeddedFiles",
    "/EF",
    "/AcroForm",
    "/XFA",
    "/RichMediaContent",
    "/AF",  # associated files (PDF 2.0)
)
# Actions kept on a link: going to a place in the document or to an address.
SAFE_ACTIONS = {"/GoTo", "/URI"}


class PdfRefused(ValueError):
    """Not a PDF the portal keeps; `message` says why, for the form."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def read_limited(upload, limit: int) -> bytes:
    """At most limit + 1 bytes of an upload (a larger file is refused unread)."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PdfRefused(_("The PDF is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)})
    return data


def clean_pdf(upload, *, max_bytes: int | None = None, max_pages: int | None = None) -> bytes:
    """The upload's PDF rewritten without scripts, actions, embedded files or forms, or
    PdfRefused with the reason."""
    import pikepdf

    max_bytes = max_bytes or settings.PDF_MAX_BYTES
    max_pages = max_pages or settings.PDF_MAX_PAGES
    data = read_limited(upload, max_bytes)
    if not data.startswith(MAGIC):
        raise PdfRefused(_("This file is not a PDF."))
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise PdfRefused(_("The PDF is protected by a password: please send it without one.")) from None
    except Exception:
        raise PdfRefused(_("The PDF cannot be read: it may be damaged.")) from None
    with pdf:
        if pdf.is_encrypted:
            raise PdfRefused(_("The PDF is protected by a password: please send it without one."))
        pages = len(pdf.pages)
        if not 1 <= pages <= max_pages:
            raise PdfRefused(_("The PDF must have between 1 and %(pages)s pages.") % {"pages": max_pages})
        _strip(pdf)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
    return out.getvalue()


def _strip(pdf) -> None:
    import pikepdf

    root = pdf.Root
    names = root.get("/Names")
    if names is not None:
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = pikepdf.Array()
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") in DROPPED_ANNOTATIONS:
                continue
            action = annot.get("/A")
            if action is not None and (
                not isinstance(action, pikepdf.Dictionary) or action.get("/S") not in SAFE_ACTIONS
            ):
                del annot["/A"]
            kept.append(annot)
        page.obj["/Annots"] = kept
    # Every dictionary left, wherever it hangs (outlines, pages, the catalog): no key that
    # runs something or holds a file.
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            target = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            for key in DROPPED_KEYS:
                if key in target:
                    del target[key]
            action = target.get("/A")
            if action is not None and isinstance(action, pikepdf.Dictionary) and action.get("/S") not in SAFE_ACTIONS:
                del target["/A"]
