"""`mkdocs serve`, as a writer previews the site: every page opens in the browser without
an error, and the server logs none (issue 22, item 6).

The server runs on the recorded sources the published site was built from (the
`published` fixture's checkout, tests/conftest.py), with its live reload on, as a writer
runs it. A plain MkDocs build has no `versions.json` above its pages (mike writes it on
gh-pages): hooks/versions.py drops the version selector, which would request it on every
page; test_browser.py checks that the published site still has the selector.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_browser import DESKTOP, PAGES, Visit, browser  # noqa: F401 (a fixture)

SERVING = re.compile(r"Serving on (http://\S+)")
# What MkDocs logs at these levels: a build's warnings, and each request the server
# answered with anything but 200 ('"GET /x/versions.json HTTP/1.1" code 404').
LOGGED_PROBLEM = re.compile(r"^\s*(ERROR|WARNING)\b.*$", re.M)
# The live-reload script's request, which the server holds open until the site changes
# (a minute at most) and the browser drops as it leaves the page.
LIVERELOAD = "/livereload/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, url: str, log: Path):
        self.url = url
        self.log = log

    def problems(self) -> list[str]:
        return [m.group(0) for m in LOGGED_PROBLEM.finditer(self.log.read_text(errors="replace"))]


@pytest.fixture(scope="module")
def served(published, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{free_port()}"],
            cwd=published.repo, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not (found := SERVING.search(log.read_text(errors="replace"))):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mkdocs serve did not start:\n{log.read_text(errors='replace')}",
                            pytrace=False)
            time.sleep(0.1)
        yield Served(found.group(1), log)
    finally:
        server.terminate()
        server.wait(timeout=30)


class ServeVisit(Visit):
    """A tab for the served site: the live-reload request is neither waited for nor,
    when the browser drops it on leaving a page, a failed request. The theme's search
    worker gets an empty script, as in test_browser.py's phone tab: each page still
    requests the search index, and building it is half a page load's CPU time."""

    def __init__(self, browser, viewport):
        super().__init__(browser, viewport, search_worker=False)
        self.requested: list[str] = []
        self.page.on("request", self._request)

    def _request(self, request):
        self.requested.append(request.url)
        if LIVERELOAD in request.url:
            self.pending.discard(request)

    def open(self, url: str):
        self.requested.clear()
        response = super().open(url, laid_out=False)
        # Figures load lazily, as the reader scrolls: load them all now, so that a missing
        # one is a failed request here too.
        self.page.evaluate("""() => Promise.all([...document.images].map(img => {
            img.loading = "eager";
            return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
        }))""")
        self.page.wait_for_timeout(10)  # lets Playwright deliver the last responses
        self.problems[:] = [p for p in self.problems if LIVERELOAD not in p]
        return response


@pytest.fixture(scope="module")
def tab(browser):  # noqa: F811 (the fixture imported above)
    visit = ServeVisit(browser, DESKTOP)
    yield visit
    visit.close()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_opens_under_mkdocs_serve_without_an_error(path, served, tab):
    response = tab.open(served.url + path)
    assert response.status == 200, f"{served.url + path}: HTTP {response.status}"
    assert not tab.problems, f"{served.url + path}:\n" + "\n".join(tab.problems)
    assert not [u for u in tab.requested if u.endswith("versions.json")], tab.requested
    assert not served.problems(), "mkdocs serve logged:\n" + "\n".join(served.problems())
