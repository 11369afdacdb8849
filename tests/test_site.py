"""Checks on the site as a whole: no fence escapes the harness, every snippet runs,
and MkDocs builds the site strictly and offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.harness.census import markdown_renderer, rendered_python_blocks
from tests.harness.pages import scan

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "docs").rglob("*.md"))


@pytest.fixture(scope="module")
def renderer():
    return markdown_renderer(REPO / "mkdocs.yml")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_census_every_python_block_a_reader_sees_is_run(page, renderer, monkeypatch):
    """Each Python block the site shows must be a fence the harness runs, or one
    marked notest with a reason shown to the reader."""
    monkeypatch.chdir(REPO)  # snippet paths are relative to the repository
    rendered = rendered_python_blocks(renderer, page.read_text(encoding="utf-8"))
    found = scan(page).python
    assert rendered == len(found), (
        f"{page.relative_to(REPO)}: the site shows {rendered} Python code blocks, "
        f"the harness found {len(found)} fences at lines {[f.line for f in found]}"
    )
    for pf in found:
        if "notest" in pf.options:
            assert pf.fence.title, f"{page}:{pf.line}: notest without a reason"


def test_every_snippet_is_included_by_a_page():
    included = {
        pf.fence.include for page in PAGES for pf in scan(page).python if pf.fence.include
    }
    snippets = {str(p.relative_to(REPO)) for p in (REPO / "snippets").rglob("*.py")}
    orphans = sorted(snippets - included)
    assert not orphans, f"snippets no page includes, so no test runs them: {orphans}"
    missing = sorted(included - snippets)
    assert not missing, f"pages include snippets that do not exist: {missing}"


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
