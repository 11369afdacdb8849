"""Checks on the site as a whole, on the HTML MkDocs really builds: every block a reader
sees is code that runs, an output that is checked, a figure a run drew, or a language on
a short allow-list; every snippet and figure is produced by code that runs; the build is
strict and offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.harness import export, notebooks
from tests.harness.census import (
    DOCS_FILES,
    article,
    chrome_problems,
    comparable,
    config_markup_problems,
    markdown_census,
    markdown_renderer,
    notebook_census,
    notebook_problems,
    notebook_raw_html_problems,
    raw_html_problems,
    unchecked_docs_files,
)
from tests.harness.normalise import same_figure
from tests.harness.pages import NOT_RUN, OUTPUT_LANG, scan

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def docs_files(suffix: str) -> list[Path]:
    """The files under docs/ of a kind, whatever the case of their suffix (a page.MD or a
    plot.SVG is served as well: test_docs_holds_only_pages_figures_and_styles refuses it)."""
    return sorted(p for p in DOCS.rglob("*") if p.is_file() and p.suffix.lower() == suffix)


PAGES = docs_files(".md")
NOTEBOOKS = docs_files(".ipynb")
# What may sit under docs/: pages, the figures their code draws, and the site's styles,
# with these suffixes exactly (MkDocs and mkdocs-jupyter read only lower-case ones as
# pages; anything else would be served as a file nothing checks).
ALLOWED_FILES = DOCS_FILES


def built_page(site: Path, page: Path) -> Path:
    rel = page.relative_to(DOCS).with_suffix("")
    return site / (rel.parent if rel.name == "index" else rel) / "index.html"


@pytest.fixture(scope="module")
def site(published) -> Path:
    """The pages as published (tests/conftest.py): built strictly by mike, as the workflow
    builds them."""
    return published.site


def test_site_builds_strictly_and_offline(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index, "the theme would fetch fonts from the network"


def test_the_site_serves_exactly_the_pages_the_harness_runs(site):
    served = {p.relative_to(site) for p in site.rglob("index.html")}
    run = {built_page(site, page).relative_to(site) for page in PAGES + NOTEBOOKS}
    assert served == run, (
        f"pages served but not run: {sorted(map(str, served - run))}; "
        f"pages run but not served: {sorted(map(str, run - served))}"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_census_every_block_on_a_page_ran_or_was_checked(page, site):
    """Block by block, the Python the built page shows must be the code the harness runs
    (or a fence marked not run, whose reason the reader sees), the output blocks it shows
    the ones the harness checks, the images the figures its code draws; any other block
    is on the allow-list of languages that neither run Python nor look like output."""
    html = built_page(site, page).read_text(encoding="utf-8")
    shown = markdown_census(html)
    scanned = scan(page)
    where = page.relative_to(REPO)
    refused = [s for s in shown if s.kind == "refused"]
    assert not refused, f"{where}: blocks the tests neither run nor check: " + "; ".join(
        f"[{s.lang or 'no language'}] {s.text[:80]!r}" for s in refused
    )
    code = [s for s in shown if s.kind == "python"]
    run = [comparable(f.fence.code(REPO)) for f in scanned.python]
    for i, (seen, ran) in enumerate(zip(code, run)):
        pf = scanned.python[i]
        assert seen.text == ran, (
            f"{where}:{pf.line}: the site shows Python block {i + 1} differently from what the "
            f"harness runs.\nshown:\n{seen.text}\n\nrun:\n{ran}"
        )
        if "notest" in pf.options:
            assert NOT_RUN.match(seen.title or ""), (
                f"{where}:{pf.line}: a block not run must show the reader why, in its title"
            )
    assert len(code) == len(run), (
        f"{where}: the site shows {len(code)} Python code blocks, the harness found "
        f"{len(run)} fences, at lines {[f.line for f in scanned.python]}"
    )
    outputs = [s.text for s in shown if s.kind == "output"]
    checked = [comparable(f.body) for f in scanned.fences if f.lang == OUTPUT_LANG]
    assert outputs == checked, f"{where}: the output blocks the site shows are not the ones checked"
    images = [s.text for s in shown if s.kind == "image"]
    drawn = [pf.figure for pf in scanned.python if pf.figure and "notest" not in pf.options]
    resolved = [(built_page(site, page).parent / src).resolve() for src in images]
    served_drawn = [(site / p.relative_to(DOCS)).resolve() for p in drawn]
    assert resolved == served_drawn, f"{where}: images on the page that no code drew: {images}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_census_every_notebook_cell_shown_is_a_cell_run_with_its_checked_outputs(nb, site):
    html = article(built_page(site, nb).read_text(encoding="utf-8"))  # parsed once, for both checks
    folder = built_page(site, nb).parent
    cells, refused = notebook_census(
        html, read=lambda src: (folder / src).read_bytes() if (folder / src).is_file() else None, markdown=True)
    where = nb.relative_to(REPO)
    assert not refused, f"{where}: {refused}"
    unknown = notebook_problems(html)
    assert not unknown, f"{where}: elements mkdocs-jupyter and the theme do not make:\n" + "\n".join(unknown)
    kinds = [c.cell_type for c in notebooks.read(nb).cells]
    assert [c.kind for c in cells] == kinds, (
        f"{where}: the site shows the cells {[c.kind for c in cells]}, the notebook has {kinds}")
    cells = [c for c in cells if c.kind == "code"]
    stored = [c for c in notebooks.read(nb).cells if c.cell_type == "code"]
    for n, (seen, cell) in enumerate(zip(cells, stored), start=1):
        assert not seen.refused, f"{where}: code cell {n}: {seen.refused}"
        assert seen.code == comparable(cell.source), f"{where}: code cell {n} is shown differently from what runs"
        text = notebooks.shown_text(cell)
        assert comparable("\n".join(seen.outputs)) == comparable(text), (
            f"{where}: code cell {n} shows outputs other than the ones checked"
        )
        stored_figures = [
            o.data[notebooks.SVG].encode() for o in cell.outputs if o.output_type == "display_data"
        ]
        assert len(seen.figures) == len(stored_figures) and all(
            same_figure(a, b) for a, b in zip(stored_figures, seen.figures)
        ), f"{where}: code cell {n} shows figures other than the ones checked"


@pytest.fixture(scope="module")
def renderer(monkeypatch_module):
    return markdown_renderer(REPO / "mkdocs.yml")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)  # pymdownx.snippets reads snippets/ from the working directory
        yield patch


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_pages_write_only_the_raw_html_the_census_allows(page, renderer):
    """A page cannot write markup that copies the theme's (an output box, a figure, an icon):
    raw HTML is limited to a few inline tags without attributes (census.RAW_INLINE)."""
    from mkdocs.utils.meta import get_data

    text = page.read_text(encoding="utf-8")
    body, _ = get_data(text)
    first_line = text[: len(text) - len(body)].count("\n") + 1 if body and text.endswith(body) else 1
    found = raw_html_problems(renderer, body, first_line)
    where = page.relative_to(REPO)
    assert not found, "\n".join(f"{where}:{line or '?'}: {reason}" for line, reason in found)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_notebook_markdown_cells_write_only_the_raw_html_the_census_allows(nb):
    found = [
        f"{nb.relative_to(REPO)}: cell {n}, line {line or '?'}: {reason}"
        for n, cell in enumerate(notebooks.read(nb).cells, start=1) if cell.cell_type == "markdown"
        for line, reason in notebook_raw_html_problems(cell.source)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("page", PAGES + NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_the_served_page_around_the_article_is_the_themes(page, site):
    """Header, navigation, sidebars and footer hold only what the theme makes: no code
    block, picture or hidden element added by a nav label, the copyright or a hook."""
    found = chrome_problems(built_page(site, page).read_text(encoding="utf-8"))
    assert not found, f"{page.relative_to(REPO)}: around the article:\n" + "\n".join(found)


def test_the_404_page_is_the_theme_s(site):
    """The page served for any missing address: the theme's, with its one heading."""
    html = (site / "404.html").read_text(encoding="utf-8")
    found = chrome_problems(html)
    assert not found, "404.html, around the article:\n" + "\n".join(found)
    body = BeautifulSoup(html, "html.parser").select_one("article.md-content__inner")
    assert [str(c) for c in body.children if str(c).strip()] == ["<h1>404 - Not found</h1>"], body


