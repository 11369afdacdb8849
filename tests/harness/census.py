"""Count the Python blocks a reader sees, by rendering a page as the site does.

This is deliberately independent of the fence scanner in pages.py: if the two counts
differ, some Python block on the page escapes the tests (a nesting the scanner does
not know, an odd info string), and the census test fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from mkdocs.config import load_config

from .pages import PYTHON_LANGS, UNCHECKED_PYTHON

_BLOCK = re.compile(
    r'<div class="language-(?:%s) highlight"' % "|".join(sorted(PYTHON_LANGS | UNCHECKED_PYTHON)),
    re.IGNORECASE,
)


def markdown_renderer(mkdocs_yml: Path) -> markdown.Markdown:
    """A Markdown converter with exactly the site's extensions and their settings."""
    config = load_config(str(mkdocs_yml))
    return markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
    )


def rendered_python_blocks(renderer: markdown.Markdown, text: str) -> int:
    renderer.reset()
    return len(_BLOCK.findall(renderer.convert(text)))
