"""The permission matrix: every view × role × object scope, with the status it is designed
to answer (STYLE.md, "Access"; DESIGN.md, "People and what they do").

- anonymous visitors of a private page are sent to log in (302);
- someone with no relation to a private object gets 404, so its id cannot be probed;
- an insider without the right, or anyone on an action over a public object (a school, a
  verified need, a published campaign, a contest round), gets 403;
- an action that passes the permission check redirects (302), whatever the form said.

Each row names a URL ("needs:detail"), with a scope suffix where the object's state or
owner changes the answer ("needs:detail[draft]"). `test_every_view_has_a_row` walks the
URLconf: a new view without a row fails the suite. Django's admin, allauth's pages,
set_language, the health probes and media serving are covered by rules at the end.

Pages (GET) share one world built once for their class: pytest-django runs each test in a
savepoint inside the class's transaction and rolls it back. Actions (POST) get a world of
their own per test, on disk too (letters, photos), and only their permission outcome is
asserted; their effects have their own tests.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from campaigns.models import Event
from documents.services import register_document
from donations.models import AllocationLine, AllocationPlan, Fund, StatementLine
from donations.permissions import guest_key
from donations.services import DonorDetails, pledge_create, pledge_receive
from donations.sponsorships import sponsorship_create
from letters_contest.models import Award, Forwarding, NationalRound
from needs.models import Need, NeedEvent, NeedPhoto
from oversight.models import DigestRun
from receiving.models import ReceiptRecord, SettlementReport
from tests.accounts.factories import UserFactory
from tests.campaigns.factories import CampaignFactory, EventFactory, ReviewFactory, TaskFactory
from tests.documents.factories import SignerFactory
from tests.donations.factories import BankAccountFactory, PaymentRouteFactory, StatementImportFactory
from tests.letters_contest.factories import (
    AwardFactory,
    ContestRoundFactory,
    CriterionFactory,
    EntryFactory,
    JudgeFactory,
)
from tests.needs.factories import NeedFactory, NeedPhotoFactory
from tests.notices.factories import NoticeFactory
from tests.oversight.factories import DigestRunFactory
from tests.receiving.factories import PlanCommentFactory, UsagePlanFactory
from tests.schools.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    ProvinceFactory,
    SchoolFactory,
    SchoolSiteFactory,
)
from tests.support.area import build_area
from tests.support.images import jpeg
from tests.support.lunch import make_lunch_need

ROLES = (
    "anonymous",
    "donor",
    "staff_this",
    "staff_other",
    "officer_this",
    "officer_other",
    "officer_province",
    "organiser",
    "judge",
    "admin",
)
# The world's attribute holding each role's user ("this" is school A and district A).
USER_OF = {
    "donor": "donor",
    "staff_this": "staff_a",
    "staff_other": "staff_b",
    "officer_this": "officer_a",
    "officer_other": "officer_b",
    "officer_province": "officer_province",
    "organiser": "organiser",
    "judge": "judge",
    "admin": "admin",
}

# Who may act on what, as groups of roles.
SCHOOL_A = ("staff_this", "officer_this", "officer_province", "admin")  # can_act_on_school(school A)
AREA_A = ("officer_this", "officer_province", "admin")  # can_act_on_unit(district A)
OFFICERS = ("officer_this", "officer_other", "officer_province", "admin")  # any officer, and the superuser
ORGANISERS = ("organiser", "admin")  # is_organiser(the province's round)


def expect(default: int, *, anonymous: int = 302, **statuses: int) -> dict[str, int]:
    """Every signed-in role answers `default` unless named; anonymous is sent to log in
    (302) unless named."""
    unknown = set(statuses) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], default), **statuses}


def allow(roles: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return dict.fromkeys(roles, status)


PUBLIC = expect(200, anonymous=200)
SIGNED_IN = expect(200)


@dataclass(frozen=True)
class Row:
    key: str  # the URL name, with the scope in brackets: "needs:detail[draft]"
    args: Callable  # the URL's arguments, from the world
    expected: dict[str, int]  # role -> status
    method: str = "get"
    data: Callable = lambda w: {}  # POST data
    query: Callable = lambda w: {}  # GET query string
    anonymous_to_login: bool = True  # an anonymous 302 must go to the login page

    @property
    def url_name(self) -> str:
        return self.key.split("[", 1)[0]


def row(key, args=None, expected=None, **options) -> Row:
    return Row(key, args or (lambda w: []), expected, **options)


def post(key, args=None, expected=None, **options) -> Row:
    return row(key, args, expected, method="post", **options)


def need_action(action: str, status: str, expected: dict) -> Row:
    """The lifecycle button `action` on school A's need in `status`, the one it acts from."""
    return post(f"needs:act[{action}:{status}]", lambda w: [getattr(w, f"need_{status}").pk, action], expected)


