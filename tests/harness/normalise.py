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
block whose page shows the reader the one tolerance sentence (:data:`TOLERANCE_SENTENCE`,
``Trained numbers: may differ by up to ±0.005 on your machine``, as the block's title on
a Markdown page, as a comment line of its own in a notebook cell) accepts decimal numbers
that differ by at most that much, and by at most a tenth of the number shown (or one
unit in its last printed place, where rounding alone moves it that far), without
changing sign. Integers, versions (``2.21.0``), dates, text, shapes and the layout of the
block must still match exactly, but for the spaces NumPy pads numbers with. That is how a page shows numbers that honestly vary
with the CPU (losses after training), and nothing else.

Figures (:func:`same_figure`) are compared as SVG whose coordinates (path points,
positions, boxes, translations; every other number exactly) may differ by at most
FIGURE_TOLERANCE_PX, half a pixel, which nobody can see: rounding
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

# Only inside an object's representation, "<... at 0x7f3a...>": a hexadecimal number a
# page prints itself ("largest value at 0xff") is compared like any other text.
_ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]+(?=>)")
# A Keras progress line: "12/12 ━━━━━━━━━━━━━━━━━━━━ 1s 20ms/step - loss: 0.31",
# or with verbose=2: "12/12 - 1s - 20ms/step - loss: 0.31"
_PROGRESS = re.compile(r"^\s*\d+/\d+ (?:[━─=>\.\[\] ]+|- )")
_TIME = re.compile(r"\b(ETA: )?\d+(\.\d+)?(s|ms|us|µs)(/(step|sample))?\b")
# A decimal number the tolerance may cover: not part of a word, a version (2.21.0) or a
# date (2026.12.07, 07.12.2026): nothing alphanumeric or a dot before it, no ".digit" after.
_DECIMAL = re.compile(
    r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)(?![\w]|\.\d)"
)
# The one sentence that declares a tolerance, word for word (CONTRIBUTING.md, "Numbers that vary by
# machine"): a Markdown output block's title, or a notebook comment line "# <sentence>".
TOLERANCE_SENTENCE = "Trained numbers: may differ by up to ±{} on your machine"
_TOLERANCE = re.compile(
    re.escape(TOLERANCE_SENTENCE).replace(r"\{\}", "{}").format(r"(?P<tol>(?:0|[1-9]\d*)\.\d*[1-9])")
)


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
    """The tolerance a title (or a notebook comment's text) declares: the whole text must be
    the tolerance sentence, word for word; anything else declares none."""
    m = _TOLERANCE.fullmatch(text or "")
    return float(m.group("tol")) if m else None


def mentions_tolerance(text: str | None) -> bool:
    """Text that reads like a tolerance without being the sentence: refused where it is shown."""
    return bool(text) and ("±" in text or "+/-" in text or "&plusmn;" in text or "tolerance" in text.lower())


_ANY_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _last_place(number: str) -> float | None:
    """One unit in the last place a number is written to (0.001 for ``0.971``, 1e-05 for
    ``1.5e-04``); None for a bare zero such as NumPy's ``0.``, whose place is its block's."""
    mantissa, _, exponent = number.lower().lstrip("+-").partition("e")
    if mantissa.strip("0.") == "":
        return None
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


# NumPy pads the numbers of an array to one width ("0.    0.971", "0.97  0.001]]"), so a
# number that moves by its tolerance can change the spaces around it: in a block with a
# tolerance, the text between two numbers compares without its spaces (its words, signs,
# brackets and line breaks must still match).
def _layout(parts: list[str]) -> list[str]:
    return [part.replace(" ", "") for part in parts]


def _within(shown: str, actual: str, tolerance: float, numbers: re.Pattern = _DECIMAL, relative: bool = True) -> bool:
    """Whether the texts differ only in numbers, each by at most ``tolerance``; with
    ``relative`` (a page's tolerance), also by at most a tenth of the number shown, or by
    one unit in the last place it is printed to if that is more (rounding alone moves a
    small number by one unit: NumPy prints 0.0014 as ``0.001`` and 0.0016 as ``0.002``),
    and never in sign: ``-0.001`` never passes for ``0.001``."""
    layout = _layout if relative else list
    if layout(numbers.split(shown)) != layout(numbers.split(actual)):
        return False  # the text around the numbers, integers included, must be the same
    for a, b in zip(numbers.findall(shown), numbers.findall(actual)):
        x, y = float(a), float(b)
        if x == y:
            continue
        if relative:
            units = [u for u in (_last_place(a), _last_place(b)) if u is not None]
            limit = min(tolerance, max(abs(x) / 10, min(units, default=0.0)))
        else:
            limit = tolerance
        if abs(x - y) > limit * (1 + 1e-9):
            return False
        if relative and x * y < 0:
            return False
    return True


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


# Where an SVG holds coordinates: a path's points, a position, a box, and the translation
# part of a transform. Only there may numbers move by FIGURE_TOLERANCE_PX; a scale, a
# stroke width, an opacity or a font size is compared exactly (the second red-team round
# of issue 21 scaled every glyph to nothing, "scale(0.1 -0.1)" to "scale(0 -0)", within
# half a pixel of every number).
_COORDINATES = re.compile(
    r'(?P<head>\s(?:d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|points)=")(?P<value>[^"]*)"'
    r"|(?P<fn>translate\()(?P<args>[^)]*)\)")


def _coordinates(svg: str) -> tuple[str, list[float]]:
    """The SVG with each coordinate replaced by a mark, and the coordinates in order."""
    found: list[float] = []

    def mark(text: str) -> str:
        def one(m: re.Match) -> str:
            found.append(float(m.group(0)))
            return "§"
        return _ANY_NUMBER.sub(one, text)

    def replace(m: re.Match) -> str:
        if m.group("head"):
            return m.group("head") + mark(m.group("value")) + '"'
        return m.group("fn") + mark(m.group("args")) + ")"

    return _COORDINATES.sub(replace, svg), found


def same_figure(shown: bytes, drawn: bytes) -> bool:
    a = _canonical_ids(shown.decode("utf-8"))
    b = _canonical_ids(drawn.decode("utf-8"))
    if a == b:
        return True
    (skeleton_a, xs), (skeleton_b, ys) = _coordinates(a), _coordinates(b)
    return skeleton_a == skeleton_b and len(xs) == len(ys) and all(
        abs(x - y) <= FIGURE_TOLERANCE_PX * (1 + 1e-9) for x, y in zip(xs, ys))
