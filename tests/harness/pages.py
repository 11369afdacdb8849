"""Find the code fences of a Markdown page, the way pymdownx.superfences sees them.

A fence may be indented (inside an admonition or a content tab); the default
CommonMark parser of pytest-markdown-docs would read such a fence as an indented
code block and never run it, so we scan lines ourselves. The census test
(tests/test_site.py) renders every page with the site's real Markdown
configuration and checks that this scanner found every Python block the reader sees.

What a page may hold, as allow-lists (CONTRIBUTING.md, "How the checks work"):

* front matter: valid YAML holding ``description:`` only (check_front_matter);
* blocks in PYTHON_LANGS, ``output`` or OTHER_LANGS, their headers read with superfences'
  own expressions (parse_info): the options raises/warns/notest, one title (an output
  block's is the tolerance sentence, a python fence's the notest reason), hl_lines;
* in Python a reader sees (fences, snippets, notebook cells) comments per comments.py;
* bash blocks of setup and test commands, yaml/toml without results (other_block_problem);
* ``--8<-- "<page>/<file>.py"`` as the one line of a Python fence, and nowhere else;
* content tabs as pymdownx.tabbed reads them (``===!`` starts a group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown.extensions.attr_list import get_attrs
from pymdownx.snippets import SnippetPreprocessor
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS

from . import comments
from .normalise import MAX_TOLERANCE, TOLERANCE_SENTENCE, mentions_tolerance, tolerance_in
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
_BIDI = comments.BIDI
# MkDocs' own front matter and MultiMarkdown metadata patterns (mkdocs.utils.meta).
_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_META_LINE = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")
FRONT_MATTER_KEYS = {"description"}
KNOWN_OPTIONS = {"raises", "warns", "notest"}
# Languages a page may show besides Python and its output: commands a reader runs to set
# up or test. Their rules: other_block_problem().
OTHER_LANGS = {"bash"}  # yaml and toml blocks came back as results in disguise; no page needs them
# The commands a bash block may run (a path such as .venv/bin/pytest counts as its name).
SHELL_COMMANDS = {"pip", "pip3", "pytest", "mkdocs", "mike", "apt-get", "apt", "cd", "source", "git", "python",
                  "python3", "bash", "sudo"}
_PYTHON_MODULES = {"venv", "pip", "pytest", "mkdocs"}  # python3 -m <these> only
_GIT_COMMANDS = {"clone", "checkout", "switch", "pull", "fetch", "diff", "status", "log"}
_APT_COMMANDS = {"install", "update"}
_PIP_COMMANDS = {"install", "freeze", "uninstall", "show", "list"}

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# The one way to include a snippet: a Python fence holding only this line. The path is
# relative to snippets/, the only folder mkdocs.yml lets pymdownx.snippets read.
SNIPPETS = "snippets"
_INCLUDE = re.compile(r'^--8<-- "(?P<path>[A-Za-z0-9_][\w-]*(?:/[A-Za-z0-9_][\w-]*)*\.py)"$')
# Any line pymdownx.snippets would act on: an include (inline or block form, escaped or
# not) or a section marker; tested with the snippet preprocessor's own expressions.
_SNIPPET_LINE = (SnippetPreprocessor.RE_ALL_SNIPPETS, SnippetPreprocessor.RE_SNIPPET_SECTION)
_FIGURE = re.compile(r"^\s*!\[[^\]]*\]\((?P<path>[^)\s]+\.svg)\)")
# A content tab as pymdownx.tabbed reads it (TabbedProcessor.START): "!" starts a new
# group, "+" selects the tab when the page opens.
_TAB = re.compile(r'^(?P<indent>[ \t]*)===(?P<special>\+|\+!|!\+|!)? +"(?P<title>.*?)" *$')


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
        """For an output block: the tolerance its title shows the reader, when the title
        is the tolerance sentence (normalise.TOLERANCE_SENTENCE); scan() refuses any other."""
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


def parse_info(marker: str, info: str) -> tuple[str | None, set[str], str | None]:
    """A fence's language, options and title, read as pymdownx.superfences reads the
    opening line (its own expressions: RE_NESTED_FENCE_START, then attr_list's parser for
    ``{...}`` or RE_OPTIONS for ``key="value"``), so the title found is the one the reader
    sees. ValueError for anything the site does not use: a header superfences ignores or
    does not read as a fence, an id, a second class, an attribute given twice, an unknown
    attribute, an option outside braces (superfences would drop the fence)."""
    m = RE_NESTED_FENCE_START.match(marker + info.rstrip())
    if m is None or m.group("unrecognized"):
        raise ValueError("superfences does not read this line as the start of a code block")
    lang = m.group("lang")
    pairs: list[tuple[str, str | None]] = []
    classes: list[str] = []
    if m.group("attrs") is not None:
        for key, value in get_attrs(m.group("attrs")):
            if key == ".":
                classes.append(value)
            elif key == "id":
                raise ValueError(f"an id ({value!r}) on a code block is not used on this site")
            else:
                pairs.append((key, value))
        if lang is None and classes:
            lang = classes.pop(0)
        if classes:
            raise ValueError(f"a code block has one class, its language; found also {classes}")
        braces = True
    else:
        for m2 in RE_OPTIONS.finditer(m.group("options") or ""):
            pairs.append((m2.group("key"), m2.group("value")))
        braces = False
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"attribute(s) {twice} given twice: the renderer keeps one of them")
    known = {"title", "hl_lines"} | KNOWN_OPTIONS  # hl_lines: highlighted lines, nothing more
    unknown = sorted(set(keys) - known)
    if unknown:
        raise ValueError(f"unknown attribute(s) {unknown}; a block may have {sorted(known)}")
    options = {k for k, v in pairs if k in KNOWN_OPTIONS}
    for k, v in pairs:
        if k in KNOWN_OPTIONS and v is not None:
            raise ValueError(f"{k} is an option, without a value: {{.python {k}}}")
        if k == "title" and v is None:
            raise ValueError("a title needs a value: title=\"...\"")
    if options and not braces:
        raise ValueError("options go inside braces, as {.python " + " ".join(sorted(options)) + "}: "
                         "superfences does not read this line as the start of a code block")
    title = dict(pairs).get("title")
    return (lang.lower() if lang else None), options, title


def _snippet_lines(text: str) -> list[int]:
    """0-based indexes of the lines pymdownx.snippets would act on."""
    return [i for i, line in enumerate(text.split("\n")) if "8<-" in line and any(r.match(line) for r in _SNIPPET_LINE)]


def check_front_matter(path: Path, text: str) -> int:
    """Validate what MkDocs reads as a page's metadata; return how many lines it takes.

    YAML front matter between ``---`` lines must parse as YAML (a ``: `` inside an unquoted
    value breaks it, and MkDocs then silently shows it as a rule and a heading), be a mapping
    with the keys FRONT_MATTER_KEYS only, and give ``description`` as a line of text. A page
    that starts with ``key: value`` lines without ``---`` would lose them to MkDocs'
    MultiMarkdown metadata: refused."""
    m = _FRONT_MATTER.match(text)
    if not m:
        first = text.split("\n", 1)[0]
        if re.match(r"^-{3}[ \t]*$", first):
            raise PageError(f"{path}:1: front matter opened here is never closed with ---")
        if _META_LINE.match(first):
            raise PageError(
                f"{path}:1: MkDocs reads a first line 'key: ...' as metadata and hides it; "
                "put metadata in front matter between --- lines, or start the page with a heading"
            )
        return 0
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PageError(
            f"{path}:{line}: the front matter is not valid YAML ({problem}); MkDocs would show it "
            'as text: quote the value, description: "..."'
        ) from None
    if not isinstance(data, dict):
        raise PageError(f"{path}:2: the front matter must be 'description: <one line>'")
    unknown = sorted(set(map(str, data)) - FRONT_MATTER_KEYS)
    if unknown:
        raise PageError(f"{path}:2: unknown front matter key(s) {unknown}; a page may set {sorted(FRONT_MATTER_KEYS)}")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip() or "\n" in description.strip():
        raise PageError(f"{path}:2: the front matter needs description: <one line of text>")
    return m.group(0).count("\n")


def _command_words(command: str) -> list[str]:
    import shlex

    try:
        return shlex.split(command, comments=False)
    except ValueError:
        return command.split()


def _shell_command_problem(words: list[str]) -> str | None:
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words = words[1:]  # VAR=value before a command
    if not words:
        return None
    first = words[0]
    name = first.rsplit("/", 1)[-1] if re.match(r"^(?:[\w.$/{}-]*/)?bin/[\w.-]+$", first) else first
    name = re.sub(r"^(python3?)(?:\.\d+)?$", r"\1", name)
    args = words[1:]
    if name not in SHELL_COMMANDS:
        return f"{first!r} is not a command a reader runs to set up or test (allowed: {sorted(SHELL_COMMANDS)})"
    if name == "sudo":
        return _shell_command_problem(args) if args else "sudo needs a command"
    if name in ("python", "python3"):
        if len(args) >= 2 and args[0] == "-m" and args[1] in _PYTHON_MODULES:
            return None
        return f"Python in a shell block runs code nothing checks; only python3 -m {sorted(_PYTHON_MODULES)}"
    if name == "bash":
        if len(args) >= 1 and re.match(r"^[\w./-]+\.sh$", args[0]) and not args[0].startswith("-"):
            return None
        return "bash runs a script file of the repository here (bash tests/x.sh), nothing inline"
    if name == "git" and (not args or args[0] not in _GIT_COMMANDS):
        return f"git {args[:1]} is not a setup step (allowed: {sorted(_GIT_COMMANDS)})"
    if name in ("apt-get", "apt") and not set(args) & _APT_COMMANDS:
        return f"{name} installs or updates packages only"
    if name in ("pip", "pip3") and (not args or args[0] not in _PIP_COMMANDS):
        return f"pip {args[:1]} is not a setup step (allowed: {sorted(_PIP_COMMANDS)})"
    if name == "source" and (len(args) != 1 or not args[0].endswith("bin/activate")):
        return "source activates a virtual environment only: source .venv/bin/activate"
    if name == "cd" and len(args) > 1:
        return "cd takes one folder"
    return None


_PINNED = re.compile(r"([A-Za-z][\w.-]*)(?:\[[^\]]*\])?\s*==\s*([\w.+!-]+)")


def _pins() -> dict[str, str]:
    """requirements.in's pins: canonical name -> version."""
    path = Path(__file__).resolve().parents[2] / "requirements.in"
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _PINNED.match(line.strip())
        if m:
            found[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return found


def other_block_problem(lang: str, body: str) -> str | None:
    """Why a block in one of OTHER_LANGS is refused, or None. The census (census.py) applies
    the same rule to the blocks the built site shows.

    bash: each command (split at newlines, ;, &, &&, ||, |) starts with a name in
    SHELL_COMMANDS, used as a setup or test step; no Python in any form (``python -c``,
    ``python - <<``, ``>>>``), no here-document, command substitution or eval; comments
    hold no number. yaml, toml: no ``>>>`` session, no decimal number (a version only
    after a pin's operator, ``==2.21``, or with two dots, ``2.21.0``). In every language, no ``--8<--`` line:
    a snippet is included only by a Python fence."""
    lines = body.split("\n")
    if _snippet_lines(body):
        return "--8<-- includes a file only in a Python fence"
    if any(line.lstrip().startswith(">>>") for line in lines):
        return "a >>> session is Python nothing runs: write it as a python fence and an output block"
    if lang != "bash":
        return f"a {lang} block: the only other language a page may show is bash"
    for name, version in _PINNED.findall(body):
        pinned = _pins().get(re.sub(r"[-_.]+", "-", name).lower())
        if pinned != version:
            return (f"{name}=={version} in a shell block is not the pin the tests ran "
                    f"({'requirements.in pins ' + pinned if pinned else 'requirements.in pins no ' + name})")
    text = re.sub(r"\\\n", " ", body)
    if re.search(r"<<|[<>]\(|\$\(|`|\beval\b|\bexec\b", text):
        return "a shell block may not feed code inline (here-document, command substitution, eval)"
    for line in text.split("\n"):
        bare = re.sub(r"'[^']*'|\"(?:\\.|[^\"\\])*\"", lambda m: "_" * len(m.group(0)), line)
        at = bare.find("#")
        if at >= 0 and (at == 0 or bare[at - 1].isspace()):
            comment, line = line[at:], line[:at]
            reason = comments.problem(comments.Comment(1, comment.rstrip(), bool(line[:at].strip())), runs=False)
            if reason:
                return f"{reason}: {comment.strip()!r}"
        for command in re.split(r"&&|\|\||;|\||&", line):
            problem = _shell_command_problem(_command_words(command.strip()))
            if problem:
                return problem
    return None


def _snippet_root(path: Path, root: Path | None) -> Path:
    if root is not None:
        return root
    for parent in Path(path).resolve().parents:
        if parent.name == "docs":
            return parent.parent
    return Path(path).resolve().parent


def scan(path: Path, text: str | None = None, root: Path | None = None) -> Page:
    """Return every fence of a page, with Python fences paired to their output blocks.
    ``root`` is the repository root (the folder holding snippets/); by default the folder
    above the page's docs/."""
    if text is None:
        text = path.read_text(encoding="utf-8-sig")  # MkDocs ignores a byte order mark too
    bidi = _BIDI.search(text)
    if bidi:
        line = text.count("\n", 0, bidi.start()) + 1
        raise PageError(f"{path}:{line}: a bidirectional control character makes code read differently from how it runs")
    # MkDocs strips YAML front matter: a fence inside it is neither shown nor run.
    front_lines = check_front_matter(path, text)
    if front_lines:
        text = "\n" * front_lines + text.split("\n", front_lines)[front_lines]
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
        if not info.strip():
            lang, options, title = None, set(), None
        else:
            try:
                lang, options, title = parse_info(marker, info)
            except ValueError as exc:
                raise PageError(f"{path}:{i + 1}: {exc}") from None
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

    _assign_tabs(page.fences, lines, path)
    snippet_root = _snippet_root(path, root)
    for k, fence in enumerate(page.fences):
        _check_fence(fence)
        previous = page.fences[k - 1] if k else None
        adjacent_to_previous = previous is not None and all(
            not ln.strip() for ln in lines[previous.end_line : fence.line - 1])
        if fence.lang in OTHER_LANGS:
            if fence.lang != "bash" and adjacent_to_previous and previous.lang in PYTHON_LANGS | {OUTPUT_LANG}:
                raise PageError(
                    f"{path}:{fence.line}: a {fence.lang} block right after a python fence or its output "
                    "reads as its result, which nothing checks: print it in an output block"
                )
            problem = other_block_problem(fence.lang, fence.body)
            if problem:
                raise PageError(f"{path}:{fence.line}: {problem}")
        if fence.lang in PYTHON_LANGS:
            _check_python_fence(fence, snippet_root)
            output = None
            if k + 1 < len(page.fences):
                nxt = page.fences[k + 1]
                between = lines[fence.end_line : nxt.line - 1]
                adjacent = all(not ln.strip() for ln in between)
                if adjacent and nxt.lang == OUTPUT_LANG:
                    output = nxt
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
    # pymdownx.snippets acts on such a line anywhere (prose, any block, a comment): only the
    # include line of a Python fence may hold one.
    includes = {pf.fence.line for pf in page.python if pf.fence.include}
    for n in _snippet_lines(text):
        if n not in includes:  # the include line is the line after the fence's opening line
            raise PageError(
                f"{path}:{n + 1}: --8<-- includes a file only as the one line of a Python fence: "
                '--8<-- "<page>/<file>.py" (a file under snippets/)'
            )
    return page


def _check_fence(fence: Fence) -> None:
    """What any block may be: a language the site allows, with the attributes it uses."""
    path = fence.path
    if not fence.lang:
        raise PageError(
            f"{path}:{fence.line}: say which language this block is (python, output, "
            "bash, ...): an unlabelled block could be Python that nothing runs"
        )
    if fence.lang in UNCHECKED_PYTHON:
        raise PageError(
            f"{path}:{fence.line}: a {fence.lang} block is Python the tests cannot check; "
            "write it as a python fence, with its output in an ```output block"
        )
    if fence.lang in _OUTPUT_LOOKALIKES:
        raise PageError(
            f"{path}:{fence.line}: a {fence.lang} block looks like output that nothing checks: output "
            "must be an ```output block, right after the python fence that prints it, so that it is checked"
        )
    allowed = PYTHON_LANGS | {OUTPUT_LANG} | OTHER_LANGS
    if fence.lang not in allowed:
        raise PageError(f"{path}:{fence.line}: the language {fence.lang!r} is not one this site shows: {sorted(allowed)}")
    if fence.lang not in PYTHON_LANGS and (fence.options or "hl_lines" in fence.info):
        raise PageError(f"{path}:{fence.line}: options {sorted(fence.options)} are for python fences")
    if fence.lang == OUTPUT_LANG and fence.title is not None:
        tolerance = tolerance_in(fence.title)
        if tolerance is None:
            hint = " (it reads like a tolerance, which is declared only in this exact form)" if mentions_tolerance(fence.title) else ""
            raise PageError(
                f"{path}:{fence.line}: an output block's title is the tolerance sentence, word for word, "
                f'or nothing{hint}: title="{TOLERANCE_SENTENCE.format("0.005")}"'
            )
        if tolerance > MAX_TOLERANCE:
            raise PageError(
                f"{path}:{fence.line}: a tolerance of ±{tolerance:g} is more than "
                f"±{MAX_TOLERANCE:g}: print fewer decimals or train to a steadier result"
            )
    if fence.lang in OTHER_LANGS and fence.title is not None:
        raise PageError(f"{path}:{fence.line}: a {fence.lang} block has no title on this site")


def _assign_tabs(fences: list[Fence], lines: list[str], path: Path | None = None) -> None:
    """Note which content tab (``=== "Title"``) each fence sits in.

    As pymdownx.tabbed renders them: consecutive tabs at one indentation form a group,
    ``===!`` starts a new group even right after another, and a tab ends at the next line
    indented no deeper than its ``===`` line. ``===+`` (the tab shown when the page opens)
    is refused after a group's first tab: the page goes on from the first tab.
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
            special = m.group("special") or ""
            if open_group and open_group[0] == indent and "!" not in special:
                index = open_group[1] + 1
            else:
                group, index = group + 1, 0
            if "+" in special and index > 0:
                raise PageError(
                    f"{path}:{n}: ===+ opens the page on this tab, but the page goes on from a "
                    "group's first tab: put this tab first instead"
                )
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


def _check_python_fence(fence: Fence, root: Path) -> None:
    if "notest" in fence.options and not NOT_RUN.match(fence.title or ""):
        raise PageError(
            f"{fence.path}:{fence.line}: a fence marked notest must tell the reader it is "
            'not run, and why, in its title: {.python notest title="Not run here: <the reason>"}'
        )
    if fence.title is not None and "notest" not in fence.options:
        raise PageError(
            f"{fence.path}:{fence.line}: a python fence that runs has no title (a title says why a "
            "notest fence is not run)"
        )
    runs = "notest" not in fence.options
    stripped = [(n, ln) for n, ln in enumerate(fence.body.split("\n")) if ln.strip()]
    includes = [(n, ln) for n, ln in stripped if "8<-" in ln]
    if includes:
        m = _INCLUDE.match(includes[0][1].strip())
        if len(stripped) != 1 or stripped[0][0] != 0 or not m:
            raise PageError(
                f"{fence.path}:{fence.first_code_line + includes[0][0]}: a fence that includes a snippet must "
                'hold exactly one line: --8<-- "<page>/<file>.py", a file under snippets/'
            )
        base = (root / SNIPPETS).resolve()
        target = (base / m.group("path")).resolve()
        if not target.is_file() or base not in target.parents:
            raise PageError(f"{fence.path}:{fence.first_code_line}: no file {SNIPPETS}/{m.group('path')}")
        fence.include = f"{SNIPPETS}/{m.group('path')}"
        code = target.read_text(encoding="utf-8")
        if _snippet_lines(code):
            n = _snippet_lines(code)[0] + 1
            raise PageError(f"{fence.include}:{n} (included by {fence.path}:{fence.line}): a snippet includes nothing")
        comments.check_code(code, lambda n: f"{fence.include}:{n} (included by {fence.path}:{fence.line})", runs)
        return
    comments.check_code(fence.body, lambda n: f"{fence.path}:{fence.first_code_line + n - 1}", runs)
