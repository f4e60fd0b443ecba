"""Every page the browser journeys visit is checked: accessibility (axe-core), HTML validity
(the Nu HTML Checker) and, at phone width, that every element's box lies within the
viewport's width.

How, and why so (the suite must stay fast on two CPUs):
- `watch(page)` (called by tests/support/browser.py `new_page`) listens to the page's `load`
  event. Each distinct page is checked once per session: its key is the URL's path with
  ids normalised (`/needs/<n>/`) and the viewport's width; the query string is ignored.
- On the first load of a key, one `evaluate` injects axe-core (node_modules/axe-core, pinned
  in package.json, installed by `make install`) and runs it with its default rules (WCAG
  2.x A and AA and best practices), and at 390 px or less the width check below. The
  document's HTML as the server sent it (the response's body, a POST's answer included) is
  kept for the Nu checker.
- The Nu HTML Checker (node_modules/vnu-jar, Java 17) runs as ONE HTTP servlet for the
  whole session, started in the background at the first page; the pages a test collected
  are posted to it when the test ends. Errors fail the run; warnings and notes do not.
- Pages a journey saw only on a desktop are opened again at 390 px when their browser
  context closes (a GET of the same address in the same context, so as the same person),
  so every page of the journeys is also width-checked on a phone. So are, at their own
  width, pages whose check the journey outran (it navigated on before the check ended).
- Findings are attributed to the test that saw the page and fail it at its teardown
  (`tests/conftest.py` `_page_checks`), with the URL and what was found.

The width rule: every rendered element (not display:none, not visibility:hidden, not of
zero size) must have `0 <= left` and `right <= viewport width` (1 px tolerance for sub-pixel
rounding), and the document must not be wider than the viewport. Visually hidden text counts
too: a 1 px label placed beyond the edge widens the page as much as a button. Overflow that is clipped (overflow: hidden)
still fails: the content is cut. The one accepted exception is a descendant of a
deliberately scrollable container (computed `overflow-x: auto` or `scroll`, such as
`.table-responsive` around a wide table): the container itself must fit, its content may
scroll sideways. Not exempt: a fixed element, or an absolutely positioned one whose
containing block is outside the container (it does not scroll with it).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE_WIDTH = 390
INSTALL_HINT = "run `make install` (npm ci: axe-core and vnu-jar from package.json; Java 17 for vnu.jar)"

# Set PAGE_CHECKS=0 to run the journeys without the checks (to time them, or to debug).
ENABLED = os.environ.get("PAGE_CHECKS", "1") != "0"

_ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{20,})$")


def page_key(url: str, width: int) -> str:
    path = urlsplit(url).path
    segments = [
        "<n>" if _ID_SEGMENT.match(part) and any(c.isdigit() for c in part) else part for part in path.split("/")
    ]
    return f"{'/'.join(segments)} @{width}"


# One `evaluate`: axe-core when asked, then the width check when asked. The width check
# walks the tree once, carrying "inside a scrollable container" down, so it stays linear.
_CHECK_JS = """
async ([axeSource, runAxe, width]) => {
  const result = {axe: null, width: null, href: location.href};
  if (runAxe) {
    if (!window.axe) { (0, eval)(axeSource); }
    // A widget we ship but do not write (Swagger UI on the API's docs page) is marked
    // data-third-party and left to its authors; the page around it is checked.
    const context = document.querySelector('[data-third-party]') ? {exclude: [['[data-third-party]']]} : document;
    const axeResult = await window.axe.run(context, {resultTypes: ['violations']});
    result.axe = axeResult.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')})),
      count: v.nodes.length,
    }));
  }
  if (width) {
    const offenders = [];
    const describe = (el) => {
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      if (el.classList.length) name += '.' + [...el.classList].join('.');
      const parent = el.parentElement;
      if (parent && parent !== document.body) {
        let pname = parent.tagName.toLowerCase();
        if (parent.classList.length) pname += '.' + [...parent.classList].join('.');
        name = pname + ' > ' + name;
      }
      return name;
    };
    // inScroller: inside an overflow-x auto/scroll container; contained: that container or
    // something inside it is positioned, so an absolutely positioned element scrolls with
    // it too (else its box is placed against the page and widens it).
    const walk = (el, inScroller, contained) => {
      const style = getComputedStyle(el);
      if (style.display === 'none') return;
      const position = style.position;
      const exempt = inScroller && position !== 'fixed' && (position !== 'absolute' || contained);
      if (!exempt && style.visibility !== 'hidden') {
        const r = el.getBoundingClientRect();
        if ((r.width > 0 || r.height > 0) && (r.left < -1 || r.right > width + 1)) {
          offenders.push({element: describe(el), left: Math.round(r.left), right: Math.round(r.right),
                          text: (el.innerText || '').trim().slice(0, 60)});
        }
      }
      const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
      const positioned = position !== 'static';
      for (const child of el.children) {
        walk(child, inScroller || scrolls, scrolls ? positioned : (contained || (inScroller && positioned)));
      }
    };
    walk(document.body, false, false);
    result.width = {documentWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 12), total: offenders.length};
  }
  return result;
}
"""


@dataclass
class Finding:
    test: str
    url: str
    key: str
    kind: str  # axe, html, width
    message: str


@dataclass
class Stats:
    pages: int = 0
    axe_seconds: float = 0.0
    width_seconds: float = 0.0
    vnu_seconds: float = 0.0
    revisit_seconds: float = 0.0
    revisits: int = 0
    skipped: list = field(default_factory=list)
    missed: set = field(default_factory=set)


class PageChecks:
    """The session's record: keys checked, HTML waiting for the Nu checker, findings."""

    def __init__(self):
        self.checked: set[str] = set()
        self.html_pending: list[tuple[str, str, str, bytes]] = []  # test, url, key, body
        self.findings: list[Finding] = []
        self.stats = Stats()
        self._axe_source: str | None = None
        self._vnu: subprocess.Popen | None = None
        self._vnu_port: int | None = None

    # -- tools -------------------------------------------------------------------------
    def axe_source(self) -> str:
        if self._axe_source is None:
            if not AXE_JS.exists():
                raise RuntimeError(f"axe-core is missing ({AXE_JS}): {INSTALL_HINT}")
            self._axe_source = AXE_JS.read_text()
        return self._axe_source

    def start_vnu(self) -> None:
        if self._vnu is not None:
            return
        java = shutil.which("java")
        if java is None or not VNU_JAR.exists():
            raise RuntimeError(f"the Nu HTML Checker cannot run (java: {java}, {VNU_JAR}): {INSTALL_HINT}")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self._vnu_port = probe.getsockname()[1]
        self._vnu = subprocess.Popen(
            [
                java,
                "-Xss8m",  # the schemas load recursively: the default stack overflows
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self._vnu_port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        atexit.register(self.stop_vnu)

    def stop_vnu(self) -> None:
        if self._vnu is not None and self._vnu.poll() is None:
            self._vnu.terminate()
            try:
                self._vnu.wait(10)
            except subprocess.TimeoutExpired:
                self._vnu.kill()
        self._vnu = None

    def _vnu_messages(self, body: bytes) -> list[dict]:
        url = f"http://127.0.0.1:{self._vnu_port}/?out=json"
        deadline = time.monotonic() + 180
        while True:
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "text/html; charset=utf-8"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
                    return json.load(response)["messages"]
            except (urllib.error.URLError, ConnectionError):
                if self._vnu.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the Nu HTML Checker's servlet did not start") from None
                time.sleep(0.2)

    # -- per page ----------------------------------------------------------------------
    def check(self, page, response=None, test: str | None = None) -> None:
        """Check the page now showing in `page`, if its key was not checked yet.

        The journey goes on while this runs (Playwright calls listeners between its own
        steps), so the page may have moved on: the key comes from the address of the
        document axe-core ran in, and the HTML is kept only if it is that document's."""
        base_url = getattr(page, "base_url", "http")
        width = page.viewport_size["width"]
        loaded = response.url if response is not None else page.url
        if not loaded.startswith(base_url) or page_key(loaded, width) in self.checked:
            return
        test = test or current_test()
        if response is not None and "text/html" not in (response.header_value("content-type") or ""):
            return
        body = None
        if response is not None and page_key(loaded, 0) not in self.checked:
            try:
                body = response.body()
            except Exception:  # the page moved on: its HTML is taken when it is reopened
                body = None
        started = time.monotonic()
        try:
            result = page.evaluate(_CHECK_JS, [self.axe_source(), True, width if width <= PHONE_WIDTH else 0])
        except Exception:  # the page moved on, or closed: reopened when its context closes
            result = None
        url = result["href"] if result else None
        if url is None or url.split("#")[0] != loaded.split("#")[0]:
            # Not the document that loaded: that one is reopened when the context closes.
            self.stats.missed.add(page_key(loaded, width))
            revisit = getattr(page.context, "_revisit", None)
            if revisit is not None:
                revisit.setdefault(page_key(loaded, width), (loaded, base_url, width))
            return
        key = page_key(url, width)
        if key in self.checked:
            return
        elapsed = time.monotonic() - started
        self.checked.add(key)
        self.stats.missed.discard(key)
        self.stats.pages += 1
        self.stats.axe_seconds += elapsed
        if body is not None:
            self.checked.add(page_key(url, 0))
            self.html_pending.append((test, url, key, body))
            self.start_vnu()
        for violation in result["axe"] or []:
            where = "; ".join(f"{n['target']} ({n['summary']})" for n in violation["nodes"])
            self.findings.append(
                Finding(
                    test,
                    url,
                    key,
                    "axe",
                    f"{violation['id']} [{violation['impact']}] {violation['help']}: {violation['count']} element(s): {where}",
                )
            )
        measured = result["width"]
        if measured and (measured["total"] or measured["documentWidth"] > width + 1):
            where = "; ".join(
                f"{o['element']} spans {o['left']}..{o['right']} px" + (f" «{o['text']}»" if o["text"] else "")
                for o in measured["offenders"]
            )
            self.findings.append(
                Finding(
                    test,
                    url,
                    key,
                    "width",
                    f"page {measured['documentWidth']} px wide in a {width} px viewport; "
                    f"{measured['total']} element(s) outside it: {where}",
                )
            )

    def revisit(self, context, pages: dict[str, tuple[str, str, int]]) -> None:
        """Open again, in the same context (as the same person), the pages still unchecked:
        those this context saw only wider than a phone (at 390 px), and those whose check
        the journey outran by moving on before it ended (at their own width)."""
        pages = {key: value for key, value in pages.items() if key not in self.checked}
        if not pages:
            return
        started = time.monotonic()
        again = context.new_page()
        try:
            again.set_default_timeout(15000)
            for key, (url, base_url, width) in pages.items():
                if key in self.checked:
                    continue
                again.set_viewport_size({"width": width, "height": 844 if width <= PHONE_WIDTH else 900})
                again.base_url = base_url
                try:
                    response = again.goto(url)
                except Exception as error:  # not a page (a download): nothing to check
                    self.stats.missed.discard(key)
                    self.stats.skipped.append(f"{url}: {error.__class__.__name__}")
                    continue
                if response is None or response.status >= 400:
                    self.stats.missed.discard(key)
                    continue
                self.check(again, response)
                self.stats.revisits += 1
                # Reopened later, an address may now send this person elsewhere (the login
                # page once signed in): the page it showed is what is checked.
                self.stats.missed.discard(key)
                if page_key(again.url, width) not in self.checked:
                    self.findings.append(Finding(current_test(), url, key, "tool", "the page could not be checked"))
        finally:
            again.close()
            self.stats.revisit_seconds += time.monotonic() - started

    def validate_pending(self) -> None:
        """Post the collected documents to the Nu checker; errors become findings."""
        pending, self.html_pending = self.html_pending, []
        if not pending:
            return
        started = time.monotonic()
        for test, url, key, body in pending:
            errors = [m for m in self._vnu_messages(body) if m.get("type") in ("error", "non-document-error")]
            lines = body.decode("utf-8", "replace").splitlines()
            for message in errors[:15]:
                line = message.get("lastLine")
                source = lines[line - 1].strip()[:120] if line and line <= len(lines) else ""
                self.findings.append(
                    Finding(
                        test,
                        url,
                        key,
                        "html",
                        f"line {line}: {message['message']}" + (f"  «{source}»" if source else ""),
                    )
                )
        self.stats.vnu_seconds += time.monotonic() - started

    def findings_of(self, test: str) -> list[Finding]:
        mine = [finding for finding in self.findings if finding.test == test]
        self.findings = [finding for finding in self.findings if finding.test != test]
        return mine

    def summary(self) -> str:
        s = self.stats
        per_page = (s.axe_seconds + s.vnu_seconds) / s.pages if s.pages else 0
        text = (
            f"page checks: {s.pages} distinct pages (path with ids normalised + width), "
            f"{s.revisits} reopened when their context closed; axe-core + width {s.axe_seconds:.1f} s, "
            f"Nu HTML checker {s.vnu_seconds:.1f} s, reopening {s.revisit_seconds:.1f} s "
            f"({per_page * 1000:.0f} ms a page before reopening)"
        )
        if s.missed:
            text += f"; not checked (the page moved on, and reopening failed): {', '.join(sorted(s.missed))}"
        return text


CHECKS = PageChecks()


def current_test() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" (", 1)[0]


def watch(page) -> None:
    """Check every page `page` loads; remember desktop pages for the 390 px reopening."""
    if not ENABLED:
        return
    CHECKS.axe_source()  # fails here, with the way to install it, when axe-core is missing
    CHECKS.start_vnu()  # in the background: its servlet is ready by the first test's end
    context = page.context
    if not hasattr(context, "_revisit"):
        context._revisit = {}
        context._checking = 0
        original_close = context.close

        def close(*args, **kwargs):
            try:
                # Let the checks still running in listeners end first (each waits on the
                # browser; a short wait on a page hands control to them).
                deadline = time.monotonic() + 60
                while context._checking and context.pages and time.monotonic() < deadline:
                    context.pages[0].wait_for_timeout(25)
                CHECKS.revisit(context, context._revisit)
            finally:
                original_close(*args, **kwargs)

        context.close = close
    state = {"response": None}

    def on_response(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            state["response"] = response

    def on_load(_page=None):
        response, state["response"] = state["response"], None
        context._checking += 1
        try:
            CHECKS.check(page, response)
        except Exception as error:  # a tool missing or broken: say so in the test's failure
            CHECKS.findings.append(Finding(current_test(), page.url, "", "tool", repr(error)))
        finally:
            context._checking -= 1
        if page.viewport_size["width"] > PHONE_WIDTH and page.url.startswith(page.base_url):
            context._revisit.setdefault(page_key(page.url, PHONE_WIDTH), (page.url, page.base_url, PHONE_WIDTH))

    page.on("response", on_response)
    page.on("load", on_load)
