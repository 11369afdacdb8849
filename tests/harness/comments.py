"""What a comment in code a reader sees may hold: one rule for Markdown fences, the snippet
files they include and notebook cells.

A comment is text nothing runs, so a number in it is a claim nothing checks. The rule is an
allow-list, not a list of known spellings:

* a **shape comment**, ``# (None, 30, 30, 16)`` and nothing else, at the end of a line of
  code that runs: the plugin compares it with the output shape of the layer that line
  creates (tests/harness/plugin.py). In code that does not run nothing compares it, so
  there it is refused too;
* any other comment holds **no number** (no character Unicode counts as a digit or a
  number: ``7``, ``٣``, ``²``, ``½``, ``Ⅻ``), except inside a name that starts with a
  letter (``float32``, ``Conv2D``, ``x_train``, ``mnist_mlp.py``), and no number word
  from eleven up or percentage ("ninety", "thousand", "percent"); **no arrow** (``->``,
  ``=>``, ``→``, ``==``), no tuple or list (brackets holding a comma: ``(batch_size, ...)``,
  ``[N, 10]``), and, after code, does not say what the line gives (``# prints ...``,
  ``# returns ...``, ``# True``);
* a docstring, or any string standing alone as a statement, holds no number, no such
  number word and no arrow either.

Small counts in words ("a single image", "ten classes") describe the code the reader sees
next to them, and may stand.
The two sentences a notebook writes as comments (``# Not run here: <reason>`` as the first
line of a skipped cell, the tolerance sentence) are passed in by the caller as allowed.
"""

from __future__ import annotations

import io
import re
import tokenize
import unicodedata
from dataclasses import dataclass

from .rules import PageError

# Unicode controls that make code read differently from how it runs ("Trojan Source").
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
SHAPE_COMMENT = re.compile(r"#\s*\((?:None|\d+)(?:,\s*(?:None|\d+))*,?\)\s*")
_WORD = re.compile(r"\w+")
# Number words that read as a measurement rather than a description of the code: counts
# from eleven up, and percentages. Zero to ten, "half" and "single" describe code ("a
# single image", "ten classes") and may stand.
_NUMBER_WORDS = re.compile(
    r"\b(?:eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty"
    r"|hundreds?|thousands?|millions?|billions?|dozens?|percent|per\s+cent)\b",
    re.IGNORECASE,
)
_ARROW = re.compile(r"->|=>|→|⇒|⟶|==")
_TUPLE = re.compile(r"[(\[{][^()\[\]{}]*,[^()\[\]{}]*[)\]}]")
_SAYS_VALUE = re.compile(r"#\s*(?:prints?|outputs?|returns?|gives|result|yields?|equals?)\b", re.IGNORECASE)
_STRING = re.compile(r"""(?:[rbfuRBFU]{0,2})("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""")


@dataclass
class Comment:
    line: int  # 1-based, in the code it was found in
    text: str  # from the "#" on
    after_code: bool  # code before it on its line


def find(code: str) -> list[Comment]:
    """Every comment in the code, as Python's tokenizer finds it (not a "#" inside a string).
    Code that does not tokenize (a fence that shows a SyntaxError) is read line by line."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.COMMENT:
                before = tok.line[: tok.start[1]]
                found.append(Comment(tok.start[0], tok.string, bool(before.strip())))
        return found
    except (tokenize.TokenError, SyntaxError):
        pass
    found = []
    for n, line in enumerate(code.split("\n"), start=1):
        bare = _STRING.sub(lambda m: " " * len(m.group(0)), line)
        at = bare.find("#")
        if at >= 0:
            found.append(Comment(n, line[at:], bool(line[:at].strip())))
    return found


def _is_name(word: str) -> bool:
    """A name: a letter, then letters, ASCII digits and underscores (float32, Conv2D, x_2)."""
    return word[0].isalpha() and all(c.isalpha() or c in "0123456789_" for c in word)


def holds_number(text: str) -> bool:
    rest = _WORD.sub(lambda m: " " if _is_name(m.group(0)) else m.group(0), text)
    return any(unicodedata.category(c)[0] == "N" for c in rest)


def _is_literal(text: str) -> bool:
    """``# True``, ``# 'pos'``, ``# None``: a comment that is only a Python value."""
    import ast

    try:
        ast.literal_eval(text.lstrip("#").strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return False
    return True


def problem(comment: Comment, runs: bool) -> str | None:
    """Why the comment is refused, or None if it may stand."""
    text = comment.text.rstrip()
    if SHAPE_COMMENT.fullmatch(text):
        if not comment.after_code:
            return ("a shape in a comment is only checked when written alone at the end of the line "
                    "that creates the layer, as # (None, 30, 30, 16)")
        if not runs:
            return "a shape comment in code that does not run is checked by nothing"
        return None
    if holds_number(text) or _NUMBER_WORDS.search(text):
        return ("a comment that states a value is not checked (it holds a number): print the number, "
                "or say it without digits")
    if _ARROW.search(text):
        return "a comment that states a value is not checked (it holds an arrow): print the value instead"
    if _TUPLE.search(text):
        return ("a comment that states a value is not checked (it holds a tuple or list); a shape in a "
                "comment is only checked when written alone at the end of the layer's line, as # (None, 30, 30, 16)")
    if comment.after_code and (_SAYS_VALUE.match(text) or _is_literal(text)):
        return "a comment that states a value is not checked; print the value and show it in the output block"
    return None


def _string_statements(code: str) -> list[tuple[int, str]]:
    """Docstrings and other strings that stand alone as a statement: comments by another
    name, which nothing prints."""
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    return [
        (node.lineno, node.value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]


def check(code: str, runs: bool = True, allowed: set[int] = frozenset()) -> list[tuple[int, str]]:
    """(line, reason) for each refused comment or string statement; lines in ``allowed`` are
    the caller's own sentences (a notebook's not-run reason and tolerance)."""
    found = [
        (c.line, f"{reason}: {c.text.strip()!r}")
        for c in find(code)
        if c.line not in allowed and (reason := problem(c, runs)) is not None
    ]
    for line, text in _string_statements(code):
        if holds_number(text) or _NUMBER_WORDS.search(text) or _ARROW.search(text):
            found.append((line, "a docstring or a string standing alone states something nothing checks "
                                f"(it holds a number or an arrow): {text.strip()[:60]!r}"))
    return sorted(found)


def check_code(code: str, where, runs: bool, allowed: set[int] = frozenset()) -> None:
    """The rules for any Python a reader sees (a fence, a snippet, a notebook cell):
    comments (comments.py), no way into the harness. ``where(n)`` names line n."""
    bidi = BIDI.search(code)
    if bidi:
        raise PageError(f"{where(code.count(chr(10), 0, bidi.start()) + 1)}: a bidirectional control character "
                        "makes code read differently from how it runs")
    for n, reason in check(code, runs=runs, allowed=allowed):
        raise PageError(f"{where(n)}: {reason}")
    if "tests.harness" in code:
        n = code[: code.index("tests.harness")].count("\n") + 1
        raise PageError(f"{where(n)}: a page may not reach into the harness that checks it")
