"""What the harness's modules share: its error types and the patterns that define a page's
syntax. A leaf: it imports nothing of the harness, so every other module can import it
(no import circles between pages, prose, notebooks and the plugin)."""

from __future__ import annotations

import re


class PageError(Exception):
    """A page that the harness cannot read; the message names the page and line."""


class FenceFailure(Exception):
    """A check failed; the message says where and what differs."""


# The names of fences the harness runs, and of the blocks it checks as their output.
PYTHON_LANGS = {"python", "py", "python3", "py3", "pyi"}
OUTPUT_LANG = "output"
# What code that is not run must tell the reader, in a fence's title or a cell's first line.
NOT_RUN = re.compile(r"^Not run here: \S.{7,}")
