"""Checks on the site as a whole, on the HTML MkDocs really builds: no Python block
escapes the harness, no output differs from the page source, every snippet and figure
is produced by a fence, and the build is strict and offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.harness.census import code_blocks, comparable, hidden_elements
from tests.harness.pages import OUTPUT_LANG, scan

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def built_page(site: Path, page: Path) -> Path:
    rel = page.relative_to(DOCS).with_suffix("")
    return site / (rel.parent if rel.name == "index" else rel) / "index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built once, strictly. The harness plugin refuses network connections."""
    site_dir = tmp_path_factory.mktemp("site")
    build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True))
    return site_dir


def test_site_builds_strictly_and_offline(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index, "the theme would fetch fonts from the network"


def test_the_site_serves_exactly_the_pages_the_harness_runs(site):
    served = {p.relative_to(site) for p in site.rglob("index.html")}
    run = {built_page(site, page).relative_to(site) for page in PAGES}
    assert served == run, (
        f"pages served but not run: {sorted(map(str, served - run))}; "
        f"pages run but not served: {sorted(map(str, run - served))}"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_census_the_site_shows_the_code_that_runs_and_the_output_it_printed(page, site):
    """Block by block, the Python the built page shows must be the code the harness runs
    (or a fence marked notest, whose reason the reader sees), and the output blocks it
    shows must be the ones in the page source that the harness checks."""
    html = built_page(site, page).read_text(encoding="utf-8")
    shown_code, shown_output = code_blocks(html)
    scanned = scan(page)
    run = [comparable(f.fence.code(REPO)) for f in scanned.python]
    checked = [comparable(f.body) for f in scanned.fences if f.lang == OUTPUT_LANG]
    where = page.relative_to(REPO)
    for i, (seen, ran) in enumerate(zip(shown_code, run)):
        assert seen == ran, (
            f"{where}:{scanned.python[i].line}: the site shows Python block {i + 1} "
            f"differently from what the harness runs.\nshown:\n{seen}\n\nrun:\n{ran}"
        )
    assert len(shown_code) == len(run), (
        f"{where}: the site shows {len(shown_code)} Python code blocks, the harness found "
        f"{len(run)} fences, at lines {[f.line for f in scanned.python]}"
    )
    assert shown_output == checked, f"{where}: the output blocks the site shows are not the ones checked"
    assert not hidden_elements(html), f"{where}: hidden elements could run code unseen: {hidden_elements(html)}"


def test_every_snippet_is_included_by_a_page():
    included = {
        pf.fence.include for page in PAGES for pf in scan(page).python if pf.fence.include
    }
    snippets = {str(p.relative_to(REPO)) for p in (REPO / "snippets").rglob("*.py")}
    orphans = sorted(snippets - included)
    assert not orphans, f"snippets no page includes, so no test runs them: {orphans}"
    missing = sorted(included - snippets)
    assert not missing, f"pages include snippets that do not exist: {missing}"


def test_every_image_is_a_figure_a_fence_draws():
    drawn = {pf.figure for page in PAGES for pf in scan(page).python if pf.figure}
    images = {
        p.resolve()
        for p in DOCS.rglob("*")
        if p.suffix.lower() in {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
    }
    stale = sorted(str(p.relative_to(REPO)) for p in images - drawn)
    assert not stale, f"images no fence draws, so nothing checks them: {stale}"
