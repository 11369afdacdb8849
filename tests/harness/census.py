"""Account for every block a reader sees, in the HTML the site really serves.

This is deliberately independent of the scanners (pages.py, notebooks.py). The census
tests (tests/test_site.py) build the site with MkDocs, so hooks, plugins and front
matter all apply, and walk each page's article element by element. Every code block,
output-looking block and image must be one of:

* a Python block that the harness runs (or a block marked not run, whose reason the
  reader sees in its title);
* an output the harness checks;
* a figure a run drew;
* a block in a language on the short allow-list ALLOWED_LANGUAGES, which neither runs
  Python nor looks like output.

The census is an allow-list, in three layers (issue 21, class 1):

* the article: every element and attribute must be one that the site's Markdown (the
  extensions in mkdocs.yml), its hooks and the theme make, in the place they make it
  (`markdown_census` via `article_problems`; a notebook page: `notebook_problems`). A code
  block is ``div.language-X.highlight > [span.filename] > pre > span + code > pygments
  spans``, a figure is ``p.figure > img`` (hooks/markup.py), the only inline ``<svg>`` is
  the theme's edit icon, first in the article. Anything else is refused, naming the element:
  a class the theme styles as code or output (``language-*``, ``highlight``, ``jp-*``) on
  anything else, ``style``, ``hidden``, ``srcset``, ``<image>``, ``<xmp>``, ``<textarea>``...
* the page source: raw HTML a page writes is limited to RAW_INLINE (``<br>``, ``<kbd>``,
  ``<sub>``, ``<sup>``, without attributes) and comments (`raw_html_problems` for Markdown
  pages, with the site's own Markdown renderer; `notebook_raw_html_problems` for a
  notebook's markdown cells, with nbconvert's). So the article check never has to tell a
  page-made copy of the theme's markup from the theme's: a page cannot write markup.
* the rest of the served page (header, navigation, sidebars, footer): only the elements,
  attribute sets and classes the theme makes for this site (THEME_CHROME), icons only in
  the theme's icon holders (`chrome_problems`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Tag
from pygments.token import STANDARD_TYPES

from .pages import OTHER_LANGS, UNCHECKED_PYTHON, other_block_problem
from .rules import PYTHON_LANGS

# Languages a page may show that the tests do not run: commands and configuration.
ALLOWED_LANGUAGES = OTHER_LANGS  # the scanner's list and rule (pages.py), one definition


@dataclass
class Shown:
    kind: str  # python, output, other, image, refused
    text: str = ""
    title: str | None = None
    lang: str | None = None


def comparable(code: str) -> str:
    """Code as text, without the whitespace differences highlighting introduces."""
    return "\n".join(line.rstrip() for line in code.split("\n")).strip("\n")


ARTICLE = '<article class="md-content__inner md-typeset">'


def _split(page_html: str) -> tuple[str, str, str]:
    """The page before its article, the article, and after it (one article per page; the
    article's markup is judged by itself, the rest by `chrome_problems`)."""
    start, end = page_html.find(ARTICLE), page_html.rfind("</article>")
    if start < 0 or end < start:
        return page_html, "", ""
    end += len("</article>")
    return page_html[:start], page_html[start:end], page_html[end:]


def article(page_html: str | Tag) -> Tag:
    """The page's article, parsed by itself (parsing the whole page costs twice as much);
    an article already parsed is taken as it is, so that several checks share one parse."""
    if isinstance(page_html, Tag):
        return page_html
    _, only, _ = _split(page_html)
    soup = BeautifulSoup(only or page_html, "html.parser")
    found = soup.select_one("article.md-content__inner")
    return found if found is not None else soup


def _code_text(pre: Tag) -> str:
    for lineno in pre.select(".linenos"):
        lineno.decompose()
    return comparable(pre.get_text())


def _highlight(pre: Tag) -> Tag | None:
    parent = pre.parent
    while parent is not None and parent.name != "article":
        if parent.name == "div" and "highlight" in (parent.get("class") or []):
            return parent
        parent = parent.parent
    return None


def classify_pre(pre: Tag) -> Shown:
    div = _highlight(pre)
    if div is None:
        return Shown("refused", _code_text(pre), lang=None)
    classes = [c.lower() for c in div.get("class") or []]
    langs = [c[len("language-"):] for c in classes if c.startswith("language-")]
    title_span = div.find("span", class_="filename")
    title = title_span.get_text() if title_span else None
    text = _code_text(pre)
    if "output" in langs:
        return Shown("output", text, title, "output")
    python = [lang for lang in langs if lang in PYTHON_LANGS | UNCHECKED_PYTHON]
    if python:
        return Shown("python", text, title, python[0])
    if len(langs) == 1 and langs[0] in ALLOWED_LANGUAGES:
        if other_block_problem(langs[0], text):
            return Shown("refused", text, title, langs[0])
        return Shown("other", text, title, langs[0])
    return Shown("refused", text, title, ",".join(langs) or None)


# --- The allow-list of the article: what the site's Markdown, hooks and theme make. -----

# Raw HTML a page may write (in a Markdown page or a notebook's markdown cell): inline
# tags that neither hide, style nor draw anything, and no attributes at all.
RAW_INLINE = {"br", "kbd", "sub", "sup"}
# Elements the Markdown extensions of mkdocs.yml make, that take no attribute but an id
# (attr_list may give any element an id: an anchor, harmless).
_PLAIN = RAW_INLINE | {"em", "strong", "ul", "li", "blockquote", "hr", "thead", "tbody", "tr", "summary"}
_HEADINGS = {f"h{n}" for n in range(1, 7)}
# admonition / pymdownx.details: the types Material styles (and plain "admonition").
ADMONITION_TYPES = {
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
    "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure",
    "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
}
PYGMENTS_CLASSES = set(STANDARD_TYPES.values()) - {""}
_ALIGN = re.compile(r"text-align:\s*(left|right|center);?")
# A figure a fence drew, as hooks/markup.py serves it: a relative path to an .svg file.
_FIGURE_SRC = re.compile(r"(?:\.\./)*[\w./-]*figures/[\w.-]+\.svg")
_LANGUAGE = re.compile(r"language-[\w+-]+")


def _classes(tag: Tag) -> list[str]:
    return list(tag.get("class") or [])


def _attrs(tag: Tag) -> set[str]:
    return {a for a in tag.attrs if a != "class"}


def _is(tag, name: str, *classes: str) -> bool:
    return isinstance(tag, Tag) and tag.name == name and all(c in _classes(tag) for c in classes)


def _first_element(tag: Tag) -> Tag | None:
    return next((c for c in tag.children if isinstance(c, Tag)), None)


def _inside(tag: Tag, name: str, *classes: str) -> Tag | None:
    for parent in tag.parents:
        if _is(parent, name, *classes):
            return parent
    return None


def _edit_button(tag: Tag) -> bool:
    """The theme's edit button, the first element of the article: a > svg > path."""
    return (_is(tag, "a", "md-content__button", "md-icon") and _classes(tag) == ["md-content__button", "md-icon"]
            and _attrs(tag) <= {"href", "title", "rel"} and _is(tag.parent, "article")
            and _first_element(tag.parent) is tag)


# The links hooks/notebooks.py puts at the top of every page, right after the edit button:
# Colab's address of the page's notebook on the published branch, the notebook next to
# the page, the page's source on GitHub.
_RUN_LINKS = [
    ("Run in Colab", re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/gh-pages/"
                                r"\d+\.\d+/(?:[\w.-]+/)*[\w.-]+\.ipynb"), set()),
    ("Download notebook", re.compile(r"[\w.-]+\.ipynb"), {"download"}),
    ("View source", re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/blob/[\w.-]+/docs/(?:[\w.-]+/)*[\w.-]+\.(?:md|ipynb)"), set()),
]


def _run_links_problem(tag: Tag) -> str | None:
    """None for the page's run links (the nav or one of its links), else why not."""
    if tag.name == "nav":
        elements = [c for c in tag.parent.children if isinstance(c, Tag)] if tag.parent else []
        place = elements.index(tag) if tag in elements else -1
        if (_classes(tag) == ["run-page"] and _attrs(tag) == {"aria-label"} and _is(tag.parent, "article")
                and (place == 0 or (place == 1 and _edit_button(elements[0])))
                and [c.name for c in tag.children if isinstance(c, Tag)] == ["a"] * len(_RUN_LINKS)
                and tag.get_text() == " ".join(text for text, _, _ in _RUN_LINKS)):
            return None
        return "a <nav> that is not the page's run links, first in the article"
    nav = tag.parent
    if not (_is(nav, "nav", "run-page") and _run_links_problem(nav) is None):
        return "a link the site's Markdown does not make"
    index = [c for c in nav.children if isinstance(c, Tag)].index(tag)
    text, address, extra = _RUN_LINKS[index]
    if (tag.get_text() == text and not _classes(tag) and _attrs(tag) == {"href"} | extra
            and address.fullmatch(tag.get("href", "")) and not tag.find(True)):
        return None
    return f"the run link {text!r} with another text, address or attributes"


def _theme_icon(svg: Tag) -> bool:
    return (svg.parent is not None and _edit_button(svg.parent) and _attrs(svg) == {"viewbox", "xmlns"}
            and not _classes(svg) and [c.name for c in svg.children if isinstance(c, Tag)] == ["path"]
            and not svg.get_text(strip=True))


def _code_block(div: Tag) -> bool:
    """A fenced block as pymdownx.highlight makes it: language class(es) and highlight."""
    classes = _classes(div)
    return ("highlight" in classes and all(c == "highlight" or _LANGUAGE.fullmatch(c) for c in classes)
            and _attrs(div) <= {"id"}
            and [c.name for c in div.children if isinstance(c, Tag)] in (["pre"], ["span", "pre"]))


def _in_code(tag: Tag) -> bool:
    """Inside ``pre > code`` of a well-formed code block."""
    parent = tag.parent
    return (_is(parent, "code") and _is(parent.parent, "pre")
            and _is(parent.parent.parent, "div") and _code_block(parent.parent.parent))


def _md_problem(tag: Tag) -> str | None:
    """Why the site's Markdown, hooks or theme would not make this element, or None."""
    name, classes, attrs, parent = tag.name, _classes(tag), _attrs(tag), tag.parent
    if tag.get("id", "").startswith("__") and name != "input":
        return "an id in the theme's namespace (__...), which its script and tab labels look up"
    if name in ("sub", "sup") and (_inside(tag, "sub") or _inside(tag, "sup")):
        return "nested <sub>/<sup>, which shrink text at each level"
    if name in _PLAIN or name in _HEADINGS:
        if classes or attrs - {"id"}:
            return "attributes or classes the site's Markdown does not give it"
        return None
    if name == "p":
        if not classes and attrs <= {"id"}:
            return None
        if classes == ["figure"] and attrs == {"tabindex"} and [c.name for c in tag.children if isinstance(c, Tag)] == ["img"]:
            return None
        if classes == ["admonition-title"] and not attrs and _is(parent, "div", "admonition"):
            return None
        return "a paragraph with attributes or classes the site's Markdown does not give it"
    if name == "nav" or (name == "a" and _is(parent, "nav", "run-page")):
        return _run_links_problem(tag)
    if name == "a":
        if _edit_button(tag):
            return None
        if classes == ["headerlink"] and attrs <= {"href", "title"} and parent.name in _HEADINGS:
            return None
        if not classes and attrs <= {"href", "title", "id"} and not tag.get("href", "").lower().startswith(("javascript:", "data:")):
            return None
        return "a link with attributes or classes the site's Markdown does not give it"
    if name == "svg":
        return None if _theme_icon(tag) else "an inline <svg>: a picture no fence drew"
    if name == "path":
        return None if _is(parent, "svg") and _theme_icon(parent) and attrs == {"d"} and not classes else "an SVG shape outside the theme's icon"
    if name == "img":
        if (_is(parent, "p", "figure") and attrs == {"alt", "src", "loading"} and not classes
                and _FIGURE_SRC.fullmatch(tag.get("src", ""))):
            return None
        return "an image that is not a figure a fence drew (hooks/markup.py serves those as p.figure > img)"
    if name == "ol":
        return None if not classes and attrs <= {"start", "id"} else "a list with attributes the site's Markdown does not give it"
    if name == "table":
        return None if not classes and attrs <= {"id"} else "a table with attributes the site's Markdown does not give it"
    if name in ("th", "td"):
        if classes or attrs - {"style"} or (tag.has_attr("style") and not _ALIGN.fullmatch(tag["style"].strip())):
            return "a table cell styled beyond its alignment"
        return None
    if name == "code":
        if not classes and not attrs:
            return None  # inline code, or a block's code
        if not classes and attrs == {"tabindex"} and _is(parent, "pre"):
            return None  # hooks/markup.py
        return "code with classes or attributes: only a fenced block is shown as code"
    if name == "pre":
        if not classes and not attrs and _is(parent, "div") and _code_block(parent):
            return None
        return "a <pre> outside a fenced code block"
    if name == "span":
        if classes == ["filename"] and not attrs and _is(parent, "div") and _code_block(parent):
            return None
        if not classes and not attrs and _is(parent, "pre") and _first_element(parent) is tag and not tag.contents:
            return None
        if len(classes) == 1 and classes[0] in PYGMENTS_CLASSES and not attrs and _in_code(tag):
            return None
        return "a <span> the site's Markdown does not make there"
    if name == "div":
        if "highlight" in classes or any(c.startswith("language-") for c in classes):
            return None if _code_block(tag) else "a code block that no fence made"
        if classes and classes[0] == "admonition" and len(classes) == 2 and classes[1] in ADMONITION_TYPES and attrs <= {"id"}:
            return None
        if classes == ["md-typeset__scrollwrap"] and attrs == {"tabindex"}:
            return None
        if classes == ["md-typeset__table"] and not attrs and _is(parent, "div", "md-typeset__scrollwrap"):
            return None
        if classes == ["tabbed-set", "tabbed-alternate"] and attrs == {"data-tabs"}:
            return None
        if classes == ["tabbed-labels"] and attrs <= {"tabindex"} and _is(parent, "div", "tabbed-set"):
            return None
        if classes == ["tabbed-content"] and not attrs and _is(parent, "div", "tabbed-set"):
            return None
        if classes == ["tabbed-block"] and not attrs and _is(parent, "div", "tabbed-content"):
            return None
        return "a <div> the site's Markdown does not make"
    if name == "details":
        if len(classes) == 1 and classes[0] in ADMONITION_TYPES and attrs <= {"open", "id"}:
            return None
        return "a <details> block of a kind the theme does not style"
    if name == "input":
        if (not classes and attrs <= {"id", "name", "type", "checked"} and tag.get("type") == "radio"
                and _is(parent, "div", "tabbed-set")):
            return None
        return "an <input> outside a tab group"
    if name == "label":
        if not classes and attrs == {"for"} and _is(parent, "div", "tabbed-labels"):
            return None
        return "a <label> outside a tab group's titles"
    return "an element the site's Markdown does not make"


def _describe(tag: Tag) -> str:
    """An element's opening tag, short enough for a message."""
    opening = str(tag).split(">", 1)[0] + ">"
    return opening if len(opening) <= 100 else opening[:97] + "...>"


def article_problems(root: Tag, check=_md_problem) -> list[str]:
    """Every element of the article the renderer and theme would not make, described."""
    problems = []
    for tag in root.find_all(True):
        reason = check(tag)
        if reason:
            problems.append(f"{_describe(tag)}: {reason}")
    return problems


def markdown_census(page_html: str | Tag) -> list[Shown]:
    """Every block of a Markdown page's article, in page order; an element the site's
    Markdown and theme do not make is refused (`_md_problem`)."""
    root = article(page_html)
    shown = [Shown("refused", c, lang="comment") for c in _bad_comments(root)]
    for tag in root.find_all(True):
        reason = _md_problem(tag)
        if reason:
            shown.append(Shown("refused", f"{_describe(tag)}: {reason}", lang=f"<{tag.name}>"))
        elif tag.name == "pre":
            shown.append(classify_pre(tag))
        elif tag.name == "img":
            shown.append(Shown("image", tag.get("src", ""), lang="img"))
    return shown


# --- Notebook pages: the structure mkdocs-jupyter's template makes. ----------------------

# (tag, attributes, classes) of every element of mkdocs-jupyter's notebook template
# (templates/mkdocs_html/notebook.html.j2 on nbconvert's lab template), as this site
# renders it (no prompts, hooks/markup.py's tabindex). Cell tags add `celltag_<tag>`.
NOTEBOOK_STRUCTURE = {
    ("div", frozenset(), ("jupyter-wrapper",)),
    ("div", frozenset({"data-jp-theme-light", "data-jp-theme-name"}), ("jp-Notebook",)),
    ("div", frozenset({"tabindex"}), ("jp-Cell-inputWrapper",)),
    ("div", frozenset(), ("jp-Collapser", "jp-InputCollapser", "jp-Cell-inputCollapser")),
    ("div", frozenset(), ("jp-InputArea", "jp-Cell-inputArea")),
    ("div", frozenset({"data-type"}), ("jp-CodeMirrorEditor", "jp-Editor", "jp-InputArea-editor")),
    ("div", frozenset(), ("CodeMirror", "cm-s-jupyter")),
    ("div", frozenset(), ("zeroclipboard-container",)),
    ("clipboard-copy", frozenset({",", "aria-label", "for"}), ()),
    ("div", frozenset(), ()),  # inside clipboard-copy
    ("span", frozenset({"hidden"}), ("notice",)),  # "Copied!", shown by the copy button
    ("svg", frozenset({"aria-hidden", "data-view-component", "height", "version", "viewbox", "width"}), ("clipboard-copy-icon",)),
    ("path", frozenset({"d", "fill", "fill-rule"}), ()),
    ("div", frozenset({"tabindex"}), ("highlight-ipynb", "hl-python")),
    ("div", frozenset({"id"}), ("clipboard-copy-txt",)),  # the copy button's text, never shown
    ("div", frozenset(), ("celltoolbar",)),
    ("div", frozenset(), ("button_container", "tags_button_container")),
    ("span", frozenset(), ("tag-container",)),
    ("span", frozenset(), ("cell-tag",)),
    ("div", frozenset(), ("jp-Cell-outputWrapper",)),
    ("div", frozenset(), ("jp-Collapser", "jp-OutputCollapser", "jp-Cell-outputCollapser")),
    ("div", frozenset(), ("jp-OutputArea", "jp-Cell-outputArea")),
    ("div", frozenset(), ("jp-OutputArea-child",)),
    ("div", frozenset({"data-mime-type", "tabindex"}), ("jp-RenderedText", "jp-OutputArea-output")),
    ("div", frozenset({"data-mime-type", "tabindex"}), ("jp-RenderedSVG", "jp-OutputArea-output")),
    ("div", frozenset({"data-mime-type"}), ("jp-RenderedHTMLCommon", "jp-RenderedMarkdown", "jp-MarkdownOutput")),
}
_CELL = re.compile(r"jp-Cell jp-(?:Code|Markdown)Cell jp-Notebook-cell(?: jp-mod-noOutputs)?(?: celltag_[\w-]+)*")
_CLIPBOARD_PATHS = 2
# What nbconvert's Markdown (mistune) makes of a markdown cell, beyond _PLAIN.
_NB_MARKDOWN = _PLAIN | _HEADINGS | {"p", "a", "code", "ol", "table", "th", "td", "del"}


def _nb_markdown_problem(tag: Tag) -> str | None:
    """An element of a rendered markdown cell: what nbconvert's Markdown makes, no more."""
    name, classes, attrs = tag.name, _classes(tag), _attrs(tag)
    if name not in _NB_MARKDOWN:
        return "an element nbconvert's Markdown does not make (raw HTML, a code block or a picture)"
    if name in _HEADINGS:
        return None if not classes and attrs <= {"id"} else "a heading with attributes"
    if name == "a":
        if classes == ["anchor-link"] and attrs == {"href"} and tag.parent.name in _HEADINGS:
            return None
        if not classes and attrs <= {"href", "title"} and not tag.get("href", "").lower().startswith(("javascript:", "data:")):
            return None
        return "a link with attributes nbconvert's Markdown does not give it"
    if name == "ol":
        return None if not classes and attrs <= {"start"} else "a list with attributes"
    if name in ("th", "td"):
        return None if not classes and (not attrs or (attrs == {"style"} and _ALIGN.fullmatch(tag["style"].strip()))) else "a table cell styled beyond its alignment"
    return None if not classes and not attrs else "attributes nbconvert's Markdown does not give it"


def _nb_problem(tag: Tag) -> str | None:
    """An element of a notebook page's article that mkdocs-jupyter's template would not make."""
    name, classes, attrs, parent = tag.name, _classes(tag), _attrs(tag), tag.parent
    if _inside(tag, "div", "jp-RenderedMarkdown"):
        return _nb_markdown_problem(tag)
    if name == "nav" or (name == "a" and _is(parent, "nav", "run-page")):
        return _run_links_problem(tag)
    if _is(parent, "article"):
        if _edit_button(tag):
            return None
        # The template's own scripts and styles around the notebook (what a style may do is
        # judged in the browser): MathJax's configuration, the Mermaid loader, the copy
        # button's script, the script src="" it leaves for require.js, JupyterLab's CSS.
        if tag.find(True) is None and not classes and (
                (name == "style" and attrs <= {"type"} and tag.get("type", "text/css") == "text/css")
                or (name == "script" and not attrs)
                or (name == "script" and attrs == {"type"} and tag["type"] in ("text/x-mathjax-config", "module"))
                or (name == "script" and attrs == {"src"} and tag["src"] == "")):
            return None
        if classes == ["jupyter-wrapper"] and not attrs:
            return None
        return "an element mkdocs-jupyter's template does not put in the article"
    if name in ("svg", "path") and _inside(tag, "a", "md-content__button"):
        return _md_problem(tag)
    if name == "div" and "jp-Cell" in classes:
        if not _CELL.fullmatch(" ".join(classes)) or not attrs <= {"id"}:
            return "a cell of a kind mkdocs-jupyter does not make"
        if not (_is(parent, "div", "jp-Notebook") or (_is(parent, "div", "jp-Cell") and "jp-CodeCell" in classes)):
            return "a cell outside the notebook"
        return None
    if name == "pre":
        if not classes and not attrs and (_is(parent, "div", "highlight-ipynb") or _is(parent, "div", "jp-OutputArea-output")):
            return None
        return "a <pre> outside a code cell's source or output"
    if name == "span":
        if not classes and not attrs and _is(parent, "pre") and _first_element(parent) is tag and not tag.contents:
            return None
        if len(classes) == 1 and classes[0] in PYGMENTS_CLASSES and not attrs and _is(parent, "pre") and _inside(tag, "div", "highlight-ipynb"):
            return None
        if classes and all(c.startswith("ansi-") for c in classes) and not attrs and _is(parent, "pre") and _inside(tag, "div", "jp-RenderedText"):
            return None
    if name == "img":
        if (_is(parent, "div", "jp-RenderedSVG") and attrs == {"alt", "src", "loading"} and not classes):
            return None
        return "an image that is not a plot a cell drew"
    if (name, frozenset(attrs), tuple(classes)) in NOTEBOOK_STRUCTURE:
        if name in ("svg", "path") and not _inside(tag, "clipboard-copy"):
            return "an SVG drawing outside the copy button"
        return None
    return "an element mkdocs-jupyter's template does not make"


def notebook_problems(page_html: str | Tag) -> list[str]:
    """Every element of a notebook page's article that mkdocs-jupyter, its template and the
    theme would not make there (a markdown cell may hold only what its Markdown makes)."""
    root = article(page_html)
    return _bad_comments(root) + article_problems(root, check=_nb_problem)


@dataclass
class NotebookCell:
    code: str
    outputs: list[str]  # text outputs, in order
    figures: list[bytes]  # SVG figures, in order
    refused: list[str]
    kind: str = "code"  # code or markdown


def notebook_cells(root: Tag) -> list[Tag]:
    """The cells of a rendered notebook (`root`: its .jp-Notebook), whatever the notebook's
    format: mkdocs-jupyter wraps a code cell's div in another, and only nbformat 4.5 cells
    have an id."""
    cells = []
    for cell in root.find_all("div", class_="jp-Cell", recursive=False):
        inner = cell.find("div", class_="jp-Cell", recursive=False)
        cells.append(inner if inner is not None and "jp-CodeCell" in _classes(cell) else cell)
    return cells


def notebook_census(page_html: str | Tag, read=None, markdown: bool = False) -> tuple[list[NotebookCell], list[str]]:
    """The code cells of a page mkdocs-jupyter rendered, and what is refused outside them.
    With `markdown`, the markdown cells too, in order (kind "markdown", no code).

    A figure is an SVG embedded as a `data:` image or, as hooks/markup.py serves them, a
    file next to the page: `read(src)` gives that file's bytes (or None if there is none)."""
    root = article(page_html).select_one(".jp-Notebook")
    if root is None:
        return [], ["no rendered notebook found"]
    cells, refused = [], []
    for cell in notebook_cells(root):
        classes = cell.get("class") or []
        if "jp-MarkdownCell" in classes:
            for tag in cell.select_one(".jp-RenderedMarkdown").find_all(True) if cell.select_one(".jp-RenderedMarkdown") else []:
                reason = _nb_markdown_problem(tag)
                if reason:
                    refused.append(f"a markdown cell: {_describe(tag)}: {reason}")
            if markdown:
                cells.append(NotebookCell("", [], [], [], kind="markdown"))
            continue
        if "jp-CodeCell" not in classes:
            refused.append(f"a cell of an unknown kind: {classes}")
            continue
        source = cell.select_one(".jp-InputArea .highlight-ipynb pre")
        code = comparable(source.get_text()) if source else ""
        outputs, figures, bad = [], [], []
        copied = cell.select_one(".clipboard-copy-txt")
        if copied is not None and comparable(copied.get_text()) != code:
            bad.append("the copy button copies code other than the cell shows")
        for out in cell.select(".jp-OutputArea-output"):
            mime = out.get("data-mime-type", "")
            if mime in ("text/plain", "application/vnd.jupyter.stdout", "application/vnd.jupyter.stderr"):
                outputs.append(comparable(out.get_text()))
            elif mime == "image/svg+xml":
                img = out.find("img")
                src = img.get("src", "") if img else ""
                prefix = "data:image/svg+xml;base64,"
                served = None
                if src.startswith(prefix):
                    served = base64.b64decode(src[len(prefix):])
                elif read is not None and re.fullmatch(r"figure-[0-9a-f]{12}\.svg", src):
                    served = read(src)
                if served is None:
                    bad.append(f"an SVG output that is not the stored figure ({src[:40]!r})")
                else:
                    figures.append(served)
            else:
                bad.append(f"an output the tests cannot check ({mime or 'unknown type'})")
        cells.append(NotebookCell(code, outputs, figures, bad))
    return cells, refused


# --- Raw HTML in the sources: what a page writes, not what the renderer makes. -----------


def _raw_tags(raw: str) -> list[Tag]:
    return BeautifulSoup(raw, "html.parser").find_all(True)


def _raw_problem(tag) -> str | None:
    name = tag.name if isinstance(tag, Tag) else str(tag.tag).lower()
    attrs = tag.attrs if isinstance(tag, Tag) else tag.attrib
    if name not in RAW_INLINE:
        return f"raw HTML <{name}>: a page may write only {sorted(RAW_INLINE)}, without attributes"
    if attrs:
        return f"raw HTML <{name}> with attributes {sorted(attrs)}: a page may write none"
    return None


def _line_of(source: str, raw: str, seen: dict[str, int]) -> int | None:
    """The line of `raw`'s first tag in `source`: the next occurrence of that opening tag
    after the ones already placed (`seen`)."""
    opening = re.match(r"\s*(<[^\s>/]*)", raw)
    needle = (opening.group(1) if opening else raw.strip()[:20]).lower()
    at = source.lower().find(needle, seen.get(needle, 0)) if needle else -1
    if at < 0:
        return None
    seen[needle] = at + len(needle)
    return source.count("\n", 0, at) + 1


def raw_html_problems(renderer, source: str, first_line: int = 1) -> list[tuple[int | None, str]]:
    """The raw HTML a Markdown page's source writes that is not on RAW_INLINE, with its line.

    The page is rendered with the site's own renderer (`markdown_renderer`), recording what
    its raw-HTML stages take in: the block preprocessor (md_in_html's, which keeps a
    `markdown` block's tags as elements) and the inline `html` pattern. Whatever the
    renderer treats as raw HTML is seen, and nothing it does not (code, fences)."""
    recorded: list = []
    block = renderer.preprocessors["html_block"]
    inline = renderer.inlinePatterns["html"]
    run, handle = block.run, inline.handleMatch

    def block_run(lines):
        before = len(renderer.htmlStash.rawHtmlBlocks)
        out = run(lines)
        recorded.extend(renderer.htmlStash.rawHtmlBlocks[before:])
        return out

    def inline_match(m, data):
        recorded.append(m.group(1))
        return handle(m, data)

    block.run, inline.handleMatch = block_run, inline_match
    try:
        renderer.reset()
        renderer.convert(source)
    finally:
        block.run, inline.handleMatch = run, handle
    return _judge(recorded, source, first_line)


# Comments a browser ends where Python-Markdown and html.parser do: not "<!-->" or
# "<!--->" (which end at once in a browser, showing what follows), no "--" inside.
_COMMENTS = re.compile(r"\s*(?:<!--(?!-?>)(?:(?!--).)*-->\s*)*", re.S)


def _bad_comments(root: Tag) -> list[str]:
    """Comments in a rendered article that a browser would end earlier than the census."""
    return [f"a comment a browser ends early, showing what follows: <!--{c[:40]}-->"
            for c in root.find_all(string=lambda t: isinstance(t, Comment))
            if not _COMMENTS.fullmatch(f"<!--{c}-->")]


def _judge(recorded, source: str, first_line: int) -> list[tuple[int | None, str]]:
    problems, seen = [], {}
    for raw in recorded:
        if isinstance(raw, str):
            if _COMMENTS.fullmatch(raw):
                continue  # a comment: nothing a reader sees
            tags = _raw_tags(raw)
            if not tags and re.search(r"<[a-zA-Z!?]", raw):
                tags = [None]
            line = _line_of(source, raw, seen)
            for tag in tags:
                reason = _raw_problem(tag) if tag is not None else f"raw markup {raw.strip()[:40]!r}"
                if reason:
                    problems.append((line and line + first_line - 1, reason))
        else:  # an element md_in_html made of a `markdown` block's raw tags
            line = _line_of(source, "<" + str(raw.tag), seen)
            reason = _raw_problem(raw)  # its children are the Markdown it holds, or stashed apart
            if reason:
                problems.append((line and line + first_line - 1, reason))
    return sorted(problems, key=lambda p: p[0] or 0)


def notebook_raw_html_problems(source: str) -> list[tuple[int | None, str]]:
    """The raw HTML a notebook's markdown cell writes beyond RAW_INLINE, as nbconvert's
    Markdown (mistune, which mkdocs-jupyter renders markdown cells with) reads it."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    recorded: list[str] = []

    class Recording(IPythonRenderer):
        def block_html(self, html: str) -> str:
            recorded.append(html)
            return super().block_html(html)

        def inline_html(self, html: str) -> str:
            recorded.append(html)
            return super().inline_html(html)

    MarkdownWithMath(renderer=Recording(escape=False)).render(source)
    return _judge(recorded, source, 1)


# --- The rest of the served page: the theme's header, navigation, sidebars and footer. ---

# (tag, attributes, classes) of every element Material 9.8 puts around the article on this
# site's pages (mkdocs.yml's features and palette), taken from a build; a theme update
# that changes its markup shows up here as refused elements, and the list is updated
# after looking at what changed.
THEME_CHROME = {
    ('a', ('aria-label', 'data-md-component', 'href', 'title'), ('md-header__button', 'md-logo')),
    ('a', ('aria-label', 'data-md-component', 'href', 'title'), ('md-nav__button', 'md-logo')),
    ('a', ('aria-label', 'href'), ('md-footer__link', 'md-footer__link--next')),
    ('a', ('aria-label', 'href'), ('md-footer__link', 'md-footer__link--prev')),
    ('a', ('href',), ('md-nav__link',)),
    ('a', ('href',), ('md-nav__link', 'md-nav__link--active')),
    ('a', ('href',), ('md-skip',)),
    ('a', ('href', 'rel', 'target'), ()),
    ('a', ('href', 'title'), ('md-source',)),
    ('body', ('data-md-color-accent', 'data-md-color-primary', 'data-md-color-scheme', 'dir'), ()),
    ('button', ('aria-label', 'tabindex', 'title', 'type'), ('md-search__icon', 'md-icon')),
    ('button', ('data-md-component', 'hidden', 'type'), ('md-top', 'md-icon')),
    ('div', (), ('md-copyright',)),
    ('div', (), ('md-dialog__inner', 'md-typeset')),
    ('div', (), ('md-ellipsis',)),
    ('div', (), ('md-footer-meta', 'md-typeset')),
    ('div', (), ('md-footer-meta__inner', 'md-grid')),
    ('div', (), ('md-footer__button', 'md-icon')),
    ('div', (), ('md-footer__title',)),
    ('div', (), ('md-header__ellipsis',)),
    ('div', (), ('md-header__source',)),
    ('div', (), ('md-header__topic',)),
    ('div', (), ('md-main__inner', 'md-grid')),
    ('div', (), ('md-nav__source',)),
    ('div', (), ('md-search-result__meta',)),
    ('div', (), ('md-search__output',)),
    ('div', (), ('md-sidebar__inner',)),
    ('div', (), ('md-sidebar__scrollwrap',)),
    ('div', (), ('md-source__icon', 'md-icon')),
    ('div', (), ('md-source__repository',)),
    ('div', ('aria-label', 'data-md-component', 'role'), ('md-search',)),
    ('div', ('data-md-color-scheme', 'data-md-component', 'hidden'), ()),
    ('div', ('data-md-component',), ()),
    ('div', ('data-md-component',), ('md-container',)),
    ('div', ('data-md-component',), ('md-content',)),
    ('div', ('data-md-component',), ('md-dialog',)),
    ('div', ('data-md-component',), ('md-header__title',)),
    ('div', ('data-md-component',), ('md-header__topic',)),
    ('div', ('data-md-component',), ('md-search-result',)),
    ('div', ('data-md-component', 'data-md-type'), ('md-sidebar', 'md-sidebar--primary')),
    ('div', ('data-md-component', 'data-md-type'), ('md-sidebar', 'md-sidebar--secondary')),
    ('div', ('data-md-scrollfix', 'tabindex'), ('md-search__scrollwrap',)),
    ('div', ('role',), ('md-search__inner',)),
    ('footer', (), ('md-footer',)),
    ('form', ('data-md-component',), ('md-header__option',)),
    ('form', ('name',), ('md-search__form',)),
    ('head', (), ()),
    ('header', ('data-md-component',), ('md-header', 'md-header--shadow')),
    ('html', ('lang',), ('no-js',)),
    ('input', ('aria-label', 'autocapitalize', 'autocomplete', 'autocorrect', 'data-md-component', 'name', 'placeholder', 'required', 'spellcheck', 'type'), ('md-search__input',)),
    ('input', ('aria-label', 'data-md-color-accent', 'data-md-color-media', 'data-md-color-primary', 'data-md-color-scheme', 'id', 'name', 'type'), ('md-option',)),
    ('input', ('autocomplete', 'data-md-toggle', 'id', 'type'), ('md-toggle',)),
    ('input', ('checked', 'id', 'type'), ('md-nav__toggle', 'md-toggle')),
    ('input', ('id', 'type'), ('md-nav__toggle', 'md-toggle')),
    ('label', ('for',), ('md-header__button', 'md-icon')),
    ('label', ('for',), ('md-nav__link', 'md-nav__link--active')),
    ('label', ('for',), ('md-nav__title',)),
    ('label', ('for',), ('md-overlay',)),
    ('label', ('for',), ('md-search__icon', 'md-icon')),
    ('label', ('for',), ('md-search__overlay',)),
    ('label', ('for', 'hidden', 'title'), ('md-header__button', 'md-icon')),
    ('label', ('for', 'id', 'tabindex'), ('md-nav__link',)),
    ('li', (), ('md-nav__item',)),
    ('li', (), ('md-nav__item', 'md-nav__item--active')),
    ('li', (), ('md-nav__item', 'md-nav__item--active', 'md-nav__item--section', 'md-nav__item--nested')),
    ('li', (), ('md-nav__item', 'md-nav__item--section', 'md-nav__item--nested')),
    ('link', ('href', 'rel'), ()),
    ('main', ('data-md-component',), ('md-main',)),
    ('meta', ('charset',), ()),
    ('meta', ('content', 'name'), ()),
    ('nav', ('aria-expanded', 'aria-labelledby', 'data-md-level'), ('md-nav',)),
    ('nav', ('aria-label',), ('md-footer__inner', 'md-grid')),
    ('nav', ('aria-label',), ('md-header__inner', 'md-grid')),
    ('nav', ('aria-label',), ('md-nav',)),
    ('nav', ('aria-label',), ('md-nav', 'md-nav--secondary')),
    ('nav', ('aria-label',), ('md-search__options',)),
    ('nav', ('aria-label', 'data-md-level'), ('md-nav', 'md-nav--primary')),
    ('ol', ('role',), ('md-search-result__list',)),
    ('path', ('d',), ()),
    ('script', (), ()),
    ('script', ('id', 'type'), ()),
    ('script', ('src',), ()),
    ('span', (), ('md-ellipsis',)),
    ('span', (), ('md-footer__direction',)),
    ('span', (), ('md-nav__icon', 'md-icon')),
    ('svg', ('viewbox', 'xmlns'), ()),
    ('title', (), ()),
    ('ul', (), ('md-nav__list',)),
    ('ul', ('data-md-component', 'data-md-scrollfix'), ('md-nav__list',)),
    ('ul', ('data-md-scrollfix',), ('md-nav__list',)),
}
# The theme's icons are inline SVG inside these holders, and nowhere else.
ICON_HOLDERS = {
    ("a", ("md-header__button", "md-logo")), ("a", ("md-nav__button", "md-logo")),
    ("label", ("md-header__button", "md-icon")), ("label", ("md-search__icon", "md-icon")),
    ("button", ("md-search__icon", "md-icon")), ("button", ("md-top", "md-icon")),
    ("div", ("md-source__icon", "md-icon")), ("div", ("md-footer__button", "md-icon")),
}
# The theme's files, by a relative path or (on the 404 page) an absolute one.
_THEME_ASSET = {
    "link": re.compile(r"(?:(?:\.\./)*|/(?:[\w.-]+/)*)(?:assets/stylesheets/(?:main|palette)\.[0-9a-f]+\.min\.css|stylesheets/extra\.css)"),
    "script": re.compile(r"(?:(?:\.\./)*|/(?:[\w.-]+/)*)assets/javascripts/bundle\.[0-9a-f]+\.min\.js"),
}


def _chrome_problem(tag: Tag) -> str | None:
    name, classes = tag.name, tuple(_classes(tag))
    if (name, tuple(sorted(_attrs(tag))), classes) not in THEME_CHROME:
        return "an element the theme does not make there"
    if name == "svg":
        holder = tag.parent
        if (holder.name, tuple(_classes(holder))) not in ICON_HOLDERS or any(
                c.name != "path" for c in tag.children if isinstance(c, Tag)):
            return "an inline <svg> that is not one of the theme's icons"
    if name == "path" and not (_is(tag.parent, "svg") and _chrome_problem(tag.parent) is None):
        return "an SVG shape outside the theme's icons"
    if name == "link" and "stylesheet" in (tag.get("rel") or []) and not _THEME_ASSET["link"].fullmatch(tag.get("href", "")):
        return "a style sheet other than the theme's and docs/stylesheets/extra.css"
    if name == "script" and tag.has_attr("src") and not _THEME_ASSET["script"].fullmatch(tag["src"]):
        return "a script other than the theme's"
    return None


def chrome_problems(page_html: str) -> list[str]:
    """Every element of the served page outside the article that the theme would not make:
    what a nav label, the copyright, a front-matter title or a hook could add around it."""
    before, _, after = _split(page_html)
    soup = BeautifulSoup(before + ARTICLE + "</article>" + after, "html.parser")
    problems = []
    for tag in soup.find_all(True):
        if _is(tag, "article", "md-content__inner"):
            continue
        reason = _chrome_problem(tag)
        if reason:
            problems.append(f"{_describe(tag)}: {reason}")
    return problems


def markdown_renderer(mkdocs_yml):
    """A Markdown converter with the site's extensions, for testing the census itself."""
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(mkdocs_yml))
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