def test_texts_the_theme_puts_around_the_article_hold_no_markup():
    """Nav labels, the copyright, site and page titles are inserted unescaped by the theme:
    none may hold markup (a label reusing the theme's classes would look like the theme's)."""
    from mkdocs.utils.meta import get_data

    found = config_markup_problems(yaml.safe_load((REPO / "mkdocs.yml").read_text()))
    for page in PAGES:
        _, meta = get_data(page.read_text(encoding="utf-8"))
        found += config_markup_problems(meta, str(page.relative_to(REPO)))
    for nb in NOTEBOOKS:
        found += config_markup_problems(dict(notebooks.read(nb).metadata), str(nb.relative_to(REPO)))
    assert not found, "\n".join(found)


# What the site serves besides the pages: generated indexes, and the theme's own files.
GENERATED = {"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"}
NOTEBOOK_FIGURE = re.compile(r"figure-[0-9a-f]{12}\.svg")


def test_the_site_serves_only_pages_their_files_and_the_themes(site):
    """Every file served is a page the harness runs, a file of docs/ served as it is (a
    figure, a notebook, extra.css), a plot written out of a notebook page, a generated
    index or the theme's own asset, byte for byte: no file nothing checks, whatever the
    case of its name."""
    import material

    theme = Path(material.__file__).parent / "templates"
    pages = {built_page(site, page).relative_to(site) for page in PAGES + NOTEBOOKS}
    notebook_folders = {built_page(site, nb).parent.relative_to(site) for nb in NOTEBOOKS}
    downloads = {built_page(site, nb).parent.relative_to(site) / nb.name: nb for nb in NOTEBOOKS}
    site_address = export._site_url(REPO)
    generated = {Path(export.notebook_name(page.relative_to(DOCS).as_posix())):
                 export.dumps(export.export(page, REPO, src_path=page.relative_to(DOCS).as_posix()))
                 for page in PAGES}
    unknown = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site)
        if rel in pages or str(rel) in GENERATED:
            continue
        source = DOCS / rel
        if source.is_file() and source.suffix in ALLOWED_FILES - {".md"} and source.read_bytes() == path.read_bytes():
            continue
        if rel in downloads and path.read_text(encoding="utf-8") == export.published_notebook(
                downloads[rel], downloads[rel].relative_to(DOCS).as_posix(), site_address):
            continue  # the notebook offered for download next to its page, links made absolute
        if rel.parent in notebook_folders and NOTEBOOK_FIGURE.fullmatch(rel.name):
            continue
        if rel in generated and path.read_text(encoding="utf-8") == generated[rel]:
            continue  # a Markdown page's notebook, as hooks/notebooks.py makes it from the page
        asset = theme / rel
        if rel.parts[0] == "assets" and asset.is_file() and asset.read_bytes() == path.read_bytes():
            continue
        unknown.append(str(rel))
    assert not unknown, f"files served that are no page, figure or theme file: {unknown}"