MATRIX = [
    # config
    row("home", expected=PUBLIC),
    row("privacy", expected=PUBLIC),
    # accounts
    row("accounts:profile", expected=SIGNED_IN),
    # notices: one's own inbox; another person's notice is a 404
    row("notices:inbox", expected=SIGNED_IN),
    row("notices:preferences", expected=SIGNED_IN),
    row("notices:open", lambda w: [w.notice.pk], expect(404, staff_this=302)),
    post("notices:read_all", expected=expect(302)),
    # documents: anyone checks a downloaded document's signatures (tests/documents posts)
    row("documents:verify", expected=PUBLIC),
    # schools: school pages are public, so an outsider's edit is an honest 403
    row("schools:list", expected=PUBLIC),
    row("schools:mine", expected=expect(404, staff_this=302, staff_other=302)),
    row("schools:detail", lambda w: [w.school_a.pk], PUBLIC),
    row("schools:edit", lambda w: [w.school_a.pk], expect(403, **allow(SCHOOL_A))),
    post("schools:confirm", lambda w: [w.school_a.pk], expect(403, **allow(SCHOOL_A, 302))),
    row("schools:site_create", lambda w: [w.school_a.pk], expect(403, **allow(SCHOOL_A))),
    row("schools:site_edit", lambda w: [w.school_a.pk, w.site_a.pk], expect(403, **allow(SCHOOL_A))),
    row(
        "schools:site_edit[site of another school]",
        lambda w: [w.school_a.pk, w.site_b.pk],
        expect(403, **allow(SCHOOL_A, 404)),
    ),
    row("schools:site_delete", lambda w: [w.school_a.pk, w.site_a.pk], expect(403, **allow(SCHOOL_A))),
    # needs: drafts and needs under review are 404 to everyone outside the school and its officers
    row("needs:list", expected=PUBLIC),
    row("needs:queue", expected=expect(403, **allow(OFFICERS))),
    # trust: a need's signals are set aside by the officers who may verify it; its school
    # sees the need but may not (403); everyone else does not see it (404).
    post(
        "trust:dismiss",
        lambda w: [w.need_submitted.pk],
        expect(404, staff_this=403, **allow(AREA_A, 302)),
        data=lambda w: {"kind": "pace", "key": "", "note": "Đã kiểm tra."},
    ),
    row("needs:my_school", expected=expect(404, staff_this=200, staff_other=200)),
    row("needs:create", lambda w: [w.school_a.pk], expect(403, **allow(SCHOOL_A))),
    row("needs:detail[draft]", lambda w: [w.need_draft.pk], expect(404, anonymous=404, **allow(SCHOOL_A))),
    row("needs:detail[submitted]", lambda w: [w.need_submitted.pk], expect(404, anonymous=404, **allow(SCHOOL_A))),
    row("needs:detail[verified]", lambda w: [w.need_verified.pk], PUBLIC),
    # A share card is made for public needs only: none for a draft, whoever asks.
    row("needs:card[draft]", lambda w: [w.need_draft.pk], expect(404, anonymous=404)),
    row("needs:card[verified]", lambda w: [w.need_verified.pk], PUBLIC),
    row("needs:edit[draft]", lambda w: [w.need_draft.pk], expect(404, **allow(SCHOOL_A))),
    # A verified need is no longer editable: its insiders are sent back to its page.
    row("needs:edit[verified]", lambda w: [w.need_verified.pk], expect(403, **allow(SCHOOL_A, 302))),
    # Irreversible posts answer those allowed with the confirmation step (core.confirm, 200):
    # the right is settled before anything is asked.
    post("needs:photo_delete", lambda w: [w.need_draft.pk, w.photo.pk], expect(404, **allow(SCHOOL_A, 200))),
    # A photo as the school sent it (pupils' faces unblurred): its school and officers only;
    # the need is public, so anyone else signed in gets 403.
    row("needs:photo_original", lambda w: [w.need_verified.pk, w.photo_blurred.pk], expect(403, **allow(SCHOOL_A))),
    row(
        "needs:photo_original[draft]",
        lambda w: [w.need_draft.pk, w.photo_blurred_draft.pk],
        expect(404, **allow(SCHOOL_A)),
    ),
    # A question's or an answer's file: the conversation's, so its school and officers only.
    row(
        "needs:event_attachment",
        lambda w: [w.need_submitted.pk, w.question_with_file.pk],
        expect(404, **allow(SCHOOL_A)),
    ),
    # The blurred public copy is published (or hidden) by the officers who verify; its school may not.
    post(
        "needs:photo_check",
        lambda w: [w.need_verified.pk, w.photo_blurred.pk],
        expect(403, **allow(AREA_A, 302)),
        data=lambda w: {"decision": "publish"},
    ),
    need_action("submit", "draft", expect(404, **allow(SCHOOL_A, 302))),
    need_action("cancel", "draft", expect(404, **allow(SCHOOL_A, 200))),
    need_action("verify", "submitted", expect(404, staff_this=403, **allow(AREA_A, 302))),
    need_action("return", "submitted", expect(404, staff_this=403, **allow(AREA_A, 302))),
    need_action("ask", "submitted", expect(404, staff_this=403, **allow(AREA_A, 302))),
    # Answering is the school's voice: its officers (the superuser too) ask, they do not answer.
    need_action("answer", "submitted", expect(404, staff_this=302, **allow(AREA_A, 403))),
    need_action("fund", "verified", expect(403, **allow(AREA_A, 200))),
    need_action("deliver", "funded", expect(403, **allow(SCHOOL_A, 302))),
    need_action("close", "delivered", expect(403, **allow(AREA_A, 200))),
    # Actions only the system takes (scheduled jobs, the donations app) are not URLs at all.
    need_action("expire", "verified", expect(404)),
    need_action("close_year", "verified", expect(404)),
    need_action("reopen", "funded", expect(404)),
    # donations: a pledge is its donor's (account or signed link) and its school's; 404 to the rest
    row("donations:give[verified]", lambda w: [w.need_verified.pk], PUBLIC),
    row("donations:give[draft]", lambda w: [w.need_draft.pk], expect(404, anonymous=404)),
    row("donations:mine", expected=SIGNED_IN),
    row("donations:my_data", expected=SIGNED_IN),
    row("donations:my_data_download", expected=SIGNED_IN),
    # Accounts with a role (a judge's too) are closed by their office, not erased here; a
    # donor's empty form is sent back to ask for the address.
    post("donations:my_data_erase", expected=expect(403, donor=302)),
    row("donations:profile", expected=SIGNED_IN),
    row("donations:receiving_account", lambda w: [w.school_a.pk], expect(403, **allow(AREA_A))),
    row("donations:honour_index", expected=PUBLIC),
    row("donations:honour", lambda w: [w.district_a.pk], PUBLIC),
    row("donations:transparency_index", expected=PUBLIC),
    row("donations:transparency", lambda w: [w.district_a.pk], PUBLIC),
    row("donations:transparency_school", lambda w: [w.school_a.pk], PUBLIC),
    row("donations:statements", expected=expect(403, **allow(OFFICERS))),
    # opendata: the public API, the same for everyone (ninja's root only names the docs: 404)
    row("opendata:api-root", expected=expect(404, anonymous=404)),
    row("opendata:openapi-json", expected=PUBLIC),
    row("opendata:openapi-view", expected=PUBLIC),
    *[
        row(f"opendata:{name}", expected=PUBLIC)
        for name in (
            "needs",
            "needs_csv",
            "schools",
            "schools_csv",
            "funds",
            "funds_csv",
            "allocations",
            "allocations_csv",
            "ledger_list",
            "ledger_csv",
            "totals",
            "totals_csv",
        )
    ],
    row("opendata:need", lambda w: [w.need_verified.pk], PUBLIC),
    row("opendata:fund", lambda w: [w.fund.slug], PUBLIC),
    # A statement import is its uploader's work in progress (officer A's here).
    row(
        "donations:statement",
        lambda w: [w.statement.pk],
        expect(403, officer_this=200, officer_other=404, officer_province=404, admin=404),
    ),
    row(
        "donations:statement_line",
        lambda w: [w.statement.pk, 2],
        expect(403, officer_this=200, officer_other=404, officer_province=404, admin=404),
    ),
    post(
        "donations:statement_unmatch",
        lambda w: [w.statement.pk, 2],
        expect(403, officer_this=302, officer_other=404, officer_province=404, admin=404),
        data=lambda w: {"reason": "Nhầm"},
    ),
    # The banks' column names and templates: any officer, for their own office.
    row("donations:statement_columns", lambda w: ["vietcombank"], expect(403, **allow(OFFICERS))),
    row("donations:statement_template", lambda w: ["bidv", "csv"], expect(403, **allow(OFFICERS))),
    row(
        "donations:detail[own]",
        lambda w: [w.pledge_own.reference],
        expect(404, anonymous=404, donor=200, **allow(SCHOOL_A)),
    ),
    row(
        "donations:detail[guest]",
        lambda w: [w.guest_pledge.reference],
        expect(404, anonymous=404, **allow(SCHOOL_A)),
    ),
    row(
        "donations:detail[guest+key]",
        lambda w: [w.guest_pledge.reference],
        PUBLIC,
        query=lambda w: {"key": guest_key(w.guest_pledge)},
    ),
    post(
        "donations:cancel[own]",
        lambda w: [w.pledge_own.reference],
        expect(404, anonymous=404, donor=200, **allow(SCHOOL_A, 403)),
    ),
    post(
        "donations:cancel[guest+key]",
        lambda w: [w.guest_pledge.reference],
        expect(200, anonymous=200),
        data=lambda w: {"key": guest_key(w.guest_pledge)},
        anonymous_to_login=False,
    ),
    post(
        "donations:receive[own]",
        lambda w: [w.pledge_own.reference],
        expect(404, donor=403, **allow(SCHOOL_A, 302)),
    ),
    # The VietQR picture to save: whoever sees the pledge's page, while a transfer is awaited.
    row(
        "donations:vietqr_png[own]",
        lambda w: [w.pledge_own.reference],
        expect(404, anonymous=404, donor=200, **allow(SCHOOL_A)),
    ),
    row(
        "donations:vietqr_png[guest+key]",
        lambda w: [w.guest_pledge.reference],
        PUBLIC,
        query=lambda w: {"key": guest_key(w.guest_pledge)},
    ),
    row("donations:vietqr_png[received]", lambda w: [w.pledge_received.reference], expect(404, anonymous=404)),
    row(
        "donations:letter[received]",
        lambda w: [w.pledge_received.reference],
        expect(404, anonymous=404, donor=200, **allow(SCHOOL_A)),
    ),
    # No letter before the gift has arrived, whoever asks.
    row("donations:letter[pledged]", lambda w: [w.pledge_own.reference], expect(404, anonymous=404)),
    # programme funds: a fund's page is public, so keeping it is an honest 403; only the
    # officers of the fund's office keep it (not the offices above), and confirm its gifts
    row("donations:fund", lambda w: [w.fund.slug], PUBLIC),
    row("donations:fund_card", lambda w: [w.fund.slug], PUBLIC),
    row("donations:fund_give", lambda w: [w.fund.slug], PUBLIC),
    row("donations:funds", expected=expect(403, **allow(OFFICERS))),
    # A fund belongs to an office: the superuser, who has none, creates funds in the admin.
    row("donations:fund_create", expected=expect(403, officer_this=200, officer_other=200, officer_province=200)),
    row("donations:fund_edit", lambda w: [w.fund.slug], expect(403, officer_this=200, admin=200)),
    row(
        "donations:detail[fund gift]",
        lambda w: [w.fund_gift.reference],
        expect(404, anonymous=404, donor=200, officer_this=200, admin=200),
    ),
    post(
        "donations:receive[fund gift]",
        lambda w: [w.fund_gift.reference],
        expect(404, donor=403, officer_this=302, admin=302),
    ),
    # Lunch sponsorships: the form is public for a verified lunch need; only the donor stops
    # (the confirm page here; its POST, the same answers, in tests/donations/test_sponsorships.py).
    row("donations:sponsor[lunch]", lambda w: [w.lunch_need.pk], PUBLIC),
    row("donations:sponsor[draft]", lambda w: [w.need_draft.pk], expect(404, anonymous=404)),
    row(
        "donations:sponsorship_stop[confirm own]",
        lambda w: [w.instalment_own.reference],
        expect(404, anonymous=404, donor=200, **allow(SCHOOL_A, 403)),
    ),
    # allocation plans of a fund (public): its office's and the department's above it; a
    # plan is office paper, 404 to anyone without an office, 403 to another office's officer
    row("donations:fund_plans", lambda w: [w.fund.slug], expect(403, **allow(AREA_A))),
    row("donations:plan", lambda w: [w.plan_draft.pk], expect(404, officer_other=403, **allow(AREA_A))),
    row("donations:plan_decision", lambda w: [w.plan_approved.pk], expect(404, officer_other=403, **allow(AREA_A))),
    # Reversals are drafted by the fund's own office.
    row(
        "donations:plan_reverse",
        lambda w: [w.plan_approved.pk],
        expect(404, officer_other=403, officer_province=403, officer_this=200, admin=200),
    ),
    # The drafter (officer A) never approves; the office has no approver, so the department
    # above does (no signer posted: nothing is approved).
    post(
        "donations:plan_approve",
        lambda w: [w.plan_draft.pk],
        expect(404, officer_this=403, officer_other=403, officer_province=302, admin=302),
    ),
    post(
        "donations:plan_withdraw",
        lambda w: [w.plan_draft.pk],
        expect(404, officer_other=403, officer_province=403, admin=403, officer_this=200),
    ),
    # receiving (Circular 16): a school's team and its needs' plans are kept by those who act
    # on the school; a draft need's plan is 404 to the rest, like the need; any signed-in
    # person comments on a published plan; its keepers moderate
    row("receiving:team", lambda w: [w.school_a.pk], expect(403, **allow(SCHOOL_A))),
    row("receiving:plan[published]", lambda w: [w.need_verified.pk], expect(403, **allow(SCHOOL_A))),
    row("receiving:plan[draft need]", lambda w: [w.need_draft.pk], expect(404, **allow(SCHOOL_A))),
    row("receiving:comment[published plan]", lambda w: [w.need_verified.pk], SIGNED_IN),
    row("receiving:comment[no plan]", lambda w: [w.need_funded.pk], expect(404)),
    row("receiving:moderation", expected=expect(403, staff_this=200, staff_other=200, **allow(OFFICERS))),
    post(
        "receiving:comment_moderate",
        lambda w: [w.plan_comment.pk],
        expect(403, **allow(SCHOOL_A, 302)),
        data=lambda w: {"action": "publish"},
    ),
    # campaigns: a published campaign is public, its plan is its managers'; an unpublished one is theirs alone
    row("campaigns:list", expected=PUBLIC),
    row("campaigns:detail", lambda w: [w.campaign.slug], PUBLIC),
    row(
        "campaigns:detail[unpublished]", lambda w: [w.campaign_draft.slug], expect(404, anonymous=404, **allow(AREA_A))
    ),
    row("campaigns:plan", lambda w: [w.campaign.slug], expect(403, **allow(AREA_A))),
    row("campaigns:plan[province]", lambda w: [w.campaign_province.slug], expect(403, officer_province=200, admin=200)),
    row("campaigns:plan[unpublished]", lambda w: [w.campaign_draft.slug], expect(404, **allow(AREA_A))),
    # The contest's campaign is unpublished (its round is its public face); its lead office
    # organises it, and the province's education department coordinates.
    row(
        "campaigns:plan[contest]",
        lambda w: [w.contest_campaign.slug],
        expect(404, organiser=200, officer_province=200, admin=200),
    ),
    post("campaigns:task_status", lambda w: [w.campaign.slug, w.task.pk], expect(403, **allow(AREA_A, 302))),
    row("campaigns:event", lambda w: [w.campaign.slug, w.event.pk], expect(403, **allow(AREA_A))),
    row("campaigns:event_plan", lambda w: [w.campaign.slug, w.event.pk], expect(403, **allow(AREA_A))),
    row("campaigns:reviews", lambda w: [w.campaign.slug], expect(403, **allow(AREA_A))),
    row("campaigns:review", lambda w: [w.campaign.slug, w.review.pk], expect(403, **allow(AREA_A))),
    row("campaigns:review_document", lambda w: [w.campaign.slug, w.review.pk], expect(403, **allow(AREA_A))),
    # Issuing an event's plan: the campaign's managers (no signer posted: nothing is issued).
    post("campaigns:event_plan_issue", lambda w: [w.campaign.slug, w.event.pk], expect(403, **allow(AREA_A, 302))),
    # dashboard: officers (and the superuser); ?unit= only inside their area
    row("dashboard:home", expected=expect(403, **allow(OFFICERS))),
    row(
        "dashboard:home[unit=district A]",
        expected=expect(403, **allow(AREA_A)),
        query=lambda w: {"unit": w.district_a.pk},
    ),
    row("dashboard:needs", expected=expect(403, **allow(OFFICERS))),
    row("dashboard:pledges", expected=expect(403, **allow(OFFICERS))),
    row("dashboard:export", lambda w: ["schools", "csv"], expect(403, **allow(OFFICERS))),
    row(
        "dashboard:export[unit=district A]",
        lambda w: ["schools", "csv"],
        expect(403, **allow(AREA_A)),
        query=lambda w: {"unit": w.district_a.pk},
    ),
    row("dashboard:digests", expected=expect(403, **allow(OFFICERS))),
    row("dashboard:audit", expected=expect(403, **allow(OFFICERS))),
    # documents: a register is its office's and the offices above it; someone with no
    # office or school at all is told nothing exists
    row("documents:registers", expected=SIGNED_IN),
    row("documents:register", lambda w: ["office", w.office_a.pk], expect(403, donor=404, judge=404, **allow(AREA_A))),
    row(
        "documents:register[school]",
        lambda w: ["school", w.school_a.pk],
        expect(403, donor=404, judge=404, **allow(SCHOOL_A)),
    ),
    row("documents:issued_pdf", lambda w: [w.issued.pk], expect(403, donor=404, judge=404, **allow(AREA_A))),
    # Signing an issued document again: whoever reads its register (no key here: nothing is signed).
    post(
        "documents:sign_again",
        lambda w: [w.issued.pk],
        expect(403, donor=404, judge=404, **allow(AREA_A, 302)),
    ),
    # A body's signers: an office's are kept by its own officers (not those above it), a
    # school's by its staff and the officers handling it; the superuser keeps all.
    row(
        "documents:signers",
        lambda w: ["office", w.office_a.pk],
        expect(403, donor=404, judge=404, officer_this=200, admin=200),
    ),
    row(
        "documents:signers[school]",
        lambda w: ["school", w.school_a.pk],
        expect(403, donor=404, judge=404, **allow(SCHOOL_A)),
    ),
    row(
        "documents:signer_edit", lambda w: [w.signer.pk], expect(403, donor=404, judge=404, officer_this=200, admin=200)
    ),
    row(
        "documents:signer_edit[school]",
        lambda w: [w.school_signer.pk],
        expect(403, donor=404, judge=404, **allow(SCHOOL_A)),
    ),
    post(
        "documents:signer_active",
        lambda w: [w.signer.pk],
        expect(403, donor=404, judge=404, officer_this=302, admin=302),
        data=lambda w: {"active": "0"},
    ),
    post("dashboard:digest_preview", expected=expect(403, officer_this=302), data=lambda w: {"office": w.office_a.pk}),
    # A digest is its office's mail (district A's here).
    row("dashboard:digest", lambda w: [w.digest.pk], expect(404, officer_this=200, admin=200)),
    # letters contest: pupils' data is their school's and the organisers'; judges see codes and letters only
    row("letters_contest:home", expected=PUBLIC),
    row("letters_contest:round", lambda w: [w.round.pk], PUBLIC),
    # A round belongs to an organiser's office: the superuser, who has none, opens rounds in the admin.
    row("letters_contest:round_create", expected=expect(403, organiser=200)),
    row("letters_contest:judges", lambda w: [w.round.pk], expect(403, **allow(ORGANISERS))),
    row("letters_contest:round_dates", lambda w: [w.round.pk], expect(403, **allow(ORGANISERS))),
    row(
        "letters_contest:entries",
        lambda w: [w.round.pk],
        expect(403, staff_this=200, staff_other=200, **allow(ORGANISERS)),
    ),
    row("letters_contest:entry_create", lambda w: [w.round.pk], expect(403, staff_this=200, staff_other=200)),
    row(
        "letters_contest:entry",
        lambda w: [w.round.pk, w.entry.pk],
        expect(403, donor=404, judge=404, staff_this=200, **allow(ORGANISERS)),
    ),
    # Only those with a role in the round's province are insiders of its entries.
    row(
        "letters_contest:entry[another province]",
        lambda w: [w.round_elsewhere.pk, w.entry_elsewhere.pk],
        expect(404, admin=200),
    ),
    row(
        "letters_contest:entry_letter",
        lambda w: [w.round.pk, w.entry.pk],
        expect(403, donor=404, judge=404, staff_this=200, **allow(ORGANISERS)),
    ),
    post(
        "letters_contest:entry_withdraw",
        lambda w: [w.round.pk, w.entry.pk],
        expect(403, donor=404, judge=404, staff_this=200, **allow(ORGANISERS, 200)),
    ),
    row(
        "letters_contest:certificate",
        lambda w: [w.round.pk, w.entry.pk],
        expect(403, donor=404, judge=404, staff_this=200, **allow(ORGANISERS)),
    ),
    row("letters_contest:judging", lambda w: [w.round.pk], expect(403, judge=200)),
    row("letters_contest:judging_entry", lambda w: [w.round.pk, w.entry.pk], expect(403, judge=200)),
    row("letters_contest:judging_letter", lambda w: [w.round.pk, w.entry.pk], expect(403, judge=200)),
    row("letters_contest:rankings", lambda w: [w.round.pk], expect(403, **allow(ORGANISERS))),
    row(
        "letters_contest:results[unpublished]",
        lambda w: [w.round.pk],
        expect(404, anonymous=404, **allow(ORGANISERS)),
    ),
    row("letters_contest:results[published]", lambda w: [w.published_round.pk], PUBLIC),
    row("letters_contest:participation", lambda w: [w.round.pk], expect(403, **allow(ORGANISERS))),
    # The national round: its page is public; the superuser opens it and is its organiser;
    # a province's organiser forwards that province's letters; only national judges (none
    # among the standing roles) score them.
    row("letters_contest:national", lambda w: [w.round.edition.number], PUBLIC),
    row("letters_contest:national_open", lambda w: [w.published_round.edition.number], expect(403, admin=200)),
    row("letters_contest:national_people", lambda w: [w.round.edition.number], expect(403, admin=200)),
    row(
        "letters_contest:national_forward",
        lambda w: [w.round.edition.number, w.round.pk],
        expect(403, **allow(ORGANISERS)),
    ),
    row("letters_contest:national_judging", lambda w: [w.round.edition.number], expect(403)),
    row("letters_contest:national_judging_entry", lambda w: [w.round.edition.number, w.forwarding.pk], expect(403)),
    row("letters_contest:national_judging_letter", lambda w: [w.round.edition.number, w.forwarding.pk], expect(403)),
    row("letters_contest:national_ranking", lambda w: [w.round.edition.number], expect(403, admin=200)),
    row(
        "letters_contest:national_results[unpublished]",
        lambda w: [w.round.edition.number],
        expect(404, anonymous=404, admin=200),
    ),
]

