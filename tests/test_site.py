"""Checks on the site as a whole: no fence escapes the harness, every snippet runs,
and MkDocs builds the site strictly and offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.harness.census import comparable, markdown_renderer, rendered_python_code
from tests.harness.pages import scan

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "docs").rglob("*.md"))


@pytest.fixture(scope="module")
def renderer():
    return markdown_renderer(REPO / "mkdocs.yml")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_census_the_python_a_reader_sees_is_the_python_that_runs(page, renderer, monkeypatch):
    """Block by block, the Python code the site shows must be the code the harness runs
    (or a fence marked notest, whose reason the reader sees)."""
    monkeypatch.chdir(REPO)  # snippet paths are relative to the repository
    shown = rendered_python_code(renderer, page.read_text(encoding="utf-8"))
    fences = scan(page).python
    run = [comparable(f.fence.code(REPO)) for f in fences]
    where = page.relative_to(REPO)
    for i, (seen, ran) in enumerate(zip(shown, run)):
        assert seen == ran, (
            f"{where}:{fences[i].line}: the site shows Python block {i + 1} differently "
            f"from what the harness runs.\nshown:\n{seen}\n\nrun:\n{ran}"
        )
    assert len(shown) == len(run), (
        f"{where}: the site shows {len(shown)} Python code blocks, the harness found "
        f"{len(run)} fences, at lines {[f.line for f in fences]}"
    )


def test_every_snippet_is_included_by_a_page():
    included = {
        pf.fence.include for page in PAGES for pf in scan(page).python if pf.fence.include
    }
    snippets = {str(p.relative_to(REPO)) for p in (REPO / "snippets").rglob("*.py")}
    orphans = sorted(snippets - included)
    assert not orphans, f"snippets no page includes, so no test runs them: {orphans}"
    missing = sorted(included - snippets)
    assert not missing, f"pages include snippets that do not exist: {missing}"


def test_every_page_is_markdown_the_harness_runs():
    """MkDocs would also render .markdown files and, through mkdocs-jupyter, notebooks;
    the harness runs neither yet, so neither may appear under docs/."""
    others = [
        str(p.relative_to(REPO))
        for p in (REPO / "docs").rglob("*")
        if p.suffix.lower() in {".markdown", ".mdown", ".mkdn", ".mkd", ".ipynb"}
    ]
    assert not others, f"pages the tests would not run: {others}"


def test_every_figure_is_drawn_by_a_fence():
    drawn = {pf.figure for page in PAGES for pf in scan(page).python if pf.figure}
    figures = {p.resolve() for p in (REPO / "docs").rglob("figures/*.svg")}
    stale = sorted(str(p.relative_to(REPO)) for p in figures - drawn)
    assert not stale, f"figures no fence draws, so nothing checks them: {stale}"


def test_site_builds_strictly_and_offline(tmp_path):
    # The harness plugin refuses network connections for the whole session.
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index, "the theme would fetch fonts from the network"
    for page in PAGES:
        rel = page.relative_to(REPO / "docs").with_suffix("")
        out = tmp_path / "site" / (rel.parent if rel.name == "index" else rel) / "index.html"
        assert out.is_file(), f"{page} was not rendered"