def test_every_snippet_is_run_by_a_page():
    included = {
        pf.fence.include
        for page in PAGES
        for pf in scan(page).python
        if pf.fence.include and "notest" not in pf.options
    }
    snippets = {str(p.relative_to(REPO)) for p in (REPO / "snippets").rglob("*") if p.is_file()}
    orphans = sorted(snippets - included)
    assert not orphans, f"snippets no page runs (a notest fence does not count): {orphans}"


def test_every_image_is_a_figure_a_fence_draws():
    drawn = {pf.figure for page in PAGES for pf in scan(page).python if pf.figure and "notest" not in pf.options}
    images = {p.resolve() for p in docs_files(".svg")}
    stale = sorted(str(p.relative_to(REPO)) for p in images - drawn)
    assert not stale, f"images no fence draws, so nothing checks them: {stale}"


def test_docs_holds_only_pages_figures_and_styles():
    """A .py, .txt or .html file under docs/ would be served for download unchecked; so
    would a page.MD or a plot.SVG, which MkDocs serves as they are and no check reads."""
    found = unchecked_docs_files(DOCS)
    assert not found, "files under docs/ that are neither pages, figures nor styles:\n" + "\n".join(found)


_HIDING_CSS = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?:max-)?height\s*:\s*0(?![.\d])|opacity\s*:\s*0(?![.\d])"
    r"|font-size\s*:\s*0(?![.\d])|clip(?:-path)?\s*:|text-indent\s*:\s*-|scale\(\s*0\s*\)"
    # "auto" only lays out off-screen content later; "hidden" would never show it.
    r"|content-visibility\s*:(?!\s*auto\s*[;}])",
    re.IGNORECASE,
)