# receiving, receipt records and settlement reports: a record is its donor's and its
# school's (404 to the rest); the school issues it (its donor is refused, 403); a
# settlement report is drafted by the school's staff (its officers 403) and public once
# published.
MATRIX += [
    row(
        "receiving:record_issue[received]",
        lambda w: [w.pledge_received.reference],
        expect(404, donor=403, **allow(SCHOOL_A)),
    ),
    row(
        "receiving:record_pdf",
        lambda w: [w.receipt_record.pk],
        expect(404, anonymous=404, donor=200, **allow(SCHOOL_A)),
    ),
    row(
        "receiving:settlement_edit[delivered]",
        lambda w: [w.need_delivered.pk],
        expect(404, staff_this=200, officer_this=403, officer_province=403, admin=403),
    ),
    post(
        "receiving:settlement_publish[delivered]",
        lambda w: [w.need_delivered.pk],
        expect(404, staff_this=302, officer_this=403, officer_province=403, admin=403),
    ),
    row("receiving:settlement_pdf[published]", lambda w: [w.settlement_published.pk], PUBLIC),
    row("receiving:settlement_pdf[draft]", lambda w: [w.settlement_draft.pk], expect(404, anonymous=404)),
]

# Findings: cells where the code answers otherwise than designed and the fix awaits a
# decision, as {(row key, designed status): reason}. Strict, so a fix makes them pass and
# the mark has to go. None open.
FINDINGS: dict[tuple[str, int], str] = {}

