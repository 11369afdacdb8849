"""Find the code fences of a Markdown page, the way pymdownx.superfences sees them.

A fence may be indented (inside an admonition or a content tab); the default
CommonMark parser of pytest-markdown-docs would read such a fence as an indented
code block and never run it, so we scan lines ourselves. The census test
(tests/test_site.py) renders every page with the site's real Markdown
configuration and checks that this scanner found every Python block the reader sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pytest_markdown_docs.plugin import parse_superfences_block_info

from .rules import NOT_RUN, OUTPUT_LANG, PYTHON_LANGS, PageError  # noqa: F401 - shared names


def _python_family() -> set[str]:
    """Every other name under which Pygments highlights code as some kind of Python."""
    from pygments.lexers import find_lexer_class_by_name, get_all_lexers

    names = set()
    for _name, aliases, *_ in get_all_lexers():
        try:
            lexer = find_lexer_class_by_name(aliases[0]) if aliases else None
        except Exception:  # noqa: BLE001 - a broken third-party lexer is not ours to judge
            continue
        if lexer and re.search(r"python|cython|numpy|mojo", lexer.__name__, re.IGNORECASE):
            names.update(alias.lower() for alias in aliases)
    return names


# Python the reader would see but that is not a script the harness can run (console
# sessions, tracebacks, Cython, Python 2, ...): refused, since nothing would check it.
UNCHECKED_PYTHON = _python_family() - PYTHON_LANGS - {"antlr-python", "py+ul4"}
# Languages that, right after a python fence, look like its output without being checked.
_OUTPUT_LOOKALIKES = {"text", "txt", "plain", "plaintext", "console", "none", "log"}
# Unicode controls that make code read differently from how it runs ("Trojan Source").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
KNOWN_OPTIONS = {"raises", "warns", "notest"}

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_INCLUDE = re.compile(r"""^--8<--\s+["'](?P<path>[^"':]+)["']\s*$""")
_FIGURE = re.compile(r"^\s*!\[[^\]]*\]\((?P<path>[^)\s]+\.svg)\)")
_TITLE = re.compile(r"""(?<![\w-])title=(?P<q>["'])(?P<title>.*?)(?P=q)""")
# A comment that states a value ("# 101770", "# -> 5", "# prints True"): nothing would check it.
_VALUE_COMMENT = re.compile(r"#\s*(?:->|=>|==|prints?\b|outputs?\b|returns?\b|gives\b|result\b)")


def _states_value(comment: str) -> bool:
    """``# -> 5``, ``# prints 3``, or a comment that is only a value: ``# 101770``, ``# [1, 2]``."""
    import ast

    if _VALUE_COMMENT.match(comment):
        return True
    try:
        ast.literal_eval(comment.lstrip("#").strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return False
    return True
_TAB = re.compile(r'^(?P<indent>[ \t]*)===[!+]{0,2}[ \t]+"')


@dataclass
class Fence:
    path: Path
    line: int  # 1-based line of the opening ``` line
    end_line: int  # 1-based line of the closing ``` line
    indent: str
    marker: str
    info: str
    lang: str | None
    options: set[str]
    title: str | None
    body: str
    include: str | None = None  # repository-relative path of a --8<-- snippet
    tab: tuple[int, int] | None = None  # (group, index) of the content tab it sits in

    @property
    def tolerance(self) -> float | None:
        """For an output block: the tolerance its title shows the reader (``±0.005``)."""
        from .normalise import tolerance_in

        return tolerance_in(self.title) if self.lang == OUTPUT_LANG else None

    @property
    def first_code_line(self) -> int:
        return self.line + 1

    def code(self, root: Path) -> str:
        """The code this fence runs: its body, or the snippet file it includes."""
        if self.include:
            return (root / self.include).read_text(encoding="utf-8")
        return self.body


@dataclass
class PythonFence:
    fence: Fence
    output: Fence | None = None  # the ```output block right after it, if any
    figure: Path | None = None  # the .svg of an ![image](...) right after fence/output
    figure_line: int | None = None

    @property
    def line(self) -> int:
        return self.fence.line

    @property
    def options(self) -> set[str]:
        return self.fence.options


@dataclass
class Page:
    path: Path
    text: str
    fences: list[Fence] = field(default_factory=list)
    python: list[PythonFence] = field(default_factory=list)


def _parse_info(info: str) -> tuple[str | None, set[str], str | None]:
    info = info.strip()
    title_match = _TITLE.search(info)
    title = title_match.group("title") if title_match else None
    without_title = _TITLE.sub("", info)
    try:
        parts = parse_superfences_block_info(without_title)
    except ValueError:
        parts = without_title.split()
    lang = parts[0].lower() if parts else None  # {#id .python}: the parser puts the class first
    options = {p for p in parts[1:] if "=" not in p and not p.startswith((".", "#"))}
    return lang, options, title


def scan(path: Path, text: str | None = None) -> Page:
    """Return every fence of a page, with Python fences paired to their output blocks."""
    if text is None:
        text = path.read_text(encoding="utf-8-sig")  # MkDocs ignores a byte order mark too
    bidi = _BIDI.search(text)
    if bidi:
        line = text.count("\n", 0, bidi.start()) + 1
        raise PageError(f"{path}:{line}: a bidirectional control character makes code read differently from how it runs")
    # MkDocs strips YAML front matter: a fence inside it is neither shown nor run.
    front = _FRONT_MATTER.match(text)
    if front:
        text = "\n" * front.group(0).count("\n") + text[front.end() :]
    lines = text.split("\n")
    page = Page(path=path, text=text)
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m or (m.group("fence")[0] == "`" and "`" in m.group("info")):
            i += 1
            continue
        indent, marker, info = m.group("indent"), m.group("fence"), m.group("info")
        # As in superfences, only the same marker closes a fence (not a longer one).
        close = re.compile(rf"^{re.escape(indent)}{re.escape(marker)}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        if j == len(lines):
            raise PageError(f"{path}:{i + 1}: code fence opened here is never closed")
        body_lines = [
            ln[len(indent) :] if ln.startswith(indent) else ln.lstrip(" \t")
            for ln in lines[i + 1 : j]
        ]
        lang, options, title = _parse_info(info)
        fence = Fence(
            path=path,
            line=i + 1,
            end_line=j + 1,
            indent=indent,
            marker=marker,
            info=info.strip(),
            lang=lang,
            options=options,
            title=title,
            body="\n".join(body_lines) + ("\n" if body_lines else ""),
        )
        page.fences.append(fence)
        i = j + 1

    _assign_tabs(page.fences, lines)
    for k, fence in enumerate(page.fences):
        if not fence.lang:
            raise PageError(
                f"{path}:{fence.line}: say which language this block is (python, output, "
                "bash, text, ...): an unlabelled block could be Python that nothing runs"
            )
        if fence.lang in UNCHECKED_PYTHON:
            raise PageError(
                f"{path}:{fence.line}: a {fence.lang} block is Python the tests cannot check; "
                "write it as a python fence, with its output in an ```output block"
            )
        if fence.lang == OUTPUT_LANG and fence.tolerance is not None:
            from .normalise import MAX_TOLERANCE

            if fence.tolerance > MAX_TOLERANCE:
                raise PageError(
                    f"{path}:{fence.line}: a tolerance of ±{fence.tolerance:g} is more than "
                    f"±{MAX_TOLERANCE:g}: print fewer decimals or train to a steadier result"
                )
        if fence.lang in PYTHON_LANGS:
            _check_python_fence(fence)
            output = None
            if k + 1 < len(page.fences):
                nxt = page.fences[k + 1]
                between = lines[fence.end_line : nxt.line - 1]
                adjacent = all(not ln.strip() for ln in between)
                if adjacent and nxt.lang == OUTPUT_LANG:
                    output = nxt
                elif adjacent and (nxt.lang in _OUTPUT_LOOKALIKES or "language-output" in nxt.info):
                    raise PageError(
                        f"{path}:{nxt.line}: a block right after a python fence that looks like "
                        "its output must be an ```output block, so that it is checked"
                    )
            if output is not None and "notest" in fence.options:
                raise PageError(
                    f"{path}:{output.line}: a fence marked notest cannot show an output "
                    "block: nothing would check it"
                )
            pf = PythonFence(fence, output)
            _find_figure(pf, lines)
            page.python.append(pf)
        elif fence.lang == OUTPUT_LANG:
            if not page.python or page.python[-1].output is not fence:
                raise PageError(
                    f"{path}:{fence.line}: an ```output block must follow a python "
                    "fence, with only blank lines between them"
                )
    return page


def _assign_tabs(fences: list[Fence], lines: list[str]) -> None:
    """Note which content tab (``=== "Title"``) each fence sits in.

    Consecutive tabs at one indentation form a group, as pymdownx.tabbed renders them;
    a tab ends at the next line indented no deeper than its ``===`` line.
    """
    tabs = []  # (group, index, indent, first line, last line), 1-based lines
    group, open_group = -1, None  # open_group: (indent, index of last tab) while a group can continue
    in_fence = {n for f in fences for n in range(f.line + 1, f.end_line + 1)}  # the ``` line counts
    for n, line in enumerate(lines, start=1):
        if n in in_fence or not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        m = _TAB.match(line)
        for tab in tabs:
            if tab[4] is None and indent <= tab[2] and n > tab[3]:
                tab[4] = n - 1
        if m:
            if open_group and open_group[0] == indent:
                index = open_group[1] + 1
            else:
                group, index = group + 1, 0
            tabs.append([group, index, indent, n, None])
            open_group = (indent, index)
        elif open_group and indent <= open_group[0]:
            open_group = None
    for fence in fences:
        inside = [t for t in tabs if t[3] < fence.line and (t[4] is None or fence.end_line <= t[4])]
        if inside:
            innermost = max(inside, key=lambda t: t[2])
            fence.tab = (innermost[0], innermost[1])


def _find_figure(pf: PythonFence, lines: list[str]) -> None:
    """An SVG image shown right after a fence (or its output) is that fence's plot."""
    n = (pf.output or pf.fence).end_line  # 1-based line of the closing ```, index of next
    while n < len(lines) and not lines[n].strip():
        n += 1
    m = _FIGURE.match(lines[n]) if n < len(lines) else None
    if m:
        pf.figure = (pf.fence.path.parent / m.group("path")).resolve()
        pf.figure_line = n + 1


def _is_shape(line: str) -> bool:
    return bool(re.search(r"#\s*\((?:None|\d+)(?:,\s*(?:None|\d+))*,?\)\s*$", line))


def _check_python_fence(fence: Fence) -> None:
    unknown = fence.options - KNOWN_OPTIONS
    if unknown:
        raise PageError(
            f"{fence.path}:{fence.line}: unknown fence option(s) {sorted(unknown)}; "
            f"known: {sorted(KNOWN_OPTIONS)}"
        )
    if "notest" in fence.options and not NOT_RUN.match(fence.title or ""):
        raise PageError(
            f"{fence.path}:{fence.line}: a fence marked notest must tell the reader it is "
            'not run, and why, in its title: {.python notest title="Not run here: <the reason>"}'
        )
    for offset, line in enumerate(fence.body.split("\n")):
        code, hash_, comment = line.partition("#")
        if hash_ and code.strip() and _states_value("#" + comment) and not _is_shape(line):
            raise PageError(
                f"{fence.path}:{fence.first_code_line + offset}: a comment that states a value "
                "is not checked; print the value and show it in the output block"
            )
    if "tests.harness" in fence.body:
        raise PageError(f"{fence.path}:{fence.line}: a page may not reach into the harness that checks it")
    stripped = [ln for ln in fence.body.split("\n") if ln.strip()]
    includes = [ln for ln in stripped if ln.strip().startswith("--8<--")]
    if includes:
        m = _INCLUDE.match(includes[0].strip())
        if len(stripped) != 1 or not m:
            raise PageError(
                f"{fence.path}:{fence.line}: a fence that includes a snippet must hold "
                'exactly one line: --8<-- "snippets/<page>/<file>.py"'
            )
        fence.include = m.group("path")

