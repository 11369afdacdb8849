"""The notebooks a reader downloads or opens in Colab, as published (issue 22): every
page's three links lead to files that exist, and no notebook reaches for a file outside
its own folder that the reader does not have.

What each notebook prints is checked by its page's ``::jupyter`` item (a real kernel,
offline, in an empty folder); that each published Markdown page's notebook is exactly
what tests/harness/export.py makes from the page, by tests/test_site.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

import pytest
from bs4 import BeautifulSoup

from tests.harness import export, notebooks
from tests.test_site import DOCS, NOTEBOOKS, PAGES, REPO, built_page

COLAB = re.compile(r"^https://colab\.research\.google\.com/github/(?P<repo>[\w.-]+/[\w.-]+)/blob/"
                   r"(?P<branch>[\w.-]+)/(?P<path>.+)$")
SOURCE = re.compile(r"^https://github\.com/(?P<repo>[\w.-]+/[\w.-]+)/blob/(?P<branch>[\w.-]+)/(?P<path>.+)$")


@pytest.fixture(scope="module")
def published_notebooks(published) -> dict[str, Path]:
    return {p.relative_to(published.site).as_posix(): p for p in published.site.rglob("*.ipynb")}


def run_links(page_html: str) -> dict[str, str]:
    nav = BeautifulSoup(page_html, "html.parser").select_one("article > nav.run-page")
    assert nav is not None, "the page has no run links"
    return {a.get_text(): a["href"] for a in nav.find_all("a")}


@pytest.mark.parametrize("page", PAGES + NOTEBOOKS, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_each_link_of_a_page_leads_to_its_published_notebook_and_source(page, published):
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    repo = config["repo_url"].rstrip("/").split("github.com/", 1)[1]
    built = built_page(published.site, page)
    links = run_links(built.read_text(encoding="utf-8"))
    assert list(links) == ["Run in Colab", "Download notebook", "View source"]
    src = page.relative_to(DOCS).as_posix()

    # Colab opens the notebook from the published branch, under this release's folder
    colab = COLAB.match(links["Run in Colab"])
    assert colab, links["Run in Colab"]
    assert colab["repo"] == repo and colab["branch"] == "gh-pages"
    target = published.root / colab["path"]
    assert target.is_file(), f"{src}: Colab would open {colab['path']}, which gh-pages does not hold"
    assert PurePosixPath(colab["path"]).parts[0] == published.version
    # the download is that same file, next to the page
    download = built.parent / links["Download notebook"]
    assert download.resolve() == target.resolve(), (download, target)
    # the source is this page's file on the main branch
    source = SOURCE.match(links["View source"])
    assert source and source["repo"] == repo and source["branch"] == "main"
    assert source["path"] == f"docs/{src}" and (REPO / source["path"]).is_file()


def test_every_page_has_its_notebook_and_nothing_else_is_published(published_notebooks):
    wanted = {export.notebook_name(p.relative_to(DOCS).as_posix()) for p in PAGES + NOTEBOOKS}
    assert set(published_notebooks) == wanted


# Where a notebook may read or write a file by a path written in its code: in its own
# folder (a name, or a folder it makes there); a data folder a Debian package installs,
# only after checking that it is there (and with the usual download otherwise: checked by
# reading, tests/claims); the temporary folder Keras falls back to for its cache.
SYSTEM_DATA = re.compile(r"^/usr/share/datasets/[\w.-]+$")
EXISTENCE = re.compile(r"\bos\.path\.(?:isdir|exists|isfile)\(|\.exists\(\)|\.is_dir\(\)")
TOP_LEVEL = {p.name for p in REPO.iterdir()} - {"README.md"}
DEVICE = re.compile(r"^/(?:job|replica|task|device|cpu|gpu|CPU|GPU)\b")


def path_problems(code: str) -> list[str]:
    """The path literals in ``code`` that reach outside the notebook's own folder."""
    problems = []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    if any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(tree)):
        problems.append("__file__ (the notebook has no file of its own in a kernel)")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if "\n" in text or " " in text or re.match(r"^[a-z]+://", text):
            continue  # prose, or an address (a download, which the reader has)
        if DEVICE.match(text) or text in ("/", "~", "/tmp"):
            continue  # a TensorFlow device, a division sign, the home and temporary folders
        if text.startswith(("/", "~")):
            if SYSTEM_DATA.match(text) and EXISTENCE.search(code):
                continue
            problems.append(f"{text!r}: a path outside the notebook's folder")
        elif text.startswith("..") or ("/" in text and text.split("/")[0] in TOP_LEVEL):
            problems.append(f"{text!r}: a path into the repository, which the reader does not have")
    return problems