PAGES = [r for r in MATRIX if r.method == "get"]
ACTIONS = [r for r in MATRIX if r.method == "post"]

# Families answered by a rule rather than a row (TestRules).
RULE_NAMESPACES = {"admin"}  # Django's admin, every page of it, named or not
RULE_PREFIXES = ("account_",)  # allauth's pages
RULE_NAMES = {"set_language", "health", "livez", "media", "service_worker"}  # media: public uploads by address
RULE_VIEWS: set[str] = set()


# The world ---------------------------------------------------------------------------------


def build_world(area) -> SimpleNamespace:
    """Everything the matrix asks about, on top of the standing users of `area`. Objects of
    "this" scope belong to school A, district A, or the province's contest round."""
    w = SimpleNamespace(**vars(area))
    w.donor = UserFactory()
    w.admin = UserFactory(is_staff=True, is_superuser=True)

    # Schools
    w.site_a = SchoolSiteFactory(school=w.school_a)
    w.site_b = SchoolSiteFactory(school=w.school_b)

    # Needs of school A, one per status that changes the answer
    S = Need.Status
    w.need_draft = NeedFactory(school=w.school_a, status=S.DRAFT)
    w.need_submitted = NeedFactory(school=w.school_a, status=S.SUBMITTED)
    w.need_verified = NeedFactory(school=w.school_a, status=S.VERIFIED)
    w.need_funded = NeedFactory(school=w.school_a, status=S.FUNDED)
    w.need_delivered = NeedFactory(school=w.school_a, status=S.DELIVERED)
    w.photo = NeedPhotoFactory(need=w.need_draft, uploaded_by=w.staff_a)
    # Photos with pupils' faces blurred, waiting for the officer, their originals kept privately
    waiting = {"public_copy": NeedPhoto.PublicCopy.WAITING, "pupils_recognisable": True, "uploaded_by": w.staff_a}
    w.photo_blurred = NeedPhotoFactory(need=w.need_verified, original=ContentFile(jpeg(), "original.jpg"), **waiting)
    w.photo_blurred_draft = NeedPhotoFactory(need=w.need_draft, original=ContentFile(jpeg(), "original.jpg"), **waiting)

    # Donations: the donor's own pledges (one still to pay, one received), and a guest's
    donor = DonorDetails(name="Trần Thu Hà", email=w.donor.email, user=w.donor)
    w.pledge_own, _ = pledge_create(need=w.need_verified, donor=donor, amount=1_000_000)
    w.pledge_received, _ = pledge_create(need=w.need_verified, donor=donor, amount=2_000_000)
    pledge_receive(pledge=w.pledge_received, actor=w.staff_a, amount=2_000_000, received_on=timezone.localdate())
    guest = DonorDetails(name="Lê Minh", email="guest@example.vn")
    w.guest_pledge, _ = pledge_create(need=w.need_verified, donor=guest, amount=500_000)
    # Receipt records and settlement reports (receiving): a received gift with its record,
    # a delivered need with its published report, another with a draft (stand-in PDFs)
    recorded, _ = pledge_create(need=w.need_verified, donor=donor, amount=400_000)
    pledge_receive(pledge=recorded, actor=w.staff_a, amount=400_000, received_on=timezone.localdate())
    w.receipt_record = ReceiptRecord.objects.create(
        pledge=recorded,
        giver_name="Trần Thu Hà",
        amount=400_000,
        received_on=timezone.localdate(),
        document=register_document(
            kind="BB",
            body_symbol="PTDTBT",
            title="Biên bản",
            issued_on=date(2026, 3, 4),
            user=w.staff_a,
            school=w.school_a,
            pdf=b"%PDF-1.7 record",
        ),
    )
    w.settlement_published = SettlementReport.objects.create(
        need=NeedFactory(school=w.school_a, status=S.DELIVERED),
        status=SettlementReport.Status.PUBLISHED,
        document=register_document(
            kind="BC",
            body_symbol="PTDTBT",
            title="Báo cáo quyết toán",
            issued_on=date(2026, 3, 5),
            user=w.staff_a,
            school=w.school_a,
            pdf=b"%PDF-1.7 settlement",
        ),
    )
    w.settlement_draft = SettlementReport.objects.create(need=NeedFactory(school=w.school_a, status=S.DELIVERED))
    w.account = BankAccountFactory(school=w.school_a)
    PaymentRouteFactory(school=w.school_a, account=w.account, set_by=w.officer_a)
    # Officer A's statement: line 2 was matched by hand to the received pledge.
    w.statement = StatementImportFactory(
        uploaded_by=w.officer_a,
        rows=[
            {
                "line": 2,
                "date": "2026-11-20",
                "amount": 2_000_000,
                "description": "Ung ho",
                "transaction": "FT-W1",
                "outcome": "unmatched",
                "reason": "",
                "pledge_id": None,
                "reference": "",
            }
        ],
    )
    StatementLine.objects.create(
        statement=w.statement,
        transaction="FT-W1",
        pledge=w.pledge_received,
        amount=2_000_000,
        booked_on=date(2026, 11, 20),
        manual=True,
        matched_by=w.officer_a,
    )
    w.fund = Fund.objects.create(office=w.office_a, name="Quỹ Tuần Giáo", slug="quy-tuan-giao")
    w.fund_gift, _ = pledge_create(fund=w.fund, donor=donor, amount=3_000_000)
    # A lunch need of school A and the donor's monthly sponsorship of it
    w.lunch_need = make_lunch_need(w)
    sponsorship, _ = sponsorship_create(
        need=w.lunch_need, donor=donor, pupils=2, first_month=w.lunch_need.lunch_first_month, months=2
    )
    w.instalment_own = sponsorship.instalments.order_by("month").first()

    # Campaigns: district A's (published and a draft), the province's
    w.campaign = CampaignFactory(scope=w.district_a, lead_office=w.office_a, is_published=True)
    w.campaign_draft = CampaignFactory(scope=w.district_a, lead_office=w.office_a, starts_on=date(2027, 1, 1))
    w.campaign_province = CampaignFactory(scope=w.province, lead_office=w.office_province, is_published=True)
    w.task = TaskFactory(campaign=w.campaign)
    w.event = EventFactory(campaign=w.campaign, kind=Event.Kind.CEREMONY)
    w.review = ReviewFactory(campaign=w.campaign, number="12/BC-PGDĐT")
    w.issued = register_document(
        kind="BC",
        body_symbol="PGDĐT",
        title="Báo cáo",
        issued_on=date(2026, 3, 2),
        user=w.officer_a,
        office=w.office_a,
        pdf=b"%PDF-1.7 issued",
    )
    w.signer = SignerFactory(office=w.office_a)
    w.school_signer = SignerFactory(school=w.school_a, full_name="Quàng Thị Hoa")
    # The programme fund of district A's office (above, with a gift waiting), with money
    # arrived, a draft plan (officer A drafted it) and an approved one with its decision
    # (a stand-in PDF: nothing is rendered here).
    Fund.objects.filter(pk=w.fund.pk).update(amount_received=5_000_000, amount_pledged=8_000_000)
    w.plan_draft = AllocationPlan.objects.create(fund=w.fund, title="Đợt 2", drafted_by=w.officer_a)
    AllocationLine.objects.create(plan=w.plan_draft, need=w.need_verified, amount=1_000_000)
    w.plan_approved = AllocationPlan.objects.create(
        fund=w.fund,
        title="Đợt 1",
        drafted_by=w.officer_a,
        approved_by=w.officer_province,
        approved_at=timezone.now(),
        status=AllocationPlan.Status.APPROVED,
        document=register_document(
            kind="QĐ",
            body_symbol="PGDĐT",
            title="Về việc phân bổ kinh phí",
            issued_on=date(2026, 3, 3),
            user=w.officer_province,
            office=w.office_a,
            pdf=b"%PDF-1.7 decision",
        ),
    )
    w.digest = DigestRunFactory(
        office=w.office_a, status=DigestRun.Status.SENT, subject="Báo cáo tuần", html="<p>Báo cáo tuần</p>"
    )

    # The province's contest round (its campaign unpublished), its organiser, a judge, an
    # entry of school A with an award, and last year's round with its results published
    w.round = ContestRoundFactory(edition__number=53, province=w.province)
    w.contest_campaign = w.round.campaign
    w.organiser = MembershipFactory(role="organiser", office=w.round.organiser).user
    w.judge = JudgeFactory(round=w.round).user
    CriterionFactory(round=w.round, name="Nội dung")
    w.entry = EntryFactory(
        round=w.round, school=w.school_a, code=f"{w.province.code}-53-00001", date_of_birth=date(2012, 5, 10)
    )
    w.entry.letter_file.save("thu.jpg", ContentFile(jpeg()))
    AwardFactory(entry=w.entry, level=Award.Level.FIRST, decided_by=w.organiser)
    w.published_round = ContestRoundFactory(
        edition__number=52, province=w.province, organiser=w.round.organiser, results_published=True
    )
    # The 53rd edition's national round, with the entry forwarded to it
    w.national_round = NationalRound.objects.create(edition=w.round.edition, forward_by=date(2024, 6, 15))
    w.forwarding = Forwarding.objects.create(entry=w.entry, national_round=w.national_round, province_rank=1)

    # Another province's round, where none of the standing users has a role
    elsewhere = ProvinceFactory(name="Tỉnh Lai Châu", code="12")
    school_elsewhere = SchoolFactory(
        commune=CommuneFactory(parent=DistrictFactory(parent=elsewhere, code="105"), code="03390")
    )
    w.round_elsewhere = ContestRoundFactory(edition__number=53, province=elsewhere)
    w.entry_elsewhere = EntryFactory(round=w.round_elsewhere, school=school_elsewhere, code="12-53-00001")

    # A question with a file on the submitted need
    w.question_with_file = NeedEvent.objects.create(
        need=w.need_submitted,
        kind=NeedEvent.Kind.QUESTION,
        actor=w.officer_a,
        note="Báo giá?",
        attachment=ContentFile(b"%PDF-1.4 test", "question.pdf"),
    )

    # Notices: one in the inbox of school A's staff
    w.notice = NoticeFactory(user=w.staff_a, link=w.need_submitted.get_absolute_url())

    # Circular 16: the verified need's usage plan, published, with a comment waiting
    w.usage_plan = UsagePlanFactory(need=w.need_verified, published=True)
    w.plan_comment = PlanCommentFactory(plan=w.usage_plan, author=w.donor)
    return w


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def _client_handler():
    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def client(_client_handler):
    """pytest-django's client, but every test shares one handler: a new handler loads the
    middleware again, and WhiteNoise's scan of the static files costs more than a request."""
    client = Client()
    client.handler = _client_handler
    return client


