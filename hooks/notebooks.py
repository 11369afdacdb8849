"""An MkDocs hook: every page runs as a notebook, from a link near its title.

* Each Markdown page's notebook (tests/harness/export.py makes it from the page: its
  prose, its code, its checked outputs and figures) is written next to the page's
  index.html, as <page>.ipynb; a notebook page's own file is there already
  (mkdocs-jupyter's include_source), rewritten with its links to the site absolute.
* Every page, Markdown or notebook, opens with three links: "Run in Colab" (Colab's
  github/ address of that file on the published branch, gh-pages, under the release's
  folder: it works once the site is published), "Download notebook" and "View source"
  (the page's source on GitHub).

The release's folder is the TensorFlow pin's X.Y, as .github/publish.sh names it.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # MkDocs loads a hook by its path: the repository's packages
    sys.path.insert(0, str(ROOT))

from tests.harness import export  # noqa: E402

PUBLISHED_BRANCH = "gh-pages"
COLAB = "https://colab.research.google.com/github/"


def links(src_uri: str, config) -> dict[str, str]:
    """The three addresses for the page whose source is docs/<src_uri>."""
    repo_url = config["repo_url"].rstrip("/")
    owner_repo = repo_url.split("github.com/", 1)[1]
    notebook = export.notebook_name(src_uri)
    branch = config["edit_uri"].strip("/").split("/")[1]  # edit/main/docs/ -> main
    return {
        "colab": f"{COLAB}{owner_repo}/blob/{PUBLISHED_BRANCH}/{export.release(ROOT / 'requirements.in')}/{notebook}",
        "download": notebook.rsplit("/", 1)[-1],
        "source": f"{repo_url}/blob/{branch}/docs/{src_uri}",
    }


def run_links(src_uri: str, config) -> str:
    """The links' HTML, as the article's first element after the theme's edit button."""
    to = {k: html.escape(v, quote=True) for k, v in links(src_uri, config).items()}
    return (f'<nav class="run-page" aria-label="Run this page as a notebook">'
            f'<a href="{to["colab"]}">Run in Colab</a> '
            f'<a href="{to["download"]}" download>Download notebook</a> '
            f'<a href="{to["source"]}">View source</a></nav>\n')


def on_page_content(html_text: str, page, config, files) -> str:
    return run_links(page.file.src_uri, config) + html_text


_NOTEBOOK_PAGES: dict[str, str] = {}  # a notebook page's src_uri -> its source file, this build


def on_pre_build(config) -> None:
    _NOTEBOOK_PAGES.clear()


def on_post_page(output: str, page, config) -> str:
    src = page.file.src_uri
    if src.endswith(".md"):
        target = Path(config["site_dir"]) / export.notebook_name(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = export.export(Path(page.file.abs_src_path), ROOT, site_url=_site_url(config), src_path=src,
                           title=page.title)
        target.write_text(export.dumps(nb), encoding="utf-8")
    elif src.endswith(".ipynb"):
        _NOTEBOOK_PAGES[src] = page.file.abs_src_path
    return output


def on_post_build(config) -> None:
    """A notebook page's file, which mkdocs-jupyter copies next to the page as it is, is
    published with its Markdown cells' links to the site made absolute: a download or
    Colab has no site beside it. Code and outputs stay as the tests ran them."""
    for src, source in sorted(_NOTEBOOK_PAGES.items()):
        target = Path(config["site_dir"]) / export.notebook_name(src)
        target.write_text(export.published_notebook(Path(source), src, _site_url(config)), encoding="utf-8")


def _site_url(config) -> str:
    """The release's address, for the notebook's links back to the site: site_url as
    configured (mike's build appends the version to it; a plain build does not)."""
    base = config["site_url"].rstrip("/")
    release = export.release(ROOT / "requirements.in")
    return base + "/" if base.endswith("/" + release) else f"{base}/{release}/"
