"""The published site in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright), served under its sub-path as GitHub Pages serves it, with every request that
would leave the machine refused.

Every page's load, phone and desktop checks are in test_browser_pages.py (a file of its
own, so that a second worker runs them). Checked here, on the page types: axe-core finds no accessibility violation; search finds a
page by a word of its body; the dark-mode toggle switches the scheme and figures keep their
white card and Output label; the copy button copies exactly the code; a missing page gets
the 404 page, styled.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import EARLIER

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}

DESKTOP = {"width": 1280, "height": 900}
QUIET = 0.1  # seconds without a request in flight: the page has settled
# The theme's search worker: it builds the search index (the same 440 KB file for every
# page) anew on each page load, about half of the CPU time a page load takes here.
SEARCH_WORKER = re.compile(r"/assets/javascripts/workers/search\.[0-9a-f]+\.min\.js$")
LAID_OUT = "* { content-visibility: visible !important; }"
# Whether a page has anything whose layout extra.css lets the browser put off.
DEFERRED = ("() => [...document.querySelectorAll('article *')]"
            ".some(e => getComputedStyle(e).contentVisibility === 'auto')")
# Resolves once the page's colours have stopped moving: the theme eases background and
# text colours over up to 0.25 s (code blocks' backgrounds over 125 ms), and such a
# transition starts when its script sets the reader's colour scheme after the load, and
# again when a block put off by `content-visibility` is first laid out. axe-core, run in
# the middle of one, measured a dark output block's `.go` text against a background still
# half-way from white (a failure in about one full run in three). Two frames first, so
# that a style change made just before has started its transitions.
SETTLED = """async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const finite = document.getAnimations().filter(
    a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(finite.map(a => a.finished.catch(() => null)));
}"""


def page_paths() -> list[str]:
    """Every page's path under the version's root, as MkDocs serves it."""
    paths = []
    for source in sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")]):
        rel = source.relative_to(DOCS).with_suffix("")
        paths.append("" if rel.name == "index" and rel.parent == Path(".") else f"{rel.as_posix()}/")
    return paths


PAGES = page_paths()
# One page of each kind a reader meets: home, a reference page, a training page, a
# tutorial notebook, the glossary.
PAGE_TYPES = ["", "reference/sequential-model/", "training/fit/", "tutorials/mnist/",
              "glossary/"]


class GitHubPagesLike(http.server.SimpleHTTPRequestHandler):
    """Serves the gh-pages tree under the site's prefix; a missing path gets the site
    root's 404.html with status 404, as GitHub Pages answers."""

    def __init__(self, *args, root: Path, prefix: str, **kwargs):
        self.site_root = root
        self.prefix = prefix
        super().__init__(*args, directory=str(root), **kwargs)

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(self.site_root / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.site_root / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(published):
    handler = functools.partial(GitHubPagesLike, root=published.root, prefix=published.prefix)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}{published.prefix}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def pages(server, published):
    """The URL of this release's pages."""
    return f"{server}{published.version}/"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import Error, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "the browser tests need Debian's chromium: run `bash tests/setup-system.sh` "
            "(it runs `apt-get install chromium`)", pytrace=False)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
        except Error as error:
            pytest.fail(f"chromium at {CHROMIUM} did not start: {error}", pytrace=False)
        yield browser
        browser.close()