@pytest.fixture(autouse=True)
def _matrix_settings(settings, media_root):
    settings.ACCOUNT_RATE_LIMITS = False
    settings.MEDIA_ROOT = str(media_root)


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """The PDF views answer with a stand-in document: the permission is decided before
    rendering, and the documents themselves have their own tests."""
    stub = lambda *args, **kwargs: b"%PDF-1.4 stand-in"  # noqa: E731
    monkeypatch.setattr("donations.views.thank_you_pdf", stub)
    monkeypatch.setattr("campaigns.views.event_plan_pdf", stub)
    monkeypatch.setattr("campaigns.views.review_pdf", stub)
    monkeypatch.setattr("letters_contest.views.certificate_pdf", stub)


@pytest.fixture(scope="class")
def shared_world(django_db_setup, django_db_blocker, media_root):
    """One world for a class of tests, in a transaction that is rolled back at the class's
    end; each test runs in a savepoint inside it (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=str(media_root)
        ):
            world = build_world(build_area())
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def fresh_world(area):
    """A world of the test's own, for actions that change it."""
    return build_world(area)


# The matrix --------------------------------------------------------------------------------


def cases(rows):
    params = []
    for r in rows:
        for role in ROLES:
            status = r.expected[role]
            finding = FINDINGS.get((r.key, status)) if role != "anonymous" else None
            marks = [pytest.mark.xfail(reason=finding, strict=True)] if finding else []
            params.append(pytest.param(r, role, status, id=f"{r.key}-{role}-{status}", marks=marks))
    return params


