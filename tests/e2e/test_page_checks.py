"""The checks every journey page goes through (tests/support/pagecheck.py) find what they
are for: a page with an unlabelled field, a stray end tag and a box wider than a phone
fails, a wide table in a scrolling wrapper does not, and each fault is named with its page."""

from tests.support.browser import PHONE, new_page
from tests.support.pagecheck import CHECKS, current_test

BASE = "http://checks.invalid"

BROKEN = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Thử</title></head>
<body><main><h1>Thử</h1>
<form><input type="text" name="amount"></form>
<div id="too-wide" style="width: 417px">417 px</div>
<div style="overflow-x: auto"><span style="position: absolute; left: 600px; width: 1px; height: 1px; overflow: hidden">nhãn ẩn</span></div>
</span></main></body></html>"""

FINE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Ổn</title></head>
<body><main><h1>Ổn</h1>
<div style="overflow-x: auto; position: relative" tabindex="0"><table><tr><td style="min-width: 900px">rộng</td></tr></table>
<span style="position: absolute; left: 600px; width: 1px; height: 1px; overflow: hidden">nhãn ẩn</span></div>
</main></body></html>"""


def test_it_names_axe_html_and_width_faults_and_passes_a_clean_page(browser):
    phone = new_page(browser, BASE, PHONE)
    # On the context: a page whose check the journey outran is reopened in a page of its own.
    phone.context.route(
        f"{BASE}/broken/*/", lambda route: route.fulfill(body=BROKEN, content_type="text/html; charset=utf-8")
    )
    phone.context.route(
        f"{BASE}/fine/", lambda route: route.fulfill(body=FINE, content_type="text/html; charset=utf-8")
    )
    phone.goto(f"{BASE}/broken/1/")
    phone.goto(f"{BASE}/fine/")
    phone.goto(f"{BASE}/broken/2/")  # the same page with another id: checked once
    phone.context.close()
    CHECKS.validate_pending()
    findings = CHECKS.findings_of(current_test())

    assert {finding.key for finding in findings} == {"/broken/<n>/ @390"}, [
        (f.key, f.message) for f in findings if "fine" in f.key
    ]
    by_kind = {}
    for finding in findings:
        by_kind.setdefault(finding.kind, []).append(finding.message)
    assert any(message.startswith("label [critical]") for message in by_kind["axe"]), by_kind
    assert any("Stray end tag “span”" in message for message in by_kind["html"]), by_kind
    (width,) = by_kind["width"]
    assert "div#too-wide spans" in width and "..425 px" in width
    # a 1 px label placed against the page, not its scrolling wrapper, widens the page too
    assert "«nhãn ẩn»" in width
    # a wide cell, and a label, that scroll inside their wrapper are accepted (the fine page)
