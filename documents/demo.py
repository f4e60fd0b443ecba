"""Demo: who may sign for the demo's bodies today (documents.signers' rules), so that an
officer can issue a review, an event plan or the contest's certificates in the demo.
Idempotent: a signer already on record is left as it is."""

from schools.models import Office

from .models import Signer
from .services import signer_save

A = Signer.Authority

# office code, full name, own title, authority
SIGNERS = [
    ("sgddt-dien-bien", "Nguyễn Văn Minh", "PHÓ GIÁM ĐỐC", A.DEPUTY),
    ("sgddt-dien-bien", "Lường Văn Thắng", "", A.HEAD),
    ("vhxh-muong-mun", "Lò Thị Hương", "", A.HEAD),
    ("ubnd-xa-muong-mun", "Quàng Văn Dũng", "PHÓ CHỦ TỊCH", A.COLLECTIVE_DEPUTY),
    ("skhcn-bac-ninh", "Nguyễn Thị Lan", "PHÓ GIÁM ĐỐC", A.DEPUTY),
]


def load(out) -> None:
    added = 0
    for code, full_name, title, authority in SIGNERS:
        office = Office.objects.filter(code=code).first()
        if office is None or Signer.objects.filter(office=office, full_name=full_name).exists():
            continue
        signer_save(signer=Signer(office=office, full_name=full_name, title=title, authority=authority), user=None)
        added += 1
    if added:
        out(f"  {added} signers of today's offices")
