"""What the simulated users of the load benchmark do, one function per page kind.

Plain Python: no locust and no Django here. The locustfile runs these functions under
load; the runner runs the very same functions once each, synchronously, to warm the
server up and check every page before the load, and to read each page's query count
after it. So the pages that are measured and the pages whose queries are counted
cannot drift apart.

Each function takes a `user` with `client` (locust's FastHttpSession, or the runner's
stand-in with the same `request` signature), `fixture` (the sample ids the runner picked
from the database) and, for signed-in users, `account`.
"""

import functools
import json
import os
import random
import re
import uuid
from datetime import date, timedelta
from urllib.parse import urlencode

FIXTURE_ENV = "BENCH_FIXTURE"
PASSWORD_ENV = "BENCH_PASSWORD"  # noqa: S105 (the name of the variable)
SUMMARY_ENV = "BENCH_SUMMARY"

# Page kinds, as named in the report and in locust's statistics.
TRIVIAL = "trivial view"
LOGIN_FORM = "login: form"
LOGIN = "login: POST"
HOME = "home"
BROWSE = "browse"
BROWSE_FILTERS = "browse: filters"
SEARCH = "search"
NEED_PAGE = "need page"
SCHOOL_PAGE = "school page"
PLEDGE_FORM = "pledge: give page"
PLEDGE_POST = "pledge: POST"
PLEDGE_DONE = "pledge: payment page"
# The local office's dashboard: a district's on the old map, a commune's on the current one.
DISTRICT_DASHBOARD = "local office dashboard"
PROVINCIAL_DASHBOARD = "provincial dashboard"
NEED_FORM = "school: new need form"
NEED_POST = "school: post a need"

# Every kind the benchmark's specification asks for; a test checks the load covers them.
SPEC_KINDS = (
    TRIVIAL,
    BROWSE,
    BROWSE_FILTERS,
    SEARCH,
    NEED_PAGE,
    SCHOOL_PAGE,
    PLEDGE_FORM,
    PLEDGE_POST,
    DISTRICT_DASHBOARD,
    PROVINCIAL_DASHBOARD,
    NEED_FORM,
    NEED_POST,
)
# The report's order.
ALL_KINDS = (TRIVIAL, LOGIN_FORM, LOGIN, HOME, *SPEC_KINDS[1:8], PLEDGE_DONE, *SPEC_KINDS[8:])

# locust user classes (ops/bench/locustfile.py) of each phase, named here so that the
# runner never imports locust (which patches the standard library with gevent).
FLOOR_USERS = ("TrivialUser",)
MIX_USERS = ("Visitor", "DistrictOfficer", "ProvincialOfficer", "SchoolStaff")
SOLO_USERS = ("SoloVisitor",)
SOLO_ENV = "BENCH_SOLO"
# The open-loop phases (capacity, pledges): each class's users and pacing, as JSON
# {class name: {"users": n, "pacing": seconds}} (ops/bench/openloop.py plans them).
OPEN_ENV = "BENCH_OPEN"
OPEN_USERS = ("OpenVisitor", "OpenDistrictOfficer", "OpenProvincialOfficer", "OpenSchoolStaff")
PLEDGE_USERS = ("PledgeDonor",)
# Marks the e-mail addresses of the pledges a phase makes, so the runner counts them after.
RUN_TAG_ENV = "BENCH_RUN_TAG"

SORTS = ("urgent", "closest", "pupils", "newest")
URGENCIES = (1, 2, 3)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UPLOAD_TOKEN_RE = re.compile(r'name="upload_token" value="([^"]+)"')
FIELD_ERROR_RE = re.compile(r'id="id_([\w-]+)_error"')
# Picks what a visitor clicks; nothing secret depends on it.
chance = random.Random()  # noqa: S311

NEED_TITLES = (
    "Nhà vệ sinh cho điểm trường bản",
    "Bể chứa nước sạch cho khu bán trú",
    "Chăn ấm mùa đông cho học sinh bán trú",
    "Tủ sách lớp học cho điểm trường lẻ",
    "Điện mặt trời cho lớp học cắm bản",
    "Bàn ghế học sinh đúng quy cách",
)


class PageError(Exception):
    """A page the rest of the visit needs did not come back as expected."""


@functools.cache
def load_fixture(path: str | None = None) -> dict:
    """The sample written by the runner (ids, search terms, accounts), read once."""
    with open(path or os.environ[FIXTURE_ENV], encoding="utf-8") as handle:
        return json.load(handle)


def password() -> str:
    return os.environ.get(PASSWORD_ENV, "bench12345")


