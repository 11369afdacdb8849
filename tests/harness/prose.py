"""Numbers a page writes in its prose must be numbers its outputs print.

Prose that restates an output goes stale silently: change the code, update the
outputs, and "errors average about 150" stays while the output now says 65.6. Two
rules, both on what the reader reads (prose: text outside code blocks and inline code):

1. A decimal number (``0.153``) or a percentage (``87%``, ``87.4%``) in the prose must be
   a number some output on the same page prints, at the precision the prose writes it
   (``0.153`` matches ``0.1531``; ``87%`` matches ``0.8738`` or ``87.4``).
2. When ``--update-outputs`` rewrites an output, any number in the prose (integers too)
   that the old output printed and that no output prints any more fails the update: the
   sentence restated the old output.
"""

from __future__ import annotations

import re

_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+\1")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]+>")
# A version ("Keras 3.15", "TensorFlow 2.21") is a name, not a measurement.
_VERSION = r"(?<!Keras )(?<!TensorFlow )(?<!TF )(?<!Python )(?<!NumPy )(?<!version )"
_PROSE_NUMBER = re.compile(_VERSION + r"(?<![\w.])(?P<num>\d+\.\d+|\d+(?:\.\d+)?%)(?![\w.]*\d)")
_ANY_PROSE_NUMBER = re.compile(_VERSION + r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?%?)(?![\w])")
_OUTPUT_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def markdown_prose(page) -> list[tuple[int, str]]:
    """The page's lines outside code blocks, without inline code, links and HTML tags."""
    inside = {n for f in page.fences for n in range(f.line, f.end_line + 1)}
    text = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m.group(0)), page.text, flags=re.DOTALL)
    lines = []
    for n, line in enumerate(text.split("\n"), start=1):
        if n in inside or line.lstrip().startswith(("description:", "![")):
            continue
        lines.append((n, _LINK_TARGET.sub(" ", _INLINE_CODE.sub(" ", line))))
    return lines


def _values(outputs: list[str]) -> list[str]:
    return [m.group(0).replace(",", "") for text in outputs for m in _OUTPUT_NUMBER.finditer(text)]


def _matches(number: str, printed: list[str]) -> bool:
    """Whether ``number`` as the prose writes it is one of the printed numbers, rounded."""
    percent = number.endswith("%")
    digits = number.rstrip("%").replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    target = float(digits)
    half = 0.5 * 10 ** -decimals + 1e-12
    for text in printed:
        value = float(text)
        candidates = [value, value * 100] if percent else [value]
        if any(abs(c - target) <= half for c in candidates):
            return True
    return False


def has_numbers(prose: list[tuple[int, str]]) -> bool:
    return any(_PROSE_NUMBER.search(line) for _, line in prose)


def unbacked_numbers(prose: list[tuple[int, str]], outputs: list[str]) -> list[tuple[int, str]]:
    printed = _values(outputs)
    return [
        (n, m.group("num"))
        for n, line in prose
        for m in _PROSE_NUMBER.finditer(line)
        if not _matches(m.group("num"), printed)
    ]


def check_update(page, old: str, new: str) -> None:
    """Rule 2: an update may not leave prose restating a number the old output printed."""
    from .plugin import FenceFailure

    text_lines, outputs = page.prose_and_outputs()
    old_numbers, new_numbers = _values([old]), _values([new])
    stale = []
    for n, line in text_lines:
        for m in _ANY_PROSE_NUMBER.finditer(line):
            number = m.group("num")
            if _matches(number, old_numbers) and not _matches(number, new_numbers):
                others = [o for o in outputs if o.strip() != old.strip()]
                if not _matches(number, _values(others)):
                    stale.append((n, number))
    if stale:
        raise FenceFailure(
            "\n".join(
                f"{page.rel(n)}: the prose says {number}, which the old output printed and the "
                "new one does not: update the sentence (or refer to the output instead)"
                for n, number in stale
            )
        )
