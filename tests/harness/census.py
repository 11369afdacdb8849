"""Find the code and output a reader sees, in the HTML the site really serves.

This is deliberately independent of the fence scanner in pages.py. The census tests
(tests/test_site.py) build the site with MkDocs, so hooks, plugins and front matter
all apply, and require the built pages to agree with the harness block by block, in
order and in content: a Python block the reader sees but the harness does not run, a
fence the harness runs that the reader never sees, or an output block that differs
from the page source all make them fail.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
from mkdocs.config import load_config

from .pages import PYTHON_LANGS, UNCHECKED_PYTHON

_DIV = re.compile(r'<div class="(?P<classes>[^"]*)"[^>]*>')
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
_LINENOS = re.compile(r'<span class="linenos"[^>]*>.*?</span>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.DOTALL)
_HIDDEN = re.compile(r"<[a-zA-Z][^>]*\s(?:hidden(?:[\s>=])|style=\"[^\"]*display:\s*none)", re.IGNORECASE)


def comparable(code: str) -> str:
    """Code as text, without the whitespace differences highlighting introduces."""
    return "\n".join(line.rstrip() for line in code.split("\n")).strip("\n")


def content(page_html: str) -> str:
    """The article a reader reads, without HTML comments (the browser hides those)."""
    article = _ARTICLE.search(page_html)
    return _COMMENT.sub("", article.group(1) if article else page_html)


def code_blocks(page_html: str) -> tuple[list[str], list[str]]:
    """The Python blocks and the output blocks of a page, in page order."""
    python, output = [], []
    text = content(page_html)
    for div in _DIV.finditer(text):
        classes = div.group("classes").lower().split()
        lang = next((c[len("language-") :] for c in classes if c.startswith("language-")), None)
        if "highlight" not in classes or lang is None:
            continue
        if lang in PYTHON_LANGS | UNCHECKED_PYTHON or lang == "output":
            code = _CODE.search(text, div.end())
            block = comparable(html.unescape(_TAG.sub("", _LINENOS.sub("", code.group(1)))))
            (output if lang == "output" else python).append(block)
    return python, output


def hidden_elements(page_html: str) -> list[str]:
    """Elements the page hides from readers: code could run there unseen."""
    return _HIDDEN.findall(content(page_html))


def markdown_renderer(mkdocs_yml: Path) -> markdown.Markdown:
    """A Markdown converter with the site's extensions, for testing the census itself."""
    config = load_config(str(mkdocs_yml))
    return markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
    )


def rendered_python_code(renderer: markdown.Markdown, text: str) -> list[str]:
    renderer.reset()
    return code_blocks(renderer.convert(text))[0]
