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

Anything else is refused with the reason: a code block without a language (an indented
block, raw ``<pre>``), a language not on the list (a typo such as ``pyhton``, ``text``,
``console``, ``json``), an element hidden from the reader (``style=``, ``hidden``,
``<noscript>``, ``<template>``) or an image nobody drew (inline ``<svg>``, ``data:``
URIs, any other picture).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from .pages import UNCHECKED_PYTHON
from .rules import PYTHON_LANGS

# Languages a page may show that the tests do not run: commands and configuration.
ALLOWED_LANGUAGES = {"bash", "yaml", "toml"}
# A shell line that runs Python code given inline would be Python nothing checks.
_INLINE_PYTHON = re.compile(r"\bpython[\d.]*\s+(?:-[a-zA-Z]*c\b|-\s*<<|<<)|<<\s*['\"]?PY", re.IGNORECASE)
_HIDING_TAGS = {"noscript", "template", "iframe", "object", "embed", "video", "audio", "canvas", "picture", "frame"}


@dataclass
class Shown:
    kind: str  # python, output, other, image, refused
    text: str = ""
    title: str | None = None
    lang: str | None = None


def comparable(code: str) -> str:
    """Code as text, without the whitespace differences highlighting introduces."""
    return "\n".join(line.rstrip() for line in code.split("\n")).strip("\n")


def article(page_html: str) -> Tag:
    soup = BeautifulSoup(page_html, "html.parser")
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


def _is_icon(tag: Tag) -> bool:
    """Theme icons (the edit button, admonition and copy icons) are drawings, not figures."""
    for parent in [tag, *tag.parents]:
        classes = parent.get("class") or [] if isinstance(parent, Tag) else []
        if any(c in ("md-icon", "twemoji", "md-content__button", "md-clipboard", "zeroclipboard-container") for c in classes):
            return True
    return False


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
        if _INLINE_PYTHON.search(text):
            return Shown("refused", text, title, langs[0])
        return Shown("other", text, title, langs[0])
    return Shown("refused", text, title, ",".join(langs) or None)


_ALIGN_ONLY = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")


def _hidden(tag: Tag) -> bool:
    """An element that can hide what it holds (Markdown tables' text-align is harmless)."""
    style = tag.get("style")
    if style is not None and not (tag.name in ("th", "td") and _ALIGN_ONLY.match(style)):
        return True
    return tag.has_attr("hidden") or tag.name in _HIDING_TAGS


def markdown_census(page_html: str) -> list[Shown]:
    """Every block of a Markdown page's article, in page order."""
    shown = []
    for tag in article(page_html).find_all(True):
        if _hidden(tag):
            shown.append(Shown("refused", str(tag)[:120], lang=f"hidden <{tag.name}>"))
        elif tag.name == "pre":
            shown.append(classify_pre(tag))
        elif tag.name == "img":
            src = tag.get("src", "")
            shown.append(Shown("refused" if src.startswith("data:") else "image", src, lang="img"))
        elif tag.name == "svg" and not _is_icon(tag):
            shown.append(Shown("refused", "inline <svg>", lang="svg"))
        elif tag.name in ("script", "style"):
            shown.append(Shown("refused", str(tag)[:120], lang=f"<{tag.name}> in the article"))
    return shown


@dataclass
class NotebookCell:
    code: str
    outputs: list[str]  # text outputs, in order
    figures: list[bytes]  # SVG figures, in order
    refused: list[str]


def notebook_census(page_html: str, read=None) -> tuple[list[NotebookCell], list[str]]:
    """The code cells of a page mkdocs-jupyter rendered, and what is refused outside them.

    A figure is an SVG embedded as a `data:` image or, as hooks/markup.py serves them, a
    file next to the page: `read(src)` gives that file's bytes (or None if there is none)."""
    root = article(page_html).select_one(".jp-Notebook")
    if root is None:
        return [], ["no rendered notebook found"]
    cells, refused = [], []
    for cell in root.select("div.jp-Cell[id]"):
        classes = cell.get("class") or []
        if "jp-MarkdownCell" in classes:
            for tag in cell.find_all(True):
                if tag.name == "pre":
                    block = classify_pre(tag)
                    if block.kind != "other":
                        refused.append(f"a code block in a markdown cell ({block.lang}): {block.text[:60]!r}")
                elif tag.name in ("img", "svg") or _hidden(tag) or tag.name in ("script", "style"):
                    refused.append(f"<{tag.name}> in a markdown cell")
            continue
        if "jp-CodeCell" not in classes:
            refused.append(f"a cell of an unknown kind: {classes}")
            continue
        source = cell.select_one(".jp-InputArea .highlight-ipynb pre")
        code = comparable(source.get_text()) if source else ""
        outputs, figures, bad = [], [], []
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