def render(renderer, text: str) -> str:
    renderer.reset()
    return '<article class="md-content__inner md-typeset">' + renderer.convert(text) + "</article>"


def rendered_python_code(renderer, text: str) -> list[str]:
    return [s.text for s in markdown_census(render(renderer, text)) if s.kind == "python"]


# --- Files under docs/: the kinds the census checks, with their suffix exactly. ----------

# Pages, the figures their code draws, and the site's styles. MkDocs and mkdocs-jupyter
# read only these lower-case suffixes as pages: a page.MD or plot.SVG would be served as a
# file that no census test reads.
DOCS_FILES = {".md", ".ipynb", ".svg", ".css"}


def unchecked_docs_files(docs) -> list[str]:
    """The files under `docs` that the site would serve but no check reads: a suffix not on
    DOCS_FILES, in any case (`.SVG`, `.Md`, `.py`, `.html`), or a style sheet outside
    docs/stylesheets/."""
    found = []
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = path.relative_to(docs)
        if path.suffix not in DOCS_FILES:
            found.append(f"{rel}: a file of a kind the site's checks do not read ({path.suffix or 'no suffix'})")
        elif path.suffix == ".css" and rel.parent.as_posix() != "stylesheets":
            found.append(f"{rel}: a style sheet outside docs/stylesheets/")
    return found


# --- Text the configuration and front matter put around the article. ------------------

_MARKUP = re.compile(r"<[a-zA-Z/!?]|&[#\w]+;")


def config_markup_problems(config: dict, where: str = "mkdocs.yml") -> list[str]:
    """Markup in the texts mkdocs.yml or a page's front matter puts in the page (nav labels,
    titles, the copyright...): the theme inserts them unescaped, so a label could reuse the
    theme's own classes, which `chrome_problems` would take for the theme's markup."""
    found = []

    def walk(value, path):
        if isinstance(value, str):
            if _MARKUP.search(value):
                found.append(f"{where}: {path or 'a value'} holds markup: {value[:60]!r}")
        elif isinstance(value, dict):
            for key, item in value.items():
                if path.startswith("nav"):  # a nav entry is {label: page}
                    walk(str(key), f"{path}, its label")
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, f"{path}[{n}]")

    walk({k: v for k, v in config.items() if k not in ("markdown_extensions", "theme", "plugins")}, "")
    return found
