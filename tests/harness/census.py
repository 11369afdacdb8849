"""Find the Python code a reader sees, by rendering a page exactly as the site does.

This is deliberately independent of the fence scanner in pages.py. The census test
(tests/test_site.py) requires the two to agree block by block, in order and in
content: a Python block the reader sees but the harness does not run (a nesting the
scanner does not know, an odd info string), a fence the harness runs but the reader
never sees (inside an HTML comment), or a line the renderer drops (a snippet section
marker) all make it fail.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
from mkdocs.config import load_config

from .pages import PYTHON_LANGS, UNCHECKED_PYTHON

_LANGS = "|".join(sorted(PYTHON_LANGS | UNCHECKED_PYTHON))
_BLOCK = re.compile(rf'<div class="language-(?:{_LANGS}) highlight">', re.IGNORECASE)
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
_LINENOS = re.compile(r'<span class="linenos"[^>]*>.*?</span>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def markdown_renderer(mkdocs_yml: Path) -> markdown.Markdown:
    """A Markdown converter with exactly the site's extensions and their settings."""
    config = load_config(str(mkdocs_yml))
    return markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
    )


def comparable(code: str) -> str:
    """Code as text, without the whitespace differences highlighting introduces."""
    return "\n".join(line.rstrip() for line in code.split("\n")).strip("\n")


def rendered_python_code(renderer: markdown.Markdown, text: str) -> list[str]:
    """The text of every Python code block on the rendered page, in page order."""
    renderer.reset()
    # Superfences renders fences before HTML comments are seen, so a fence inside
    # <!-- --> reaches the HTML, where the browser hides it: it does not count as shown.
    page = _COMMENT.sub("", renderer.convert(text))
    blocks = []
    for start in _BLOCK.finditer(page):
        code = _CODE.search(page, start.end())
        blocks.append(comparable(html.unescape(_TAG.sub("", _LINENOS.sub("", code.group(1))))))
    return blocks