def request_as(client, world, row: Row, role: str):
    if role != "anonymous":
        client.force_login(getattr(world, USER_OF[role]))
    url = reverse(row.url_name, args=row.args(world))
    if row.method == "post":
        return client.post(url, row.data(world))
    return client.get(url, row.query(world))


def check(response, row: Row, role: str, status: int):
    assert response.status_code == status, f"{row.key} as {role}: {response.status_code}, designed {status}"
    if role == "anonymous" and status == 302 and row.anonymous_to_login:
        assert response.url.startswith(reverse("account_login") + "?next="), response.url


@pytest.mark.django_db
class TestPages:
    @pytest.mark.parametrize(("row", "role", "status"), cases(PAGES))
    def test_it_answers_as_designed(self, client, shared_world, row, role, status):
        check(request_as(client, shared_world, row, role), row, role, status)


@pytest.mark.django_db
class TestActions:
    @pytest.mark.parametrize(("row", "role", "status"), cases(ACTIONS))
    def test_it_answers_as_designed(self, client, fresh_world, row, role, status):
        check(request_as(client, fresh_world, row, role), row, role, status)

    @pytest.mark.parametrize("row", ACTIONS, ids=[r.key for r in ACTIONS])
    def test_it_refuses_a_get(self, client, fresh_world, row):
        """Actions change state only on a POST: a GET changes nothing (405, or log in first)."""
        url = reverse(row.url_name, args=row.args(fresh_world))
        signs_in_first = row.anonymous_to_login and row.expected["anonymous"] == 302
        assert client.get(url).status_code == (302 if signs_in_first else 405)
        client.force_login(fresh_world.admin)
        assert client.get(url).status_code == 405