def test_no_notebook_reaches_outside_its_folder(published_notebooks):
    found = []
    for name, path in sorted(published_notebooks.items()):
        nb = notebooks.read(path)
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "code":
                found += [f"{name}:cell {number}: {p}" for p in path_problems(cell.source)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("code", [
    'open("docs/reference/figures/x.svg")',
    'import runpy\nrunpy.run_path("snippets/overfitting/experiment.py")',
    'open("../data.csv")',
    'open("/work/main/requirements.txt")',
    'open("/usr/share/datasets/fashion-mnist")',  # a Debian folder read without checking for it
    'print(__file__)',
    'open("tests/conftest.py")',
    'open("~/.ssh/id_rsa")',
])
def test_a_path_into_the_repository_or_the_machine_is_refused(code):
    assert path_problems(code), code


@pytest.mark.parametrize("code", [
    'model.save("digits.keras")',
    'os.makedirs("checkpoints/run1", exist_ok=True)',
    'keras.utils.get_file("imdb.tar.gz", "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz")',
    'd = "/usr/share/datasets/fashion-mnist"\nif os.path.isdir(d):\n    print(d)',
    'home = os.path.join("/tmp", ".keras")',
])
def test_a_file_of_its_own_or_a_checked_data_folder_is_allowed(code):
    assert not path_problems(code), path_problems(code)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_a_notebook_page_says_what_it_was_checked_with_first(notebook):
    """A tutorial's first cell, as a Markdown page's notebook's, names the versions its
    outputs were checked with and the install line for them, as the pins give them."""
    nb = notebooks.read(notebook)
    wanted = export.versions_paragraph(export.notebook_codes(nb), export.pins())
    assert nb.cells[0].cell_type == "markdown" and wanted in nb.cells[0].source, (
        f"{notebook.relative_to(REPO)}: the first cell should hold, as a paragraph:\n{wanted}")


MARKDOWN_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def test_every_link_in_a_published_notebook_is_absolute_and_leads_somewhere(published, published_notebooks):
    """A download or Colab has no site beside the notebook: each link of its Markdown is
    an address, and one into this site names a published page and a heading it has."""
    base = export._site_url(REPO)
    anchors: dict[Path, set[str]] = {}
    found = []
    for name, path in sorted(published_notebooks.items()):
        for number, cell in enumerate(notebooks.read(path).cells, start=1):
            if cell.cell_type != "markdown":
                continue
            for m in MARKDOWN_LINK.finditer(cell.source):
                target = m["target"]
                where = f"{name}:cell {number}: {target}"
                if not re.match(r"^https?://", target):
                    found.append(f"{where}: a relative link, dead outside the site")
                    continue
                if not target.startswith(base):
                    continue  # another site
                page, _, anchor = target[len(base):].partition("#")
                html = published.site / page / "index.html"
                if not html.is_file():
                    found.append(f"{where}: no such page in the published release")
                    continue
                if anchor:
                    if html not in anchors:
                        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
                        anchors[html] = {t["id"] for t in soup.find_all(id=True)}
                    if anchor not in anchors[html]:
                        found.append(f"{where}: the page has no heading #{anchor}")
    assert not found, "\n".join(found)
