"""Demo: the receipt record of a business's gift and the published settlement report of a
delivered need, at the demo school (Trường PTDTBT Tiểu học Pú Xi).

A business donor with an account (minhphat@demo.vn, Công ty TNHH Thương mại Minh Phát,
with its tax code) gives 2.050.000 ₫ to a need of the school; the school confirms it and
issues the record (its PDF downloads from the business's "My pledges"). A delivered need
of the school gets its settlement report, drafted from its items and published. Every
write goes through the services; a second run changes nothing."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from documents.models import Signer
from documents.services import signer_save
from donations.models import DonorProfile, Pledge
from donations.services import DonorDetails, pledge_create, pledge_receive
from needs.models import Need
from schools.demo import DEMO_PASSWORD
from schools.models import School

from . import records, settlements
from .models import ReceiptRecord, SettlementReport

SCHOOL_CODE = "11099012"  # Trường PTDTBT Tiểu học Pú Xi
BUSINESS_EMAIL = "minhphat@demo.vn"
BUSINESS = "Công ty TNHH Thương mại Minh Phát"
GIFT = 2_050_000
# Printed by seed_demo with the other demo logins.
EXTRA_LOGINS = [(BUSINESS_EMAIL, f"Nguyễn Minh Phát ({BUSINESS})")]


def _business():
    User = get_user_model()
    user, created = User.objects.get_or_create(email=BUSINESS_EMAIL, defaults={"full_name": "Nguyễn Minh Phát"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=BUSINESS_EMAIL, defaults={"verified": True, "primary": True})
    DonorProfile.objects.get_or_create(
        user=user,
        defaults={
            "kind": DonorProfile.Kind.BUSINESS,
            "name": BUSINESS,
            "tax_code": "5600123456",
            "display_name": "Minh Phát (Điện Biên)",
        },
    )
    return user


def _signer(school, staff):
    """The principal, who signs the school's documents."""
    signer = Signer.objects.filter(school=school, is_active=True).order_by("pk").first()
    if signer is None:
        signer = signer_save(
            signer=Signer(school=school, full_name=school.principal_name or "Lò Văn Thành", authority="head"),
            user=staff,
        )
    return signer


def _receipt_record(school, staff, signer, business) -> bool:
    if ReceiptRecord.objects.filter(pledge__donor=business).exists():
        return False
    need = (
        Need.objects.filter(school=school, status=Need.Status.VERIFIED, category__in=["clothing", "supplies"])
        .order_by("pk")
        .first()
    ) or Need.objects.filter(school=school, status=Need.Status.VERIFIED).order_by("pk").first()
    if need is None or need.amount_missing < GIFT:
        return False
    pledge, _created = pledge_create(
        need=need,
        donor=DonorDetails(name=BUSINESS, email=BUSINESS_EMAIL, user=business),
        amount=GIFT,
        message="Công ty Minh Phát chúc các em học tốt!",
    )
    pledge = pledge_receive(pledge=pledge, actor=staff, amount=GIFT, received_on=timezone.localdate())
    records.record_issue(
        pledge=pledge,
        actor=staff,
        signer=signer,
        giver_representative="Nguyễn Minh Phát",
        giver_position="Giám đốc",
        giver_address="Số 12 đường Võ Nguyên Giáp, phường Mường Thanh, tỉnh Điện Biên",
    )
    return True


def _settlement(school, staff, signer) -> bool:
    need = (
        Need.objects.filter(
            school=school, status__in=Need.DELIVERED_STATUSES, settlement__isnull=True, lunch_cost__isnull=True
        )
        .filter(pledges__status__in=Pledge.RECEIVED_STATUSES)
        .order_by("pk")
        .first()
    )
    if need is None or SettlementReport.objects.filter(need__school=school).exists():
        return False
    received = settlements.received_total_of(need)
    lines = [
        settlements.Line(
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_cost=item.unit_cost,
            amount=item.total,
            supplier=f"Hóa đơn số {1200 + index:07d}",
        )
        for index, item in enumerate(need.items.all())
    ]
    spent = sum(line.amount for line in lines)
    difference = received - spent
    remainder, note = settlements.R.NONE, ""
    if difference > 0:
        remainder = settlements.R.SCHOOL_FUND
        note = "Phần còn lại được giữ trong tài khoản tài trợ của nhà trường, báo cáo ở lần quyết toán sau."
    elif difference < 0:
        remainder = settlements.R.SHORTFALL
        note = "Nhà trường bù phần thiếu từ nguồn xã hội hóa đã được hội đồng trường thông qua."
    report = settlements.settlement_save(
        need=need, actor=staff, lines=lines, spent_total=spent, remainder=remainder, remainder_note=note
    )
    settlements.settlement_publish(report=report, actor=staff, signer=signer)
    return True


@transaction.atomic
def load(out) -> None:
    school = School.objects.filter(code=SCHOOL_CODE).first()
    staff = get_user_model().objects.filter(email="school@demo.vn").first()
    if school is None or staff is None:
        return
    business = _business()
    signer = _signer(school, staff)
    done = []
    if _receipt_record(school, staff, signer, business):
        done.append("a receipt record of Minh Phát's gift")
    if _settlement(school, staff, signer):
        done.append("a published settlement report")
    if done:
        out("  " + ", ".join(done))