def fetch(user, method: str, path: str, name: str, *, expect=(200,), data=None, follow=True, check=None):
    """One request, counted under `name`. A status outside `expect` is a failure (a 5xx or
    a dropped connection is an error); `check(response)` may name a failure in a page that
    came back with the right status. Returns the response."""
    with user.client.request(
        method, path, name=name, data=data, catch_response=True, allow_redirects=follow
    ) as response:
        status = response.status_code
        problem = None
        if not status:
            problem = f"connection error: {getattr(response, 'error', None)}"
        elif status >= 500:
            problem = f"server error {status}"
        elif status not in expect:
            problem = f"unexpected status {status}"
        elif check is not None:
            problem = check(response)
        if problem:
            response.failure(problem)
        else:
            response.success()
    if problem:
        raise PageError(f"{name}: {problem}")
    return response


def csrf_token(html: str | None) -> str:
    match = CSRF_RE.search(html or "")
    if not match:
        raise PageError("no CSRF token in the form")
    return match.group(1)


def _location(response) -> str:
    return (response.headers or {}).get("location") or ""


def _field_errors(response) -> list[str]:
    return FIELD_ERROR_RE.findall(response.text or "")


# --- anonymous visitors -------------------------------------------------------------


def trivial(user):
    fetch(user, "GET", "/livez/", TRIVIAL)


def home(user):
    fetch(user, "GET", "/", HOME)


def browse(user):
    """The public list, first page or further on, as visitors page through it."""
    pages = user.fixture["browse_pages"]
    page = chance.randint(2, pages) if pages > 1 and chance.random() < 0.5 else None
    fetch(user, "GET", "/needs/" + (f"?page={page}" if page else ""), BROWSE)


def browse_filters(user):
    """Two or three filters at random, as the filter form builds them."""
    fixture = user.fixture
    params = {}
    place = chance.choice(fixture["places"]) if fixture["places"] else None
    choices = ["category", "place", "urgency", "sort", "page"]
    for choice in chance.sample(choices, k=chance.randint(2, 3)):
        if choice == "category":
            params["category"] = chance.choice(fixture["categories"])
        elif choice == "place" and place:
            params["province"] = place["province"]
            if place["districts"] and chance.random() < 0.6:
                params["district"] = chance.choice(place["districts"])
            elif place.get("communes") and chance.random() < 0.6:
                # The current map: communes straight under the province.
                params["commune"] = chance.choice(place["communes"])
        elif choice == "urgency":
            params["urgency"] = chance.choice(URGENCIES)
        elif choice == "sort":
            params["sort"] = chance.choice(SORTS)
        elif choice == "page":
            params["page"] = chance.randint(2, 4)
    fetch(user, "GET", "/needs/?" + urlencode(params), BROWSE_FILTERS)


def search(user):
    params = {"q": chance.choice(user.fixture["search_terms"])}
    if chance.random() < 0.3:
        params["sort"] = chance.choice(SORTS)
    fetch(user, "GET", "/needs/?" + urlencode(params), SEARCH)


def need_page(user):
    fetch(user, "GET", f"/needs/{chance.choice(user.fixture['public_needs'])}/", NEED_PAGE)


def school_page(user):
    fetch(user, "GET", f"/schools/{chance.choice(user.fixture['schools'])}/", SCHOOL_PAGE)


def _pledge_taken(response):
    """A pledge is made (302) or refused with a message on the amount (200: the need was
    funded meanwhile or lacks less); any other field in error means the form was wrong."""
    if response.status_code == 200:
        wrong = [field for field in _field_errors(response) if field != "amount"]
        if wrong:
            return f"pledge form refused fields {', '.join(wrong)}"
    return None


def pledge_email() -> str:
    """A donor's address that is never delivered, marked with the phase's tag."""
    tag = os.environ.get(RUN_TAG_ENV, "mix")
    return f"bench-{tag}-{uuid.uuid4().hex[:12]}@bench.invalid"


def pledge(user, need: int | None = None, amount: int | None = None):
    """A guest gives a sum to a verified need: give page, form, payment page. By default a
    small sum to any need with room, so repeated runs on the same data keep finding some."""
    path = f"/donations/give/{need or chance.choice(user.fixture['open_needs'])}/"
    form = fetch(user, "GET", path, PLEDGE_FORM)
    data = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "kind": "money",
        "amount": str(amount or 1000 * chance.randint(1, 50)),
        "goods_description": "",
        "message": "Chúc các em học tốt!",
        "name": "Nhà hảo tâm (bài đo tải)",
        # Never delivered: the server's mail tasks go to a queue nobody reads.
        "email": pledge_email(),
        "phone": "",
        "submission_token": str(uuid.uuid4()),
    }
    done = fetch(user, "POST", path, PLEDGE_POST, data=data, expect=(200, 302), follow=False, check=_pledge_taken)
    if done.status_code == 302:
        fetch(user, "GET", _location(done), PLEDGE_DONE)


