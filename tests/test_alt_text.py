"""Every figure on the site says what it shows to a reader who cannot see it (issue 22,
item 5): on the published pages, each image and each SVG drawn as an image in an article
has alt text that describes it, no placeholder, and no two figures of a page share one.

A Markdown page's figures get theirs from `![...](figures/x.svg)`; a notebook's, from
their code cell's `alt` metadata (hooks/markup.py), without which the build stops.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from hooks.markup import notebook_figures
from tests.harness import notebooks
from tests.harness.census import article
from tests.harness.rules import PageError

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")])

# What says nothing of what a figure shows: nbconvert's text for an output with no
# description, and words that only say it is a picture.
PLACEHOLDERS = {"no description has been provided for this image", "image", "img", "figure",
                "fig", "plot", "chart", "graph", "diagram", "picture", "alt", "alt text",
                "output", "untitled", "svg", "png"}
FILE_NAME = re.compile(r"^[\w./-]+\.(svg|png|jpe?g|gif|webp)$", re.I)
FEWEST_WORDS = 4  # "Loss per epoch" names a plot; a description says more


def built_page(site: Path, page: Path) -> Path:
    rel = page.relative_to(DOCS).with_suffix("")
    return site / (rel.parent if rel.name == "index" else rel) / "index.html"


def figures(root) -> list[tuple[str, str]]:
    """(what it is, its alt text) for every image in the article: <img>, and <svg role=img>
    (named by aria-label or its <title>)."""
    found = []
    for img in root.find_all("img"):
        found.append((f'<img src="{img.get("src", "")[:60]}">', img.get("alt")))
    for svg in root.find_all("svg"):
        if svg.get("role") == "img":
            title = svg.find("title")
            name = svg.get("aria-label") or (title.get_text() if title else None)
            found.append(("<svg role=img>", name))
    return found


def placeholder(alt: str | None, what: str) -> str | None:
    """Why `alt` does not describe a figure, or None."""
    if alt is None or not alt.strip():
        return "no alt text"
    text = " ".join(alt.split())
    if text.lower().rstrip(".") in PLACEHOLDERS:
        return f"a placeholder: {text!r}"
    if FILE_NAME.match(text) or text in what:
        return f"a file name: {text!r}"
    if len(text.split()) < FEWEST_WORDS:
        return f"too short to say what it shows: {text!r}"
    return None


@pytest.fixture(scope="module")
def site(published) -> Path:
    return published.site


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_figure_has_alt_text_that_says_what_it_shows(page, site):
    root = article(built_page(site, page).read_text(encoding="utf-8"))
    shown = figures(root)
    where = page.relative_to(REPO)
    problems = [f"{what}: {why}" for what, alt in shown if (why := placeholder(alt, what))]
    assert not problems, f"{where}:\n" + "\n".join(problems)
    alts = [" ".join(alt.split()) for _, alt in shown]
    repeated = sorted({a for a in alts if alts.count(a) > 1})
    assert not repeated, f"{where}: figures share their alt text: {repeated}"


def test_the_placeholders_are_refused():
    assert placeholder("No description has been provided for this image", "<img>")
    assert placeholder("Plot.", "<img>")
    assert placeholder("figure-0d8ba55fe683.svg", '<img src="figure-0d8ba55fe683.svg">')
    assert placeholder("", "<img>") and placeholder(None, "<img>")
    assert placeholder("Loss per epoch", "<img>")
    assert placeholder("Training and validation loss falling with each epoch", "<img>") is None


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def drawn_notebook(tmp_path: Path, alt=None, figures_drawn: int = 1) -> tuple[Path, str]:
    """A notebook whose second cell draws figures, and the page mkdocs-jupyter makes of it
    (as far as the hook reads it: one embedded SVG per figure)."""
    import base64

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>"})
        for _ in range(figures_drawn)])
    if alt is not None:
        cell.metadata["alt"] = alt
    nb.cells = [nbformat.v4.new_markdown_cell("# A page"), cell]
    path = tmp_path / "drawn.ipynb"
    nbformat.write(nb, path)
    data = base64.b64encode(SVG.encode()).decode()
    html = "".join(f'<img alt="No description has been provided for this image" '
                   f'src="data:image/svg+xml;base64,{data}"/>' for _ in range(figures_drawn))
    return path, html


def run_hook(tmp_path: Path, path: Path, html: str) -> str:
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(path), src_uri="tutorials/drawn.ipynb",
                                                dest_path="tutorials/drawn/index.html"))
    return notebook_figures(html, page, {"site_dir": str(tmp_path / "site")})


def test_the_build_stops_at_a_notebook_figure_without_alt_text(tmp_path):
    path, html = drawn_notebook(tmp_path)
    with pytest.raises(RuntimeError, match=r"tutorials/drawn\.ipynb:cell 2 draws 1 figure"):
        run_hook(tmp_path, path, html)


def test_a_cell_that_draws_two_figures_describes_each_in_order(tmp_path):
    path, html = drawn_notebook(tmp_path, alt=["A black square, first", "A black square, second"],
                                figures_drawn=2)
    out = run_hook(tmp_path, path, html)
    assert re.findall(r'alt="([^"]*)"', out) == ["A black square, first", "A black square, second"]
    path, html = drawn_notebook(tmp_path, alt="Only one description for two", figures_drawn=2)
    with pytest.raises(RuntimeError, match="cell 2 draws 2 figure"):
        run_hook(tmp_path, path, html)


def test_the_harness_refuses_alt_metadata_that_is_not_a_description(tmp_path):
    for alt in ["", ["A black square", " "], 3]:
        path, _ = drawn_notebook(tmp_path, alt=alt)
        with pytest.raises(PageError, match='metadata "alt"'):
            notebooks._check_metadata(nbformat.read(path, as_version=4), path)
    path, _ = drawn_notebook(tmp_path, alt=["One", "Two"])
    with pytest.raises(PageError, match="describes 2 figure"):
        notebooks._check_metadata(nbformat.read(path, as_version=4), path)
    path, _ = drawn_notebook(tmp_path, alt="A black square on white")
    notebooks._check_metadata(nbformat.read(path, as_version=4), path)
    assert json.loads(path.read_text())["cells"][1]["metadata"]["alt"] == "A black square on white"
