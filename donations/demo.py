"""Demo donations: receiving accounts, donors, and pledges in every status.

The needs demo already set each need's pledged and received amounts; the pledges made
here add up to exactly those amounts, so every figure on every page agrees. Pledges are
written directly (not through pledge_create) because the needs already carry the totals.
A need that already has pledges is left alone, so a second run changes nothing.

Before the reform: the offices' accounts of the time and the gifts of 2021 (dated a few
days after each need was verified). Today: the commune office's account, and the gifts
to today's needs.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from needs.models import Need
from schools.models import Office, School
from schools.units import REFORM_DATE

from .models import BankAccount, DonorProfile, PaymentRoute, Pledge, PledgeEvent

ACCOUNTS = [
    # office code, BIN, bank, number, holder
    (
        "pgddt-tuan-giao",
        "970405",
        "Agribank – Chi nhánh Tuần Giáo",
        "8803201004512",
        "PHONG GIAO DUC VA DAO TAO HUYEN TUAN GIAO",
    ),
    (
        "pgddt-muong-ang",
        "970415",
        "VietinBank – Chi nhánh Điện Biên",
        "111602045678",
        "PHONG GIAO DUC VA DAO TAO HUYEN MUONG ANG",
    ),
    (
        "pgddt-dien-bien-dong",
        "970418",
        "BIDV – Chi nhánh Điện Biên",
        "36010000987654",
        "PHONG GD DT HUYEN DIEN BIEN DONG",
    ),
    (
        "sgddt-dien-bien",
        "970436",
        "Vietcombank – Chi nhánh Điện Biên",
        "0391000765432",
        "SO GIAO DUC VA DAO TAO TINH DIEN BIEN",
    ),
]
# Since the reform a commune's schools receive gifts through its People's Committee.
ACCOUNTS_TODAY = [
    # The department's account, where gifts to its programme fund arrive.
    (
        "sgddt-dien-bien",
        "970405",
        "Agribank – Chi nhánh tỉnh Điện Biên",
        "8900201009988",
        "SO GIAO DUC VA DAO TAO TINH DIEN BIEN",
    ),
    ("vhxh-muong-mun", "970405", "Agribank – Chi nhánh Tuần Giáo", "8803201007788", "UY BAN NHAN DAN XA MUONG MUN"),
]

DONORS = [
    # name, e-mail, kind, anonymous
    ("Công ty TNHH Thương mại Minh Phát", "lienhe@minhphat.demo.vn", "business", False),
    ("Hội Doanh nhân trẻ tỉnh Điện Biên", "hdnt@dienbien.demo.vn", "organisation", False),
    ("Nguyễn Văn An", "an.nguyen@demo.vn", "person", True),
    ("Nhóm thiện nguyện Sưởi ấm vùng cao", "suoiam@demo.vn", "organisation", False),
    ("Phạm Thị Mai", "mai.pham@demo.vn", "person", False),
    ("Ngân hàng Agribank Điện Biên – Công đoàn", "congdoan.agribank@demo.vn", "organisation", False),
]

MESSAGES = [
    "Chúc các em học giỏi, chăm ngoan!",
    "Một chút tấm lòng gửi các em vùng cao.",
    "",
    "Mong các em có mùa đông ấm áp.",
]


def _pledge(need, donor, amount, status, when, message, user=None, anonymous=False):
    pledge = Pledge.objects.create(
        need=need,
        donor=user,
        donor_name=donor[0],
        donor_email=donor[1],
        kind=Pledge.Kind.MONEY,
        amount=amount,
        message=message,
        anonymous=anonymous,
        status=status,
        expires_on=(when + timedelta(days=14)).date(),
        received_amount=amount if status in Pledge.RECEIVED_STATUSES else None,
        received_on=(when + timedelta(days=3)).date() if status in Pledge.RECEIVED_STATUSES else None,
    )
    Pledge.objects.filter(pk=pledge.pk).update(created_at=when)
    steps = {
        "pledged": ["pledged"],
        "received": ["pledged", "received"],
        "delivered": ["pledged", "received", "delivered"],
        "cancelled": ["pledged", "cancelled"],
        "expired": ["pledged", "expired"],
    }[status]
    previous = ""
    for number, step in enumerate(steps):
        event = PledgeEvent.objects.create(pledge=pledge, from_status=previous, to_status=step, actor=user)
        # Each step a few days after the one before, from the day of the pledge.
        PledgeEvent.objects.filter(pk=event.pk).update(created_at=when + timedelta(days=3 * number))
        previous = step
    return pledge


def _accounts(rows) -> None:
    for office_code, bank_bin, bank, number, holder in rows:
        BankAccount.objects.get_or_create(
            office=Office.objects.get(code=office_code),
            account_number=number,
            defaults={"bank_bin": bank_bin, "bank_name": bank, "account_holder": holder},
        )


def _gifts(donor_user, pu_xi) -> int:
    """Pledges that make up what each need without pledges shows as pledged and received."""
    demo_donor = (donor_user.full_name, donor_user.email, "person", False)
    now = timezone.now()
    created = 0
    needs = Need.objects.filter(amount_pledged__gt=0).select_related("school").order_by("pk")
    for index, need in enumerate(needs):
        if need.pledges.exists():
            continue
        # donor@demo.vn gives to every third need, and to the demo school's first ones.
        is_demo = index % 3 == 0 or (need.school_id == pu_xi.pk and index < 12)
        donor = demo_donor if is_demo else DONORS[index % len(DONORS)]
        user = donor_user if is_demo else None
        if need.created_at.date() < REFORM_DATE:
            # A gift of 2021 came a few days after the need was made public.
            when = need.verified_at + timedelta(days=2 + index % 5)
        else:
            when = now - timedelta(days=20 - index % 15)
        delivered = need.status in Need.DELIVERED_STATUSES
        received_status = "delivered" if delivered else "received"
        if need.amount_received:
            _pledge(need, donor, need.amount_received, received_status, when, MESSAGES[index % 4], user, donor[3])
            created += 1
        rest = need.amount_pledged - need.amount_received
        if rest:
            other = DONORS[(index + 1) % len(DONORS)]
            _pledge(need, other, rest, "pledged", when + timedelta(days=2), MESSAGES[(index + 1) % 4], None, other[3])
            created += 1
        if index % 5 == 0 and need.status == Need.Status.VERIFIED:
            # Gifts that did not happen: they count nowhere, but the history shows them.
            _pledge(need, DONORS[(index + 2) % len(DONORS)], 500_000, "cancelled", when - timedelta(days=5), "")
            _pledge(need, DONORS[(index + 3) % len(DONORS)], 800_000, "expired", when - timedelta(days=30), "")
            created += 2
    return created


def _donor():
    donor_user = get_user_model().objects.get(email="donor@demo.vn")
    DonorProfile.objects.get_or_create(
        user=donor_user, defaults={"name": donor_user.full_name, "display_name": "Trần Thu Hà (Hà Nội)"}
    )
    EmailAddress.objects.get_or_create(user=donor_user, email=donor_user.email, defaults={"verified": True})
    return donor_user


@transaction.atomic
def load_before_reform(out) -> None:
    User = get_user_model()
    _accounts(ACCOUNTS)
    pu_xi = School.objects.get(code="11099012")
    own, _ = BankAccount.objects.get_or_create(
        school=pu_xi,
        account_number="8803205112233",
        defaults={
            "bank_bin": "970405",
            "bank_name": "Agribank – Chi nhánh Tuần Giáo",
            "account_holder": "TRUONG PTDTBT TIEU HOC PU XI",
        },
    )
    PaymentRoute.objects.get_or_create(
        school=pu_xi, defaults={"account": own, "set_by": User.objects.get(email="district@demo.vn")}
    )
    created = _gifts(_donor(), pu_xi)
    if created:
        out(f"  pledges of 2021: {created} created")


@transaction.atomic
def load(out) -> None:
    _accounts(ACCOUNTS_TODAY)
    pu_xi = School.objects.get(code="11099012")
    donor_user = _donor()
    created = _gifts(donor_user, pu_xi)
    demo_donor = (donor_user.full_name, donor_user.email, "person", False)
    now = timezone.now()
    # donor@demo.vn also has a pledge waiting at the demo school (for the receipt journey)
    # and one they cancelled.
    waiting_need = (
        Need.objects.filter(school=pu_xi, status=Need.Status.VERIFIED, amount_pledged=0).order_by("pk").first()
    )
    already = Pledge.objects.filter(donor=donor_user, need__school=pu_xi, status="pledged", amount__gt=0).exists()
    if waiting_need and not already:
        amount = waiting_need.amount_requested // 4
        _pledge(
            waiting_need, demo_donor, amount, "pledged", now - timedelta(days=2), "Chúc các em học tốt!", donor_user
        )
        _pledge(waiting_need, demo_donor, 300_000, "cancelled", now - timedelta(days=9), "", donor_user)
        Need.objects.filter(pk=waiting_need.pk).update(amount_pledged=amount)
        created += 2
    if created:
        out(f"  pledges: {created} created")
    _lunch_sponsorships(out)


# Sponsors of the demo's lunch needs (needs.demo.LUNCHES): name, e-mail, pupils, how they
# pay, and what became of it.
LUNCH_SPONSORS = [
    ("Trần Thu Hà", "donor@demo.vn", 10, "monthly", "paying"),  # every month so far; the next is due
    ("Công ty TNHH Thương mại Minh Phát", "lienhe@minhphat.demo.vn", 15, "once", "paid"),  # the whole year at once
    ("Phạm Thị Mai", "mai.pham@demo.vn", 5, "monthly", "stopped"),  # stopped after the first month
    ("Nhóm thiện nguyện Sưởi ấm vùng cao", "suoiam@demo.vn", 5, "monthly", "missed"),  # last month released
]


def _lunch_sponsorships(out) -> None:
    """Lunch sponsorships in every state, through the services, each dated as it would
    have happened: Pú Xi's need of this school year sponsored monthly (months paid, the
    next one announced), at once, stopped, and with a month missed, released and the
    school told; Mùn Chung's of last year, paid at once and ended with its year.
    Idempotent: a need that has sponsorships is left as it is."""
    from needs.demo import LUNCHES, school_year_start

    from . import services, sponsorships

    today = timezone.localdate()
    start = school_year_start(today)
    User = get_user_model()
    staff = User.objects.get(email="school@demo.vn")
    officer = User.objects.get(email="commune@demo.vn")
    this_year = Need.objects.filter(school__code=LUNCHES[0][0], lunch_first_month=start).first()
    if this_year is None or this_year.sponsorships.exists():
        return
    before = start - timedelta(days=5)
    current = today.replace(day=1)
    for name, email, pupils, schedule, fate in LUNCH_SPONSORS:
        sponsorship, _created = sponsorships.sponsorship_create(
            need=this_year,
            donor=services.DonorDetails(name=name, email=email, user=User.objects.filter(email=email).first()),
            pupils=pupils,
            first_month=start,
            months=this_year.lunch_months,
            schedule=schedule,
            message="Chúc các em ăn ngon, học giỏi!",
            today=before,
        )
        instalments = list(sponsorship.instalments.order_by("month", "pk"))
        if fate == "paid":
            [whole] = instalments
            services.pledge_receive(pledge=whole, actor=staff, amount=whole.amount, received_on=start)
            continue
        past = [pledge for pledge in instalments if pledge.month < current]
        if fate == "stopped":
            services.pledge_receive(pledge=instalments[0], actor=staff, amount=instalments[0].amount, received_on=start)
            sponsorships.sponsorship_stop(sponsorship=sponsorship, actor=None, today=start + timedelta(days=19))
            continue
        this_month = [pledge for pledge in instalments if pledge.month == current]
        # Paying: every month so far. Missed: every month so far but the last one before this.
        paid = past + this_month if fate == "paying" else past[:-1] + this_month
        for pledge in paid:
            services.pledge_receive(
                pledge=pledge, actor=staff, amount=pledge.amount, received_on=pledge.due_on + timedelta(days=3)
            )
        if fate == "missed" and past:
            # Reminded once, then released back to the need; the school is told (RELEASED).
            missed = past[-1]
            Pledge.objects.filter(pk=missed.pk).update(reminder_sent_at=timezone.now())
            services.pledge_expire(pledge=missed)
    # The next month's payment mail, if it falls due within the notice days.
    sponsorships.send_due_notices(today=today)
    out(f"  lunch sponsorships: {len(LUNCH_SPONSORS)} on {this_year.school.name}")
    last_year = Need.objects.filter(
        school__code=LUNCHES[1][0], lunch_first_month=start.replace(year=start.year - 1)
    ).first()
    if last_year is not None and not last_year.sponsorships.exists():
        sponsorship, _created = sponsorships.sponsorship_create(
            need=last_year,
            donor=services.DonorDetails(name="Hội Doanh nhân trẻ tỉnh Điện Biên", email="hdnt@dienbien.demo.vn"),
            pupils=20,
            first_month=last_year.lunch_first_month,
            months=last_year.lunch_months,
            schedule="once",
            today=last_year.lunch_first_month - timedelta(days=5),
        )
        whole = sponsorship.instalments.get()
        services.pledge_receive(
            pledge=whole, actor=officer, amount=whole.amount, received_on=last_year.lunch_first_month
        )
        sponsorships.close_ended_years(today=today)
        out(f"  lunch sponsorship of last school year on {last_year.school.name}: ended with its year")