def test_the_site_adds_nothing_that_could_hide_a_block():
    """Our styles may not hide or shrink content, and no script or theme override may."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text().replace("!!python/name:", ""))
    assert not config.get("extra_javascript"), "a script could hide blocks from the reader"
    assert "custom_dir" not in config.get("theme", {}), "a theme override could hide blocks from the reader"
    for name in config.get("extra_css", []):
        text = re.sub(r"/\*.*?\*/", "", (DOCS / name).read_text(), flags=re.DOTALL)
        found = _HIDING_CSS.findall(text)
        assert not found, f"docs/{name} could hide content: {found}"


@pytest.mark.parametrize("css, hides", [
    (".x { display: none; }", True), (".x { visibility:hidden }", True),
    (".x { max-height: 0; }", True), (".x { opacity: 0 }", True),
    (".x { clip-path: inset(50%); }", True), (".x { text-indent: -999em; }", True),
    (".x { content-visibility: hidden; }", True), (".x { content-visibility:hidden}", True),
    (".x { content-visibility: auto; }", False), (".x { content-visibility: auto }", False),
    (".x { opacity: 0.5; height: 0.5rem; }", False),
])
def test_the_hiding_css_rule_catches_what_hides_and_only_that(css, hides):
    assert bool(_HIDING_CSS.search(css)) == hides


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_each_notebook_offers_the_file_the_tests_ran_for_download(nb, site):
    """The file the tests ran, its Markdown cells' links to the site made absolute
    (hooks/notebooks.py): every code cell and output as they are."""
    import nbformat

    served = built_page(site, nb).parent / nb.name
    src = nb.relative_to(DOCS).as_posix()
    assert served.is_file() and served.read_text(encoding="utf-8") == export.published_notebook(
        nb, src, export._site_url(REPO)), f"{served} is not the notebook the tests ran"
    ran, offered = (nbformat.read(str(p), as_version=nbformat.NO_CONVERT) for p in (nb, served))
    assert [c for c in ran.cells if c.cell_type != "markdown"] == [
        c for c in offered.cells if c.cell_type != "markdown"], f"{served}: code or outputs changed"
    html = built_page(site, nb).read_text(encoding="utf-8")
    assert f'href="{nb.name}"' in html, f"{nb.relative_to(REPO)}: the page has no download link to {nb.name}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_each_notebook_page_inlines_only_the_css_it_can_use(nb, site):
    """hooks/notebook_css.py cuts mkdocs-jupyter's 575 KB of inlined JupyterLab CSS (what
    made the tutorials slow on a phone) to the rules the page can use."""
    html = built_page(site, nb).read_text(encoding="utf-8")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL)
    assert styles and max(map(len, styles)) < 40_000, (
        f"{nb.relative_to(REPO)}: inlined styles of {sorted(map(len, styles))} characters")


def test_every_page_has_a_description_of_its_own(site):
    """Search engines show a page's meta description: no two pages may share one."""
    descriptions = {}
    for page in PAGES + NOTEBOOKS:
        html = built_page(site, page).read_text(encoding="utf-8")
        found = re.findall(r'<meta name="description" content="([^"]*)"', html)
        assert len(found) == 1 and found[0].strip(), f"{page}: no meta description"
        descriptions.setdefault(found[0], []).append(str(page.relative_to(REPO)))
    shared = {d: p for d, p in descriptions.items() if len(p) > 1}
    assert not shared, f"pages sharing a description: {shared}"
