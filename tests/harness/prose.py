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
3. Approximate numbers are numbers too: "about 150", "nearly 90%", "roughly a third",
   "nine in ten", "tens of thousands" must each be true of a number some output on the
   page prints, within the rounding the words imply (``approximations`` below says how
   each is read), and an update that makes one false (as rule 2) fails and names it.
"""

from __future__ import annotations

import re

from .rules import INLINE_CODE as _INLINE_CODE
from .rules import LINK_TARGET as _LINK_TARGET
from .rules import FenceFailure

_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")
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
    return any(_PROSE_NUMBER.search(line) or approximations(line) for _, line in prose)


def unbacked_numbers(prose: list[tuple[int, str]], outputs: list[str]) -> list[tuple[int, str]]:
    """Rule 1, for numbers no hedge word qualifies (rule 3 reads "about 90%")."""
    printed = _values(outputs)
    return [
        (n, m.group("num"))
        for n, line in prose
        for m in _PROSE_NUMBER.finditer(_HEDGED.sub(lambda h: " " * len(h.group(0)), line))
        if not _matches(m.group("num"), printed)
    ]


def check_update(page, old: str, new: str) -> None:
    """Rule 2: an update may not leave prose restating a number the old output printed."""
    text_lines, outputs = page.prose_and_outputs()
    old_numbers, new_numbers = _values([old]), _values([new])
    stale = []
    for n, line in text_lines:
        for m in _ANY_PROSE_NUMBER.finditer(_HEDGED.sub(lambda h: " " * len(h.group(0)), line)):
            number = m.group("num")
            if _matches(number, old_numbers) and not _matches(number, new_numbers):
                others = [o for o in outputs if o.strip() != old.strip()]
                if not _matches(number, _values(others)):
                    stale.append((n, number))
        for phrase, test in approximations(line):
            others = [float(v) for o in outputs if o.strip() != old.strip() for v in _values([o])]
            if (any(test(float(v)) for v in old_numbers)
                    and not any(test(float(v)) for v in new_numbers)
                    and not any(test(v) for v in others)):
                stale.append((n, f'"{phrase}"'))
    if stale:
        raise FenceFailure(
            "\n".join(
                f"{page.rel(n)}: the prose says {number}, which the old output printed and the "
                "new one does not: update the sentence (or refer to the output instead)"
                for n, number in stale
            )
        )


# Rule 3: approximate numbers. Each phrase becomes a test on one printed number.
_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_WORDS.update(a=1, an=1)
_FRACTIONS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
              "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_COUNT = r"\d{1,3}(?:,\d{3})+|\d+|" + "|".join(w for w in _WORDS if w not in ("a", "an"))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_HEDGE = (r"(?P<hedge>about|around|roughly|approximately|approx\.|circa|ca\.|some|close to|on the order of|"
          r"in the region of|nearly|almost|just under|just over|more than|"
          r"less than|fewer than|at least|at most|~|≈)")
_HEDGED = re.compile(
    r"(?<![\w.])(?:" + _HEDGE + r"\s*(?P<num>" + _NUM + r")(?P<pct>\s*(?:%|per ?cent\b))?"
    r"|(?P<num2>" + _NUM + r")(?P<pct2>\s*(?:%|per ?cent\b))?(?P<after>\s+or so\b|-odd\b|-?ish\b))"
    r"(?![\w.]*\d)", re.I)
# "a third of", "two thirds", "about half": a singular ordinal needs "of" after it, so
# that "a third layer" is not read as a fraction.
_FRACTION = re.compile(
    r"\b(?:(?P<hedge>about|around|roughly|approximately|nearly|almost|over|under|"
    r"more than|less than)\s+)?(?P<count>" + "|".join(_WORDS) + r")[\s-]+"
    r"(?P<part>thirds|quarters|fifths|tenths|(?:half|third|quarter|fifth|tenth)(?=\s+of\b))\b"
    r"|\b(?P<hedge2>about|around|roughly|approximately|nearly|almost|over|under|more than|less than)"
    r"\s+half\b", re.I)
_RATIO = re.compile(r"\b(?P<a>" + _COUNT + r")\s+(?:in|out of)\s+(?P<b>" + _COUNT + r")\b(?!\s*(?:epochs?|steps?|batches)\b)", re.I)
_MAGNITUDES = {"dozens": (24, 200), "hundreds": (200, 1_000), "thousands": (2_000, 1_000_000),
               "millions": (2_000_000, 1_000_000_000)}
_MAGNITUDE = re.compile(r"\b(?:(?P<scale>tens|hundreds) of (?P<unit>thousands|millions)"
                        r"|(?P<plain>dozens|hundreds|thousands|millions) of)\b", re.I)


def _count(word: str) -> float:
    word = word.lower()
    return float(_WORDS[word]) if word in _WORDS else float(word.replace(",", ""))


def _unit(number: str) -> float:
    """The place of the last digit written, zeros at the end of an integer aside:
    "150" is rounded to tens, "2,000" to thousands, "0.25" to hundredths."""
    digits = number.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    return 10.0 ** (len(digits) - len(stripped)) if stripped else 1.0


def _near(target: float, tolerance: float, percent: bool):
    def test(v: float) -> bool:
        return any(abs(c - target) <= tolerance + 1e-12 for c in ([v, v * 100] if percent else [v]))
    return test


def _hedged(hedge: str, target: float, tolerance: float, percent: bool, fraction: bool = False):
    """The test a hedge word puts on a printed number (or, for a fraction, on a printed
    proportion: 0.33 or 33)."""
    scale = [1.0, 0.01] if fraction else [1.0, 100.0] if percent else [1.0]
    hedge = hedge.lower() if hedge else ""

    def test(v: float) -> bool:
        for c in (v * k for k in scale):
            if hedge in ("nearly", "almost", "just under"):
                ok = target - 2 * tolerance - 1e-12 <= c < target + 1e-12
            elif hedge in ("over", "more than", "just over"):
                ok = target < c <= target + 2 * tolerance
            elif hedge in ("under", "less than", "fewer than"):
                ok = target - 2 * tolerance <= c < target
            elif hedge == "at least":
                ok = target <= c <= target + 2 * tolerance
            elif hedge == "at most":
                ok = target - 2 * tolerance <= c <= target
            else:
                ok = abs(c - target) <= tolerance + 1e-12
            if ok:
                return True
        return False
    return test


def approximations(line: str) -> list[tuple[str, object]]:
    """The approximate numbers in a line of prose, each with the test a printed number must
    pass for the phrase to be true of it:

    - a hedged number ("about 150", "150 or so", "nearly 90%", "~0.2", "over 100"): the
      printed number rounds to it at the place of its last written digit (trailing zeros
      of an integer aside: "about 150" is 145 to 155, "about 2,000" is 1,500 to 2,500);
      "nearly", "almost", "less than" allow only numbers below it, by up to one such
      place ("nearly 90%": 80% to 90%), "more than" only numbers above it, "at least" and
      "at most" the number itself too (not "over 30 epochs": "over" names a span there);
    - a fraction ("a third of", "two thirds", "about half"), or a ratio ("nine in ten",
      "1 in 4"): a printed proportion (0.33) or percentage (33.0) within 0.05 of it;
    - a magnitude ("tens of thousands", "hundreds of", "thousands of"): a printed number in
      its range (tens of thousands: 10,000 to 99,999).
    """
    found = []
    for m in _HEDGED.finditer(line):
        number = m.group("num") or m.group("num2")
        percent = bool(m.group("pct") or m.group("pct2"))
        found.append((m.group(0).strip(), _hedged(m.group("hedge") or "about", float(number.replace(",", "")),
                                                  _unit(number) / 2, percent)))
    for m in _FRACTION.finditer(line):
        if m.group("part"):
            part = m.group("part").lower()
            value = _count(m.group("count")) / _FRACTIONS[part]
            hedge = m.group("hedge")
        else:
            value, hedge = 0.5, m.group("hedge2")
        found.append((m.group(0), _hedged(hedge, value, 0.05, False, fraction=True)))
    for m in _RATIO.finditer(line):
        a, b = _count(m.group("a")), _count(m.group("b"))
        if b > a > 0:
            found.append((m.group(0), _hedged("", a / b, 0.05, False, fraction=True)))
    for m in _MAGNITUDE.finditer(line):
        if m.group("scale"):
            base = 1_000 if m.group("unit").lower() == "thousands" else 1_000_000
            low = base * (10 if m.group("scale").lower() == "tens" else 100)
            bounds = (low, low * 10)
        else:
            bounds = _MAGNITUDES[m.group("plain").lower()]
        found.append((m.group(0), lambda v, lo=bounds[0], hi=bounds[1]: lo <= abs(v) < hi))
    return found


def unbacked_approximations(prose: list[tuple[int, str]], outputs: list[str]) -> list[tuple[int, str]]:
    printed = [float(v) for v in _values(outputs)]
    return [(n, phrase) for n, line in prose for phrase, test in approximations(line)
            if not any(test(v) for v in printed)]