def pledge_rush(user):
    """The pledge phase: a gift to one of a few needs, sized by the runner so that the
    needs fill up during the phase and later gifts are refused (the over-funding race)."""
    target = chance.choice(user.fixture["pledge_targets"])
    pledge(user, target["need"], target["amount"])


# --- signed-in users ----------------------------------------------------------------


def _logged_in(response):
    target = _location(response)
    # allauth sends an unverified address (mandatory verification) back under /accounts/.
    if "/accounts/" in target:
        return f"login did not complete (redirected to {target}); is the e-mail address verified?"
    return None


def login(user, email: str, secret: str | None = None):
    """allauth's form: CSRF token from the page, then `login` and `password`."""
    form = fetch(user, "GET", "/accounts/login/", LOGIN_FORM)
    data = {"csrfmiddlewaretoken": csrf_token(form.text), "login": email, "password": secret or password()}
    fetch(user, "POST", "/accounts/login/", LOGIN, data=data, expect=(302,), follow=False, check=_logged_in)


def district_dashboard(user):
    # Not followed: an officer who is not signed in is sent to the login page (a failure).
    fetch(user, "GET", f"/dashboard/?unit={user.fixture['district']['unit']}", DISTRICT_DASHBOARD, follow=False)


def provincial_dashboard(user):
    fetch(user, "GET", f"/dashboard/?unit={user.fixture['province']['unit']}", PROVINCIAL_DASHBOARD, follow=False)


def _need_saved(response):
    target = _location(response)
    if not re.search(r"/needs/\d+/$", target):
        return f"the need was not saved (redirected to {target!r})"
    return None


def post_need(user):
    """School staff open the form and post a need with two items, mostly "Save and submit"."""
    path = f"/needs/new/{user.account['school']}/"
    form = fetch(user, "GET", path, NEED_FORM)
    upload_token = UPLOAD_TOKEN_RE.search(form.text or "")
    data = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "upload_token": upload_token.group(1) if upload_token else "",
        "category": chance.choice(user.fixture["categories"]),
        "site": "",
        "title": chance.choice(NEED_TITLES),
        "description": "Tạo bởi bài đo tải (make bench): học sinh điểm trường còn thiếu.",
        "pupils_benefiting": str(chance.randint(10, 300)),
        "urgency": str(chance.choice(URGENCIES)),
        "wanted_by": (date.today() + timedelta(days=90)).isoformat(),
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30",
        "items-0-description": "Bộ vật tư",
        "items-0-quantity": str(chance.randint(1, 20)),
        "items-0-unit": "bộ",
        "items-0-unit_cost": str(1000 * chance.randint(100, 5000)),
        "items-1-description": "Công lắp đặt",
        "items-1-quantity": "1",
        "items-1-unit": "gói",
        "items-1-unit_cost": "2000000",
    }
    data["submit" if chance.random() < 0.7 else "draft"] = "1"
    fetch(user, "POST", path, NEED_POST, data=data, expect=(302,), follow=False, check=_need_saved)


# Classes of pages for the open-loop budgets: p95 ≤ 150 ms for public pages, ≤ 400 ms
# for the offices' dashboards. Signing in and a school's forms are reported, not budgeted.
PUBLIC_PAGES = (HOME, BROWSE, BROWSE_FILTERS, SEARCH, NEED_PAGE, SCHOOL_PAGE, PLEDGE_FORM, PLEDGE_POST, PLEDGE_DONE)
DASHBOARDS = (DISTRICT_DASHBOARD, PROVINCIAL_DASHBOARD)

# Anonymous read-only pages, each also run alone to measure its throughput.
SOLO = {
    BROWSE: browse,
    BROWSE_FILTERS: browse_filters,
    SEARCH: search,
    NEED_PAGE: need_page,
    SCHOOL_PAGE: school_page,
}

# What an anonymous visitor does, with its weight (locustfile's Visitor and OpenVisitor),
# and how many requests each visit makes (a pledge: give page, POST, payment page).
VISITOR_TASKS = {
    home: 1,
    browse: 4,
    browse_filters: 4,
    search: 3,
    need_page: 6,
    school_page: 2,
    pledge: 1,
}
REQUESTS_PER_VISIT = {pledge: 3, post_need: 2}