class Visit:
    """A browser tab that records what went wrong while pages load."""

    def __init__(self, browser, viewport, scheme="light", search_worker=True, axe=False):
        self.search_worker = search_worker
        self.scheme = {"light": "default", "dark": "slate"}[scheme]
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme)
        if axe:
            # axe-core in every page this tab loads, registered once. Sending its 570 KB
            # with each run, as axe-playwright-python's Axe.run does, cost the browser
            # files 1 to 8 s more CPU (105-111 s against 102-104 s, alternating runs).
            self.context.add_init_script(path=axe_core_script())
        self.page = self.context.new_page()
        self.problems: list[str] = []
        # Nothing may leave the machine: the site must work offline.
        self.page.route("**/*", self._local_only)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(
            f"request failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))
        self.pending: set = set()
        self.page.on("request", lambda r: self.pending.add(r))
        self.page.on("requestfinished", lambda r: self.pending.discard(r))
        self.page.on("requestfailed", lambda r: self.pending.discard(r))

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location})")

    def _local_only(self, route):
        url = urlsplit(route.request.url)
        if url.hostname not in ("127.0.0.1", "localhost"):
            route.abort("blockedbyclient")
        elif not self.search_worker and SEARCH_WORKER.search(url.path):
            route.fulfill(status=200, content_type="text/javascript", body="")
        else:
            route.continue_()

    def open(self, url: str, laid_out: bool = True):
        """Load a page and wait until the requests its scripts make have ended.

        The theme's script requests the search index and the version list as the page
        loads, and the favicon right after: the page is settled once no request has been
        in flight for QUIET seconds (Playwright's "networkidle" waits 0.5 s, which for the
        ~45 page loads of a run is most of their time).

        Then, unless `laid_out` is false, every code block and notebook cell is laid out
        (extra.css lets the browser put off those off the screen, `content-visibility:
        auto`, until the reader scrolls to them): the checks measure every block as a
        reader will see it.
        """
        self.problems.clear()
        self.pending.clear()
        response = self.page.goto(url, wait_until="load")
        quiet_since = time.monotonic()
        deadline = quiet_since + 10
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(10)  # lets Playwright deliver the request events
            if self.pending:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET:
                break
        else:
            self.problems.append(f"requests still in flight after 10 s: "
                                 f"{[r.url for r in self.pending]}")
        # The theme's script sets the colour scheme the reader's system asks for.
        self.page.wait_for_function(
            "scheme => document.body.dataset.mdColorScheme === scheme", arg=self.scheme)
        if laid_out:
            self.lay_out()
        else:
            self.page.evaluate(SETTLED)
        return response

    def lay_out(self):
        """Lay out every block the browser was allowed to put off, and wait until their
        colours have settled."""
        self.page.add_style_tag(content=LAID_OUT)
        self.page.evaluate(SETTLED)

    def close(self):
        self.context.close()

    def axe_violations(self, options: dict) -> list[dict]:
        """axe-core's violations on the page as loaded (the tab must be opened with axe)."""
        return self.page.evaluate(
            "options => axe.run(document, options).then(results => results.violations)", options)


def axe_core_script() -> Path:
    """axe-core, as the pinned axe-playwright-python package ships it."""
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).with_name("axe.min.js")


@pytest.fixture(scope="module")
def phone(browser):
    """A phone-sized tab, with axe-core, whose pages get an empty script for the theme's
    search worker.

    Each page still requests the search index (the theme's main script fetches it and
    hands it to the worker), so a wrong index address still fails; only building the
    index in the worker, the same work for every page, is left out. The search itself,
    with the real worker, is tested in a desktop tab.
    """
    visit = Visit(browser, PHONE, search_worker=False, axe=True)
    yield visit
    visit.close()


@pytest.fixture(scope="module")
def desktop(browser):
    visit = Visit(browser, DESKTOP)
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield visit
    visit.close()


# axe-core's WCAG 2.2 A and AA rules and its best practices, all but one: Material's
# script gives each code block's copy button a <nav> of its own, unnamed, so a page with
# several code blocks has several unnamed navigation landmarks (landmark-unique). The
# markup is made in the browser, out of reach of hooks/markup.py.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
    "rules": {"landmark-unique": {"enabled": False}},
    "resultTypes": ["violations"],  # skip collecting what passes: faster
}


# Every page type in the light scheme; in the dark one, a Markdown page and a notebook
# page (the two sets of colours: the theme's, and mkdocs-jupyter's under ours).
AXE_RUNS = [(path, "light") for path in [*PAGE_TYPES, "no/such/page/"]] + [
    ("reference/sequential-model/", "dark"), ("tutorials/mnist/", "dark")]


@pytest.fixture(scope="module")
def schemes(browser):
    """A desktop tab per colour scheme, opened when first needed (a tab costs a renderer
    process to start)."""
    visits: dict[str, Visit] = {}

    def tab(scheme: str) -> Visit:
        if scheme not in visits:
            visits[scheme] = Visit(browser, DESKTOP, scheme=scheme, axe=True)
        return visits[scheme]

    yield tab
    for visit in visits.values():
        visit.close()


@pytest.mark.parametrize("path, scheme", AXE_RUNS,
                         ids=lambda v: v if v in ("light", "dark") else (v or "home"))
def test_no_accessibility_violation(path, scheme, server, pages, schemes):
    url = server + path if path == "no/such/page/" else pages + path
    visit = schemes(scheme)
    # In the light scheme axe first sees each page as it is served, code blocks and cells
    # off the screen not yet laid out, as Lighthouse's accessibility check does; then, as
    # in the dark scheme, with every block laid out, so that the colours of all of them
    # are checked on their real background (axe skips what is not laid out).
    if scheme == "light":
        visit.open(url, laid_out=False)
        violations = visit.axe_violations(AXE_OPTIONS)
        assert not violations, f"{url} ({scheme}, as served):\n" + describe(violations)
        if not visit.page.evaluate(DEFERRED):
            return
        visit.lay_out()
    else:
        visit.open(url)
    violations = visit.axe_violations(AXE_OPTIONS)
    assert not violations, f"{url} ({scheme}):\n" + describe(violations)