# Families covered by rules ------------------------------------------------------------------

ADMIN_PAGES = [
    ("admin:index", lambda w: []),
    ("admin:needs_need_changelist", lambda w: []),
    ("admin:needs_need_change", lambda w: [w.need_draft.pk]),
]


@pytest.mark.django_db
class TestRules:
    @pytest.mark.parametrize(("name", "args"), ADMIN_PAGES, ids=[name for name, _args in ADMIN_PAGES])
    @pytest.mark.parametrize("role", ROLES)
    def test_the_admin_is_for_staff_accounts_only(self, client, shared_world, name, args, role):
        if role != "anonymous":
            client.force_login(getattr(shared_world, USER_OF[role]))
        response = client.get(reverse(name, args=args(shared_world)))
        if role == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))

    @pytest.mark.parametrize("role", ROLES)
    def test_uploads_by_address_are_the_public_photos_only(self, client, shared_world, role):
        """A need's photo is public by nature; a pupil's letter is reachable only through
        its views (rows above), never by its file's address, whoever asks."""
        if role != "anonymous":
            client.force_login(getattr(shared_world, USER_OF[role]))
        assert client.get(shared_world.photo.thumb.url).status_code == 200
        assert client.get(shared_world.entry.letter_file.url).status_code == 404
        # A photo's original, pupils' faces unblurred, is not public even to its school by address.
        assert shared_world.photo_blurred.original.name.startswith("private/")
        assert client.get(shared_world.photo_blurred.original.url).status_code == 404

    def test_the_health_probes_answer_anyone(self, client, shared_world):
        assert client.get(reverse("health")).status_code == 200
        assert client.get(reverse("livez")).status_code == 200
        assert client.get(reverse("service_worker")).status_code == 200

    def test_anyone_may_choose_a_language(self, client, shared_world):
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302

    @pytest.mark.parametrize(
        ("name", "status"),
        [
            ("account_login", 200),
            ("account_signup", 200),
            ("account_reset_password", 200),
            ("account_reset_password_done", 200),
            ("account_email_verification_sent", 200),
            ("account_inactive", 200),
            ("account_logout", 302),  # nobody to log out: back home
            ("account_email", 302),
            ("account_change_password", 302),
            ("account_set_password", 302),
            ("account_reauthenticate", 302),
            ("account_confirm_login_code", 302),  # no code was sent
            ("account_reset_password_from_key_done", 200),
        ],
    )
    def test_allauth_pages_for_anonymous_visitors(self, client, shared_world, name, status):
        assert client.get(reverse(name)).status_code == status


# The guard ---------------------------------------------------------------------------------


def url_patterns(patterns=None, namespaces=()):
    """(namespaces, name, view) of every pattern in the URLconf; the name is namespaced as
    reverse() wants it, or None."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            yield namespaces, name, pattern.lookup_str


def is_covered_by_a_rule(namespaces, name, view) -> bool:
    if RULE_NAMESPACES.intersection(namespaces):
        return True
    if name is None:
        return view in RULE_VIEWS
    return name in RULE_NAMES or name.startswith(RULE_PREFIXES)


def test_every_view_has_a_row():
    covered = {r.url_name for r in MATRIX}
    missing = sorted(
        name or f"(unnamed) {view}"
        for namespaces, name, view in url_patterns()
        if name not in covered and not is_covered_by_a_rule(namespaces, name, view)
    )
    assert not missing, f"views without a row in the permission matrix: {missing}"


def test_every_row_names_a_view_and_every_role():
    names = {name for _namespaces, name, _view in url_patterns()}
    assert not [r.key for r in MATRIX if r.url_name not in names]
    assert len({r.key for r in MATRIX}) == len(MATRIX)
    for r in MATRIX:
        assert tuple(r.expected) == ROLES or set(r.expected) == set(ROLES), r.key
