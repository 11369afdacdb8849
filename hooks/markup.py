"""MkDocs hook: small fixes to the theme's markup, for accessibility and for a site that
makes no request off its own host.

- Material 9.8 renders the search overlay as `<div ... role="dialog">` without a name,
  which axe-core and Lighthouse report (aria-dialog-name): it gets `aria-label="Search"`.
- Notebook code cells scroll sideways when a line is long, like code blocks on the
  Markdown pages, which the theme puts in the tab order for that reason: so are they.
- The theme's script makes a code block that scrolls sideways focusable as it mounts the
  block, and with `content.lazy` (mkdocs.yml) it mounts a block only as the block nears
  the screen: until then a keyboard could not reach it. Every code block starts in the
  tab order; the script takes out those that do not scroll once it mounts them.
- A figure the tests drew sits in a paragraph that scrolls sideways on a phone
  (docs/stylesheets/extra.css): the paragraph joins the tab order, so a keyboard can
  scroll it too (axe: scrollable-region-focusable). So do a table's scrolling wrapper
  and the row of a tab group's titles, which scrolls on a phone when the titles are long.
  The figure loads as the reader nears it (`loading="lazy"`): a plot is an SVG document
  of its own, which the browser would otherwise parse and draw as the page starts.

The repository link in the header stays a plain link: the theme's script would otherwise
fetch the repository's star and fork counts from api.github.com on every page, a request
to a third party that fails offline and in the browser tests.

A notebook's plots, which mkdocs-jupyter embeds in the page as base64 images, are written
out as files next to it and load as the reader nears them (`notebook_figures`). Each gets
the alt text its code cell's metadata holds (`alt`: a string, or a list of strings, one per
figure the cell draws, in order; nbconvert's convention, jupyter/nbconvert#1112):
nbconvert's own is "No description has been provided for this image", and a figure with
no description stops the build.

A notebook page gets the description its notebook's metadata holds
(`metadata.description`), as a Markdown page gets the one in its front matter, so that
no two pages share the site's description.

It also fixes the 404 page's base address for mike: MkDocs gives that page an absolute
base without a trailing slash ("/name/2.21"), against which the theme's script resolves
"search/search_index.json" and "../versions.json" one folder too high.

tests/test_browser.py runs axe-core on the built pages and loads the 404 page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

NOTEBOOK_CODE = '<div class="highlight-ipynb hl-python">'
BASE = re.compile(r'("base": "[^"]*[^/"])"')
FIGURE = re.compile(r'<p>(<img alt="[^"]*" src="[^"]*figures/[^"]+\.svg") /></p>')

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


SOURCE = ' class="md-source" data-md-component="source">'


def named(output: str, where: str) -> str:
    for markup in (SEARCH_DIALOG, SOURCE):
        if markup not in output:
            raise RuntimeError(
                f"{where}: the theme's markup changed ({markup.strip()}); "
                "update hooks/markup.py"
            )
    output = output.replace(SOURCE, ' class="md-source">')
    return output.replace(SEARCH_DIALOG, NAMED, 1)


TABLE = re.compile(r"<table>.*?</table>", re.S)
CODE_BLOCK = re.compile(
    r'(<div class="language-[\w-]+ highlight">(?:<span class="filename">[^<]*</span>)?'
    r'<pre><span></span>)<code>')


def scrollable_tables(html: str) -> str:
    """A table in the wrapper the theme's script puts it in (so that it scrolls sideways on
    a phone), made here so that it can join the tab order (axe: scrollable-region-focusable).
    The script still wraps the table once more; extra.css makes that inner wrapper plain."""
    return TABLE.sub(lambda m: '<div class="md-typeset__scrollwrap" tabindex="0">'
                     f'<div class="md-typeset__table">{m.group(0)}</div></div>', html)


def on_page_content(html: str, page, config, files) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        notebook = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
        description = notebook.get("metadata", {}).get("description")
        if not description:
            raise RuntimeError(f"{page.file.src_uri}: no metadata.description for the page")
        page.meta["description"] = description
    html = html.replace('<div class="tabbed-labels">', '<div class="tabbed-labels" tabindex="0">')
    html = CODE_BLOCK.sub(r'\1<code tabindex="0">', html)
    html = FIGURE.sub(r'<p class="figure" tabindex="0">\1 loading="lazy" /></p>', html)
    return scrollable_tables(html)


NOTEBOOK_FIGURE = re.compile(r'(<img alt="[^"]*") src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


DATA_IMAGE = re.compile(r'<img alt="[^"]*" src="data:image/')


def figure_alts(notebook: dict, where: str) -> list[str]:
    """The alt text of each figure the notebook's code cells draw, in order: the cells'
    `alt` metadata. A cell that draws a figure without one is an error."""
    alts: list[str] = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        figures = sum(1 for output in cell.get("outputs", [])
                      if any(kind.startswith("image/") for kind in output.get("data", {})))
        if not figures:
            continue
        alt = cell.get("metadata", {}).get("alt")
        given = [alt] if isinstance(alt, str) else alt if isinstance(alt, list) else []
        if len(given) != figures or not all(isinstance(a, str) and a.strip() for a in given):
            raise RuntimeError(
                f"{where}:cell {number} draws {figures} figure(s) and its metadata's \"alt\" "
                f"is {alt!r}: give each figure a description of what it shows (a string, or "
                "a list of strings, one per figure in order)")
        alts.extend(given)
    return alts


def attribute(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;"))


def notebook_figures(output: str, page, config) -> str:
    """A notebook's plots as files next to its page, loaded as the reader nears them,
    each with the alt text its cell's metadata gives it.

    mkdocs-jupyter embeds each SVG output in the page as a base64 `data:` image: on the
    MNIST tutorial, 206 KB of its 374 KB of HTML, which a phone must download and parse
    before it shows anything. Each is written out as `figure-<hash>.svg` instead; the
    census (tests/test_site.py) compares the file the page points to with the output the
    tests checked, as it compared the embedded one. The page shows the figures in the
    order the cells draw them: the n-th image gets the n-th description.
    """
    folder = Path(config["site_dir"]) / Path(page.file.dest_path).parent
    notebook = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
    alts = figure_alts(notebook, page.file.src_uri)
    shown = len(DATA_IMAGE.findall(output))
    if shown != len(alts) or len(NOTEBOOK_FIGURE.findall(output)) != shown:
        raise RuntimeError(
            f"{page.file.src_uri}: the page shows {shown} embedded image(s) "
            f"({len(NOTEBOOK_FIGURE.findall(output))} of them SVG), its cells draw "
            f"{len(alts)}: update hooks/markup.py")
    described = iter(alts)

    def written(match: re.Match) -> str:
        svg = base64.b64decode(match.group(2))
        name = f"figure-{hashlib.sha1(svg).hexdigest()[:12]}.svg"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(svg)
        return f'<img alt="{attribute(next(described))}" src="{name}" loading="lazy"'

    return NOTEBOOK_FIGURE.sub(written, output)


def on_post_page(output: str, page, config) -> str:
    output = output.replace(NOTEBOOK_CODE, NOTEBOOK_CODE[:-1] + ' tabindex="0">')
    if page.file.src_uri.endswith(".ipynb"):
        output = notebook_figures(output, page, config)
    return named(output, page.file.src_uri)


def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    return BASE.sub(r'\1/"', named(output, template_name), count=1)