def describe(violations: list[dict]) -> str:
    """axe-core's violations, a line each: the rule, its impact, and where (five at most)."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in violations)


def test_a_missing_page_gets_the_styled_404_page(server, phone):
    response = phone.open(server + "no/such/page/")
    assert response.status == 404
    # The page's own 404 status is the only problem expected (as a response and as the
    # console line Chromium writes for it).
    assert not [p for p in phone.problems if "/no/such/page/" not in p], phone.problems
    assert "404" in phone.page.inner_text("h1")
    # The theme's styles loaded: the header is laid out as a bar, not as plain text.
    assert phone.page.eval_on_selector(".md-header", "e => getComputedStyle(e).position") in (
        "sticky", "fixed")


def test_search_finds_a_page_by_a_word_in_its_body(pages, desktop):
    desktop.open(pages)
    desktop.page.locator("input.md-search__input").click()
    # CSVLogger appears on one page only (checked below), not in any page title.
    pages_with_word = [p for p in DOCS.rglob("*.md") if "CSVLogger" in p.read_text()]
    assert [p.name for p in pages_with_word] == ["callbacks.md"], pages_with_word
    desktop.page.keyboard.type("CSVLogger", delay=20)
    desktop.page.wait_for_selector(".md-search-result__item", timeout=10_000)
    first = desktop.page.locator(".md-search-result__item").first
    href = first.locator("a").first.get_attribute("href")
    assert urlsplit(href).path.endswith("/reference/callbacks/"), first.inner_html()
    assert "Callbacks" in first.inner_text()
    assert not desktop.problems, desktop.problems


def test_dark_mode_toggle_keeps_figures_readable(pages, browser):
    visit = Visit(browser, DESKTOP)
    try:
        visit.open(pages + "training/fit/")
        scheme = "() => document.body.getAttribute('data-md-color-scheme')"
        assert visit.page.evaluate(scheme) == "default"
        visit.page.click("form[data-md-component=palette] label:visible")
        assert visit.page.evaluate(scheme) == "slate"
        figures = visit.page.evaluate("""() => [...document.querySelectorAll('img[src*="figures/"]')]
          .map(img => ({bg: getComputedStyle(img).backgroundColor,
                        label: getComputedStyle(img.parentElement, '::before').content,
                        width: img.getBoundingClientRect().width}))""")
        assert figures, "the fit page shows a figure"
        for figure in figures:
            assert figure["bg"] == "rgb(255, 255, 255)", f"a figure lost its white card: {figure}"
            assert figure["label"] == '"Output"', f"a figure has no Output label: {figure}"
        assert not visit.problems, visit.problems
    finally:
        visit.close()


def scroll_until_drawn(visit: Visit, image) -> None:
    """Figures load as the reader nears them (hooks/markup.py): scrolled to, one is drawn."""
    image.scroll_into_view_if_needed()
    visit.page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                 arg=image.element_handle(), timeout=5_000)


def test_a_phone_shows_figures_at_a_readable_width(pages, phone):
    phone.open(pages + "training/fit/")
    scroll_until_drawn(phone, phone.page.locator('img[src*="figures/"]').first)
    widths = phone.page.evaluate(
        "() => [...document.querySelectorAll('img[src*=\"figures/\"]')]"
        ".map(img => img.getBoundingClientRect().width)")
    assert widths and min(widths) >= 500, f"figures shrunk to {widths} px on a phone"
    # A notebook's plots are files next to its page (hooks/markup.py).
    phone.open(pages + "tutorials/mnist/")
    scroll_until_drawn(phone, phone.page.locator(".jp-RenderedSVG img").first)
    assert not phone.problems, phone.problems


def test_the_copy_button_copies_exactly_the_code(pages, desktop):
    desktop.open(pages + "reference/sequential-model/")
    # The page's last code block: the theme's script gives a block its copy button as the
    # block nears the screen (content.lazy in mkdocs.yml), so this one gets it only once
    # the reader scrolls down to it.
    block = desktop.page.locator(".language-python").last
    assert not block.locator("button.md-code__button").count(), "mounted before it was seen"
    code = block.locator("pre > code").inner_text()
    block.hover()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    copied = desktop.page.evaluate("() => navigator.clipboard.readText()")
    assert copied.rstrip("\n") == code.rstrip("\n")


def test_the_version_selector_lists_both_published_versions(pages, desktop, published):
    desktop.open(pages)
    desktop.page.wait_for_selector(".md-version__current")
    listed = desktop.page.eval_on_selector_all(".md-version__link", "els => els.map(e => e.textContent.trim())")
    assert f"TensorFlow {published.version}" in listed and f"TensorFlow {EARLIER}" in listed, listed
