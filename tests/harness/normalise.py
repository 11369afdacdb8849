"""The one place where shown output and real output are made comparable.

Pages show real output, written by ``pytest --update-outputs``. Before comparing
it with what a run prints, both sides go through :func:`normalise`, which masks
only what cannot repeat from one run to the next on the same machine:

1. trailing spaces at line ends, and blank lines at the start and end;
2. memory addresses in object representations (``<... at 0x7f3a...>``), which change
   every run. Two different addresses in one block stay different after masking
   (``0x…1``, ``0x…2``, numbered in order of appearance), so a page cannot show two
   objects as one; other hexadecimal numbers are compared;
3. step and epoch times in Keras progress lines (``1s 20ms/step``, ``ETA: 3s``),
   which depend on the machine's load. Only in a Keras progress line: a time printed
   anywhere else is compared like any other text.

Everything else must match, with one declared exception (:func:`agree`): an output
block whose page shows a tolerance to the reader (``±0.005`` in the block's title on a
Markdown page, in a comment of the cell in a notebook) accepts numbers with a decimal
point that differ by at most that much. Integers, text, shapes and the layout of the
block must still match exactly. That is how a page shows numbers that honestly vary
with the CPU (losses after training), and nothing else.

Figures (:func:`same_figure`) are compared as SVG whose numbers (coordinates) may
differ by at most FIGURE_TOLERANCE_PX, half a pixel, which nobody can see: rounding
moves a training curve by about 4e-5 px between CPUs, and one test image classified
differently after training moves an accuracy curve by about 0.15 px; another curve,
axis, tick label or number of epochs changes the SVG's structure, and other data moves
points by far more.
"""

from __future__ import annotations

import re

FIGURE_TOLERANCE_PX = 0.5
# The largest tolerance a page may declare: beyond it a number says nothing.
MAX_TOLERANCE = 0.05

_ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]+\b")
# A Keras progress line: "12/12 ━━━━━━━━━━━━━━━━━━━━ 1s 20ms/step - loss: 0.31",
# or with verbose=2: "12/12 - 1s - 20ms/step - loss: 0.31"
_PROGRESS = re.compile(r"^\s*\d+/\d+ (?:[━─=>\.\[\] ]+|- )")
_TIME = re.compile(r"\b(ETA: )?\d+(\.\d+)?(s|ms|us|µs)(/(step|sample))?\b")
_DECIMAL = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+")
_TOLERANCE = re.compile(r"±\s*(?P<tol>\d+(?:\.\d+)?(?:[eE]-?\d+)?)")


def normalise(text: str) -> str:
    lines = []
    addresses: dict[str, str] = {}

    def address(match: re.Match) -> str:
        return addresses.setdefault(match.group(0).lower(), f"0x…{len(addresses) + 1}")

    for line in text.split("\n"):
        line = _ADDRESS.sub(address, line.rstrip())
        if _PROGRESS.match(line):
            line = _TIME.sub("<time>", line)
            line = re.sub(r"<time>(?: (?:- )?<time>)+", "<time>", line)
        lines.append(line)
    return "\n".join(lines).strip("\n")


def tolerance_in(text: str | None) -> float | None:
    """The tolerance a title or comment declares to the reader, as ``±0.005``."""
    m = _TOLERANCE.search(text or "")
    return float(m.group("tol")) if m else None


_ANY_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _within(shown: str, actual: str, tolerance: float, numbers: re.Pattern = _DECIMAL) -> bool:
    if numbers.split(shown) != numbers.split(actual):
        return False  # the text around the numbers, integers included, must be the same
    pairs = zip(numbers.findall(shown), numbers.findall(actual))
    return all(abs(float(a) - float(b)) <= tolerance * (1 + 1e-9) for a, b in pairs)


def agree(shown: str, actual: str, tolerance: float | None = None) -> bool:
    """Whether the output shown and the output printed are the same, as documented above."""
    a, b = normalise(shown), normalise(actual)
    return a == b or (tolerance is not None and _within(a, b, tolerance))


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def _canonical_ids(svg: str) -> str:
    """Matplotlib names clip paths and markers by hashing their coordinates; rename them in
    order of appearance so that a rounding-size move does not change every reference."""
    names = {}
    for ident in _SVG_ID.findall(svg):
        names.setdefault(ident, f"id{len(names)}")
    if not names:
        return svg
    pattern = re.compile("|".join(re.escape(i) for i in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group(0)], svg)


def same_figure(shown: bytes, drawn: bytes) -> bool:
    a = _canonical_ids(shown.decode("utf-8"))
    b = _canonical_ids(drawn.decode("utf-8"))
    return a == b or _within(a, b, FIGURE_TOLERANCE_PX, _ANY_NUMBER)
