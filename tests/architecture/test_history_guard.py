"""Every view that changes data calls a service that writes its history, and a test posts
to it and finds the history rows (issue 14).

Each app's `tests/<app>/test_history.py` lists the views it covers in `WRITING_VIEWS`;
every other named view of the portal is listed below as read-only. A new view in neither
list fails here, by name: if it changes data, give it a service that writes the history
and a test in its app's test_history.py; if it does not, add it below (with the reason
where it is not obvious)."""

import importlib
from pathlib import Path

from tests.support.urls import url_names

TESTS = Path(__file__).resolve().parent.parent


def is_not_the_portals(name: str) -> bool:
    """Django's admin (it keeps its own change log), allauth's account pages and Django's
    language switch (it only sets a cookie)."""
    return name.startswith(("admin:", "account_")) or name == "set_language"


# The views that change no data: pages, lists, documents and downloads.
READ_ONLY_VIEWS = {
    # a bank's statement template (a download)
    "donations:statement_template",
    # opendata: the public API reads only (GET), its schema and its docs page
    "opendata:allocations",
    "opendata:allocations_csv",
    "opendata:api-root",
    "opendata:fund",
    "opendata:funds",
    "opendata:funds_csv",
    "opendata:ledger_csv",
    "opendata:ledger_list",
    "opendata:need",
    "opendata:needs",
    "opendata:needs_csv",
    "opendata:openapi-json",
    "opendata:openapi-view",
    "opendata:schools",
    "opendata:schools_csv",
    "opendata:totals",
    "opendata:totals_csv",
    # core
    "home",
    "privacy",
    "health",  # asks the database for SELECT 1
    "livez",
    "media",  # serves public uploads by address
    "service_worker",  # the service worker's script (/sw.js)
    # documents (the uploaded file is checked and discarded)
    "documents:verify",
    # schools
    "schools:list",
    "schools:detail",
    "schools:mine",
    # needs
    "needs:list",
    "needs:detail",
    "needs:my_school",
    "needs:photo_original",  # the photo as sent, to the school and its officers
    "needs:card",  # a public need's share card (an image made from the need, kept in the cache)
    "needs:event_attachment",  # a question's or an answer's file, to the school and its officers
    # donations
    "donations:detail",
    "donations:letter",
    "donations:vietqr_png",  # the payment QR as a picture to save
    "donations:mine",
    "donations:honour_index",
    "donations:honour",
    "donations:transparency_index",
    "donations:transparency",
    "donations:transparency_school",
    "donations:my_data",
    "donations:my_data_download",
    "donations:fund",  # a programme fund's public page
    "donations:fund_card",  # its share card
    "donations:funds",  # an office's list of its funds
    "donations:plan_decision",  # an approved plan's decision: the stored PDF
    # campaigns (the event plan and the review are PDFs made from the rows)
    "campaigns:list",
    "campaigns:detail",
    "campaigns:event_plan",
    "campaigns:review_document",
    # receiving: the comments waiting for a school's people (moderating posts elsewhere)
    "receiving:moderation",
    # letters_contest
    "letters_contest:home",
    "letters_contest:round",
    "letters_contest:judging",
    "letters_contest:results",
    "letters_contest:participation",
    "letters_contest:national",
    "letters_contest:national_judging",
    "letters_contest:national_results",
    # Pupils' data: opening it records who opened it (EntryAccess, itself the record, made
    # by letters_contest.services.entry_access_record) and changes nothing else;
    # tests/letters_contest/test_history.py opens each one (its RECORDING_VIEWS).
    "letters_contest:entries",
    "letters_contest:entry",
    "letters_contest:entry_letter",
    "letters_contest:certificate",
    "letters_contest:judging_letter",
    "letters_contest:national_judging_letter",  # records "national-judge"
    # documents (the registers are read; numbers are taken by issuing, in each app's service)
    "documents:registers",
    "documents:register",
    "documents:issued_pdf",
    # receiving: the stored PDFs of receipt records and published settlement reports
    "receiving:record_pdf",
    "receiving:settlement_pdf",
    # notices: the inbox, opening a notice and "mark all as read" change only whether the
    # person has read their own notices (Notice.read_at and its counter), which keeps no
    # history; the mail preferences write with history (tests/notices/test_history.py)
    "notices:inbox",
    "notices:open",
    "notices:read_all",
    # oversight
    "dashboard:home",
    "dashboard:needs",
    "dashboard:pledges",
    "dashboard:export",
    "dashboard:audit",
    "dashboard:digest",
    # Mails the officer the digest of the week so far; writes no row (a DigestRun is
    # written only by the real sending, which claims it).
    "dashboard:digest_preview",
}


def history_modules():
    """Every tests/<app>/test_history.py, imported by its module path."""
    return {
        path.parent.name: importlib.import_module(f"tests.{path.parent.name}.test_history")
        for path in sorted(TESTS.glob("*/test_history.py"))
    }


def writing_views() -> dict[str, str]:
    """Each view some test_history.py lists as writing, with the folder that lists it."""
    listed = {}
    for folder, module in history_modules().items():
        for name in module.WRITING_VIEWS:
            assert name not in listed, f"{name} is listed by tests/{listed[name]} and tests/{folder}"
            listed[name] = folder
    return listed


def the_portals_views() -> set[str]:
    return {name for name in url_names() if not is_not_the_portals(name)}


def test_every_app_with_views_that_write_has_its_history_tests():
    assert set(history_modules()) >= {
        "accounts",
        "schools",
        "needs",
        "donations",
        "campaigns",
        "letters_contest",
        "oversight",
    }


def test_every_view_is_known_to_write_with_history_or_to_only_read():
    unknown = sorted(the_portals_views() - set(writing_views()) - READ_ONLY_VIEWS)
    assert not unknown, f"views neither in a tests/*/test_history.py WRITING_VIEWS nor in READ_ONLY_VIEWS: {unknown}"


def test_no_view_is_both_writing_and_read_only():
    both = sorted(set(writing_views()) & READ_ONLY_VIEWS)
    assert not both, f"views listed as writing and as read-only: {both}"


def test_every_listed_view_exists():
    views = the_portals_views()
    assert not sorted(set(writing_views()) - views), "WRITING_VIEWS name views that do not exist"
    assert not sorted(READ_ONLY_VIEWS - views), "READ_ONLY_VIEWS name views that do not exist"


def test_the_apps_own_lists_agree_with_this_one():
    """Where an app's test_history.py also lists its reading (or access-recording) views,
    those are read-only here."""
    for folder, module in history_modules().items():
        own = set(getattr(module, "READING_VIEWS", set())) | set(getattr(module, "RECORDING_VIEWS", set()))
        assert not sorted(own - set(module.WRITING_VIEWS) - READ_ONLY_VIEWS), folder
