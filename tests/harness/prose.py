"""Numbers a page writes in its prose must be numbers its outputs print.

Prose that restates an output goes stale silently: change the code, update the
outputs, and "errors average about 150" stays while the output now says 65.6.

What counts as prose is what the reader reads, not the Markdown source: the page is
rendered with the site's own Markdown configuration (mkdocs.yml's extensions; a
notebook's markdown cells as mkdocs-jupyter renders them) and its text is taken from the
HTML: paragraphs, lists, tables, headings, admonition titles, tab labels, emphasis,
block titles (``title=`` of a fence), image alt text, tooltips (``title`` attributes) and
the front matter's ``title`` and ``description``. Code blocks and output blocks are not
prose; the ``±`` tolerance in an output block's title is the block's, not a claim. The
text is normalised as a reader reads it (NFKC, so ``０.９９`` is 0.99; invisible format
characters removed; HTML entities decoded; digits of any script; ``0,99`` and ``0·99``
are decimals, ``1,797`` is a thousands separator; ``99 %``, ``99 percent``, ``99 per
cent``, ``99 percentage points`` and ``ninety-nine percent`` are all ``99%``;
``1.5 × 10⁻³`` is ``1.5e-3``).

Each number has a kind, and is matched only against printed numbers of its kind:

- a *percentage* against printed percentages (``87.4%``) and numbers printed with a
  decimal point (a proportion: ``0.8738`` is 87.38%; or a percentage printed without
  its sign: ``87.4``), never against an integer (the 5 of ``epoch 5/5``, a step count);
- a *decimal* (``0.153``, ``1.5e-3``) against printed numbers with a decimal point or an
  exponent, printed at least at the precision the prose writes (``0.153`` matches a
  printed ``0.1531``, not a printed ``0.15``; the mantissa of ``1.5e-3`` is never read
  as a number of its own);
- an *integer* is a count the page's code sets and the reader sees there (10 classes,
  3 layers, 5 epochs, 28 x 28 pixels): integers are not checked by rule 1, except when
  the prose makes one a measurement: a training metric's value (``a loss of 3``,
  ``MAE 3``; not "scaled to mean 0 and standard deviation 1", which describes a
  transformation, and not a proportion rounded: "an accuracy of 1" is not 0.91),
  a unit of time or memory size (``12 s``, ``16 ms``, ``3 MB``) or a count of
  parameters (``7,850 parameters``);
- a *version* (``Keras 3.15``, ``TensorFlow 2.21``, ``tensorflow==2.21.0``, ``v3.15``, any
  ``X.Y.Z``) must be the pinned version (``requirements.in``; Python's is the running
  interpreter's) or a version the page prints, to the parts it writes; a bare major
  (``Keras 2``, ``TensorFlow 1``) names a generation and must not be newer than the pin.

A number next to a metric word in the prose ("an accuracy of 0.91", "val_loss 0.35",
"0.91 accuracy", "the standard deviation (over seeds) is 0.02") is that metric's value:
where the page prints that metric with its label (``accuracy: 0.9123``), it must match a
number printed with that label; where it does not, a number printed with no metric label,
never another metric's value. The same holds for "an accuracy of about 0.9" (rule 3).

Numbers in backticks are read like any other (the reader sees them), with one more way to
be true: a number in inline code may be a literal of the page's own code, the setting it
names (`` `learning_rate=0.01` `` where a fence passes ``0.01``). Integers in code
(``Dense(10)``, ``(None, 28, 28)``) are counts; digits inside a name (``float32``) are no
number. A default the code does not pass (`` `threshold=0.5` ``) is a claim: print it, or
back the sentence with a claims test.

A sentence that a claims test backs (``@claim(page, sentence)`` in tests/claims) is that
test's to check, its numbers included.

The served site (``served_problems``, tests/test_site_text.py) is held to the same rules
on every page as the site serves it, chrome included; and the site's own text around the
article (site name, navigation labels, header, footer, window title) holds no number at
all, integers included, that is not a pinned version or printed on the page it labels.

The rules:

1. A decimal, a percentage, a version, or an integer made a measurement (above) must be
   a number some output on the same page prints, of its kind, at its precision.
2. When ``--update-outputs`` rewrites an output, any number in the prose (integers too)
   that the old output printed and that no output prints any more fails the update: the
   sentence restated the old output.
3. Approximate numbers are numbers too: "about 150", "nearly 90%", "roughly a third",
   "nine in ten", "tens of thousands" must each be true of a number some output on the
   page prints, within the rounding the words imply (``approximations`` below says how
   each is read), and an update that makes one false (as rule 2) fails and names it.
"""

from __future__ import annotations

import functools
import html
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .rules import PYTHON_LANGS, FenceFailure

_HARNESS_ROOT = Path(__file__).resolve().parents[2]
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.DOTALL)


# --- Reading the text the reader sees ------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_DECIMAL_COMMA = re.compile(r"(?<![\d,.])(\d+),(\d+)(?![\d,]|\.\d)")
_PERCENT_WORDS = re.compile(r"(\d)\s*(?:%|per\s*cent\b|percent(?:age points?)?\b|pct\b)", re.IGNORECASE)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _reader_char(m: re.Match) -> str:
    c = m.group(0)
    if unicodedata.category(c) in ("Cf", "Me") or c == "\ufe0f":  # keycaps: 9️⃣ is 9
        return ""
    return str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c


def normalise_text(text: str, source: bool = False) -> str:
    """Text as the reader reads it. ``source=True`` for Markdown source text (entities are
    decoded and emphasis markers next to digits dropped, as the renderer does)."""
    # A superscript after 10 is an exponent (10⁻³ is 10^-3); anywhere else, digits.
    text = _SUPERSCRIPT_RUN.sub(lambda m: ("^" if re.search(r"10\s*$", text[:m.start()]) else "")
                                + m.group(0).translate(_SUPERSCRIPTS), text)
    if source:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    # Invisible format characters (zero-width spaces and joiners, soft hyphens, bidi
    # marks) are dropped; digits of any script are digits.
    text = _NON_ASCII.sub(_reader_char, text)
    text = text.replace("\u2212", "-").replace("\u2044", " in ")  # minus sign; ½ -> 1 in 2
    text = text.replace("\u066b", ".").replace("\u066c", ",")  # Arabic decimal and thousands separators
    if source:
        text = re.sub(r"(?<![\w\\])[*_]+(?=[-.\d])|(?<=\d)[*_]+(?!\w)", "", text)
    text = re.sub(r"(?<=\d)[·•](?=\d)", ".", text)
    # A letter O among digits reads as a zero: O.99, 1O%.
    text = re.sub(r"(?<![\w.])[Oo](?=[.,]\d)|(?<=\d)[Oo]+(?=[\d%.,]|\b)", lambda m: "0" * len(m.group(0)), text)
    # 0,99 and 12,5 are decimals; 1,797 and 1,000,000 are thousands.
    text = _DECIMAL_COMMA.sub(
        lambda m: m.group(0) if len(m.group(2)) == 3 and m.group(1) != "0" else f"{m.group(1)}.{m.group(2)}", text)
    text = _PERCENT_WORDS.sub(r"\1%", text)
    # Per mille and per ten thousand are percentages too: 990‰ is 99.0%.
    text = re.sub(r"(\d+(?:\.\d+)?)\s*([‰‱])", lambda m: _per(m.group(1), 10 if m.group(2) == "‰" else 100), text)
    # "zero point nine nine" is 0.99.
    text = _SPELLED_DECIMAL.sub(lambda m: f"{_spelled(m.group('whole'))}." + "".join(
        str(_UNITS_WORDS.index(w.lower())) for w in re.split(r"[\s-]+", m.group("digits"))), text)
    # A percentage in words ("ninety-nine percent") is a percentage.
    text = _WORDS_PERCENT.sub(lambda m: f"{_spelled(m.group('n'))}%", text)
    return text


_UNITS_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                "fifteen sixteen seventeen eighteen nineteen").split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SPELLED = (r"(?:(?:one |a )?hundred|(?:" + "|".join(_TENS_WORDS) + r")(?:[- ](?:" + "|".join(_UNITS_WORDS[1:10])
            + r"))?|" + "|".join(_UNITS_WORDS) + r")")
_WORDS_PERCENT = re.compile(r"\b(?P<n>" + _SPELLED + r")\s*(?:%|per\s*cent\b|percent(?:age points?)?\b)", re.IGNORECASE)


_DIGIT_WORDS = "|".join(_UNITS_WORDS[:10])
_SPELLED_DECIMAL = re.compile(r"\b(?P<whole>" + _SPELLED + r")\s+point\s+(?P<digits>(?:" + _DIGIT_WORDS + r")(?:[\s-]+(?:"
                              + _DIGIT_WORDS + r"))*)\b", re.IGNORECASE)


def _per(number: str, divisor: int) -> str:
    decimals = len(number.split(".")[1]) if "." in number else 0
    places = decimals + (1 if divisor == 10 else 2)
    return f"{float(number) / divisor:.{places}f}%"


def _spelled(words: str) -> int:
    words = words.lower().replace("-", " ").split()
    if words[-1] == "hundred":
        return 100
    total = 0
    for w in words:
        total += _UNITS_WORDS.index(w) if w in _UNITS_WORDS else 20 + 10 * _TENS_WORDS.index(w)
    return total


_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "label", "summary",
               "div", "blockquote", "figcaption", "tr", "table", "ul", "ol", "details", "br", "hr", "section",
               "article", "header", "footer", "nav", "title", "option", "caption", "figure", "pre"}
_TOLERANCE_CLAUSE = re.compile(r"±\s*\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def html_text(root, skip=None) -> list[str]:
    """The text a reader reads in an HTML element, one string per block, attributes
    (alt text, tooltips) as blocks of their own; code and output blocks left out, their
    titles kept; elements for which ``skip(tag)`` is true left out."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    chunks: list[str] = []
    current: list[str] = []

    def flush():
        text = normalise_text("".join(current))
        if text.strip():
            chunks.append(text)
        current.clear()

    def attributes(tag):
        for name in ("alt", "title", "aria-label", "placeholder", "value"):
            value = tag.get(name)
            if isinstance(value, str) and value.strip() and not (name == "value" and tag.name != "input"):
                flush()
                chunks.append(normalise_text(value))

    def walk(node):
        for child in node.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                current.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in ("script", "style", "template", "noscript"):
                continue
            if skip is not None and skip(child):
                flush()
                continue
            classes = child.get("class") or []
            attributes(child)
            if child.name == "meta":
                content = child.get("content")
                if child.get("name") in ("description", "keywords", "author") and content:
                    flush()
                    chunks.append(normalise_text(content))
                continue
            if "jp-OutputArea" in classes or "clipboard-copy-txt" in classes or (
                    "jp-InputArea" in classes and child.find_parent(class_="jp-CodeCell") is not None):
                # A notebook's outputs, its code cells' code and their clipboard copy.
                flush()
                continue
            if (child.name == "div" and "highlight" in classes) or child.name == "pre":
                # A code or output block: only its title is prose, the tolerance aside.
                flush()
                output = any(c == "language-output" for c in classes)
                for title in child.select("span.filename"):
                    text = title.get_text()
                    chunks.append(normalise_text(_TOLERANCE_CLAUSE.sub(" ", text) if output else text))
                continue
            if child.name == "code":
                text = child.get_text()
                current.append(f" {_CODE}{text.strip()}{_CODE_END} ")
                continue
            block = child.name in _BLOCK_TAGS
            if block:
                flush()
            walk(child)
            if block:
                flush()

    walk(root)
    flush()
    return [c for c in chunks if c.strip()]


class Prose(str):
    """A block of prose, with the source line of each place in it (for error messages)
    and the numeric literals of the page's code (what a number in backticks may name)."""

    lines: list[tuple[int, int]]  # (offset in the text, source line), ascending
    code_numbers: frozenset[float] = frozenset()
    claimed: list[tuple[int, int]] = []  # spans of sentences a claims test backs

    def line_at(self, offset: int, default: int) -> int:
        found = default
        for start, line in getattr(self, "lines", []):
            if start <= offset:
                found = line
        return found


@functools.lru_cache(maxsize=8)
def _markdown(root: str):
    """A converter with the site's Markdown extensions (from the project's mkdocs.yml, or
    this repository's), snippets read from the project root."""
    import markdown
    import yaml

    config_path = Path(root) / "mkdocs.yml"
    if not config_path.is_file():
        config_path = _HARNESS_ROOT / "mkdocs.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    names, configs = [], {}
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            names.append(name)
            configs[name] = dict(options or {})
        else:
            names.append(entry)
    if "pymdownx.snippets" in configs:
        # Included text is read where the tests run (a missing file is the census's to refuse).
        bases = configs["pymdownx.snippets"].get("base_path") or ["."]
        bases = [bases] if isinstance(bases, str) else bases
        configs["pymdownx.snippets"].update(base_path=[str(Path(root) / b) for b in bases], check_paths=False)
    converter = markdown.Markdown(extensions=names, extension_configs=configs)
    converter.snippet_bases = configs.get("pymdownx.snippets", {}).get("base_path", [root])
    return converter


def _fence_code(fence, root: Path) -> str:
    """A Python fence's code: its body, or the snippet it includes (if it can be read)."""
    try:
        return fence.code(root)
    except (OSError, AttributeError):
        pass
    for base in _markdown(str(root)).snippet_bases:
        path = Path(base) / (getattr(fence, "include", None) or "")
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return fence.body


def _project_root(path: Path) -> Path:
    for parent in path.resolve().parents:
        if parent.name == "docs":
            return parent.parent
    return path.resolve().parent


def render_markdown(text: str, root: Path) -> str:
    converter = _markdown(str(root))
    converter.reset()
    return converter.convert(text)


def _locate(chunks: list[str], source_lines: list[tuple[int, str]]) -> list[tuple[int, Prose]]:
    """Each chunk with the source line of each place in it. A chunk keeps the line breaks
    of its source, so its first line is found by its first words (in page order from the
    chunk before) and each later line counts on from there; a number is found by itself,
    the first line from there whose normalised text holds it."""
    normalised = [(n, normalise_text(line, source=True)) for n, line in source_lines]
    cursor, found = 0, []
    first = source_lines[0][0] if source_lines else 1

    def search(test, start):
        hits = [i for i in range(len(normalised)) if test(normalised[i][1])]
        after = [i for i in hits if i >= start]
        return (after or hits or [None])[0]

    for chunk in chunks:
        prose = Prose(chunk)
        anchors = []
        offset = 0
        for k, text_line in enumerate(chunk.split("\n")):
            words = re.findall(r"[^\W\d_]{3,}", text_line)[:4]
            if words:
                at = search(lambda line, words=words: all(w in line for w in words), cursor)
                if at is not None:
                    anchors.append((offset, normalised[at][0]))
                    cursor = at
            offset += len(text_line) + 1
        for m in _TOKEN.finditer(chunk):
            token = m.group(0).strip()
            pattern = re.compile(r"(?<![\w.])" + re.escape(token) + r"(?!\d)")
            at = search(lambda line: token in line and pattern.search(line), cursor)
            if at is not None:
                anchors.append((m.start(), normalised[at][0]))
        prose.lines = sorted(anchors)
        found.append((prose.lines[0][1] if prose.lines else first, prose))
    return found


def front_matter(text: str) -> tuple[dict, int]:
    """The page's YAML front matter (what MkDocs reads as its title and description) and
    the number of lines it takes."""
    import yaml

    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), match.group(0).count("\n")


@functools.lru_cache(maxsize=4)
def _claims(root: str) -> dict[str, tuple[str, ...]]:
    """The sentences each page's claims tests back (``@claim(page, sentence, ...)`` in
    tests/claims/test_*.py), read without importing the tests."""
    import ast

    found: dict[str, list[str]] = {}
    for path in sorted((Path(root) / "tests" / "claims").glob("test_*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        names = {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                 for t in node.targets if isinstance(t, ast.Name)}

        def value(arg):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
            return names.get(arg.id) if isinstance(arg, ast.Name) else None

        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(func, "id", getattr(func, "attr", None)) == "claim" and node.args:
                page, *sentences = [value(a) for a in node.args]
                if page:
                    found.setdefault(page, []).extend(s for s in sentences if s)
    return {page: tuple(sentences) for page, sentences in found.items()}


@functools.lru_cache(maxsize=256)
def _claim_patterns(sentences: tuple[str, ...], root: Path) -> tuple[str, ...]:
    """The claimed sentences that hold a number, as the reader reads them (rendered, all
    in one conversion, a paragraph each), whitespace free."""
    from bs4 import BeautifulSoup

    with_numbers = [" ".join(s.split()) for s in sentences if _TOKEN.search(normalise_text(s, source=True))]
    if not with_numbers:
        return ()
    shown = html_text(BeautifulSoup(render_markdown("\n\n".join(with_numbers), root), "html.parser"))
    return tuple("".join(text.split()) for text in shown)


def _claimed_spans(text: str, sentences: tuple[str, ...], root: Path) -> list[tuple[int, int]]:
    """Where in a block of prose the sentences a claims test backs stand (whitespace aside)."""
    places = [i for i, c in enumerate(text) if not c.isspace()]
    squeezed = "".join(text[i] for i in places)
    spans = []
    for claimed in _claim_patterns(sentences, root):
        at = squeezed.find(claimed)
        while claimed and at >= 0:
            spans.append((places[at], places[at + len(claimed) - 1] + 1))
            at = squeezed.find(claimed, at + 1)
    return spans


def _back_claims(located: list[tuple[int, Prose]], page_path: Path) -> None:
    root = _project_root(page_path)
    try:
        rel = page_path.resolve().relative_to(root / "docs").as_posix()
    except ValueError:
        return
    sentences = _claims(str(root)).get(rel, ())
    if sentences:
        for _, prose in located:
            prose.claimed = _claimed_spans(prose, sentences, root)


_PROSE_CACHE: dict[tuple[str, str], list[tuple[int, Prose]]] = {}


def markdown_prose(page) -> list[tuple[int, Prose]]:
    """The text a reader reads on a Markdown page, as rendered, one entry per block, each
    with the source line of its numbers; the front matter's title and description first."""
    raw = page.path.read_text(encoding="utf-8-sig") if page.path.is_file() else page.text
    key = (str(page.path), raw)
    if key not in _PROSE_CACHE:
        from bs4 import BeautifulSoup

        meta, front_lines = front_matter(raw)
        shown = [str(meta[k]) for k in ("title", "description") if isinstance(meta.get(k), (str, int, float))]
        body = "\n" * front_lines + _FRONT_MATTER.sub("", raw, count=1) if front_lines else raw
        # Code is not prose: fence bodies are left out before rendering (highlighting them
        # would cost most of the time); their opening lines, with the titles, stay.
        inside = {n for f in page.fences for n in range(f.line + 1, f.end_line)}
        body = "\n".join("" if n in inside else line for n, line in enumerate(body.split("\n"), start=1))
        soup = BeautifulSoup(render_markdown(body, _project_root(page.path)), "html.parser")
        chunks = [normalise_text(s) for s in shown] + html_text(soup)
        source = [(n, line) for n, line in enumerate(raw.split("\n"), start=1) if n not in inside]
        located = _locate(chunks, source)
        root = _project_root(page.path)
        code = code_numbers([_fence_code(f, root) for f in page.fences if (f.lang or "") in PYTHON_LANGS])
        for _, prose in located:
            prose.code_numbers = code
        _back_claims(located, page.path)
        _PROSE_CACHE[key] = located
    return _PROSE_CACHE[key]


def _notebook_markdown(text: str) -> str:
    try:
        from nbconvert.filters.markdown_mistune import markdown2html_mistune
    except ImportError:  # pragma: no cover - mkdocs-jupyter brings nbconvert
        return render_markdown(text, _HARNESS_ROOT)
    return markdown2html_mistune(text)


def notebook_prose(notebook, path: Path | None = None) -> list[tuple[int, Prose]]:
    """The markdown cells' text as mkdocs-jupyter renders it, numbered by cell (the line
    a failure points to), and the notebook's title and description if it sets them.
    ``path``, the notebook's file, finds the sentences its claims tests back."""
    from bs4 import BeautifulSoup

    found = []
    code = code_numbers([c.source for c in notebook.cells if c.cell_type == "code"])
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "markdown":
            continue
        for chunk in html_text(BeautifulSoup(_notebook_markdown(cell.source), "html.parser")):
            prose = Prose(chunk)
            prose.lines = []
            prose.code_numbers = code
            found.append((number, prose))
    meta = notebook.get("metadata", {})
    for key in ("title", "description"):
        if isinstance(meta.get(key), str):
            found.insert(0, (1, Prose(normalise_text(meta[key]))))
    if path is not None:
        _back_claims(found, Path(path))
    return found


def served_prose(page_html: str) -> list[str]:
    """Every text a reader reads on a served page (article, navigation, header, footer,
    the window title and the meta description), outside code and output blocks."""
    from bs4 import BeautifulSoup

    return html_text(BeautifulSoup(page_html, "html.parser"))


def _soup(page_html):
    from bs4 import BeautifulSoup

    return page_html if not isinstance(page_html, str) else BeautifulSoup(page_html, "html.parser")


def served_outputs(page_html) -> list[str]:
    """The outputs a served page shows (Markdown output blocks, notebook outputs)."""
    soup = _soup(page_html)
    blocks = [d.pre for d in soup.find_all("div", class_="language-output") if d.pre is not None]
    return [o.get_text() for o in blocks + soup.find_all(class_="jp-OutputArea-output")]


def _served_code(soup) -> list[str]:
    python = {f"language-{lang}" for lang in PYTHON_LANGS}
    blocks = [d.pre for d in soup.find_all("div", class_="highlight")
              if python & set(d.get("class") or []) and d.pre is not None]
    blocks += [a.pre for a in soup.find_all(class_="jp-InputArea") if a.pre is not None]
    return [b.get_text() for b in blocks]


def _page_text_in_chrome(tag) -> bool:
    """The table of contents repeats the page's headings, the meta description its front
    matter: the page's prose, not the site's own text."""
    classes = tag.get("class") or []
    return (tag.name == "article" or (tag.name == "nav" and "md-nav--secondary" in classes)
            or (tag.name == "meta" and tag.get("name") == "description"))


def served_problems(page_html, page_path: Path | None = None, linked_outputs=None) -> list[str]:
    """What a served page (HTML text or a parsed page) shows that the prose rule refuses:

    - everywhere (article, headings, table of contents, window title, meta description,
      navigation, footer): the prose rule, against the outputs the served page shows, so
      that what a build step adds is held to the rule the source is;
    - in the site's own text around the article (site name, navigation labels, header,
      footer, window title, copyright): any number at all, integers too, that is not a
      pinned version or a number printed on the page it labels (a navigation link: the
      page it leads to, as ``linked_outputs(href)`` gives its outputs). The page's own
      title (its first heading) is its prose, checked as such.

    ``page_path`` (the page's source) finds the sentences claims tests back."""
    soup = _soup(page_html)
    outputs = served_outputs(soup)
    code = code_numbers(_served_code(soup))
    lines = []
    for chunk in html_text(soup):
        prose = Prose(chunk)
        prose.lines, prose.code_numbers = [], code
        lines.append((0, prose))
    if page_path is not None:
        _back_claims(lines, Path(page_path))
    problems = [f"the page says {n}, which no output on the page prints" for _, n in unbacked_numbers(lines, outputs)]
    problems += [f'the page says "{p}", which is true of no number an output on the page prints'
                 for _, p in unbacked_approximations(lines, outputs)]

    article = soup.find("article")
    title = article.find("h1") if article is not None else None
    title_text = normalise_text(title.get_text()).replace("\u00b6", "").strip() if title else None
    printed = printed_numbers(outputs)

    def inside_page_text(tag) -> bool:
        return any(_page_text_in_chrome(t) for t in [tag, *tag.parents] if hasattr(t, "get"))

    if linked_outputs is not None:
        for link in soup.find_all("a", href=True):
            texts = html_text(link)
            if any(re.search(r"\d", t) for t in texts) and not inside_page_text(link):
                theirs = printed_numbers(linked_outputs(link["href"]) or [])
                problems += _chrome_problems(texts, theirs, title_text, f"the link to {link['href']}")

    def skip(tag) -> bool:
        return _page_text_in_chrome(tag) or (linked_outputs is not None and tag.name == "a" and tag.has_attr("href"))

    problems += _chrome_problems(html_text(soup, skip), printed, title_text, "the page around the article")
    return problems


def _chrome_problems(chunks: list[str], printed: list[Printed], title: str | None, where: str) -> list[str]:
    problems = []
    for chunk in chunks:
        if title:
            chunk = chunk.replace(title, " ")
        for number in prose_numbers(chunk):
            if number.kind == "version" or number.kind in ("decimal", "percent"):
                ok = backed(number, printed)
            else:
                ok = any(p.kind == "int" and p.value == number.value for p in printed)
            if not ok:
                problems.append(f"{where} says {_describe(number)} (in {' '.join(chunk.split())[:80]!r}): "
                                "the site's own text holds only pinned versions and numbers the page prints")
    return problems


# --- Numbers in prose ----------------------------------------------------------------

_NUM_BODY = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)*|\.\d+"
_EXPONENT = r"[eE][-+]?\d+|\s*[×x*·]\s*10\s*(?:\^|\*\*)\s*[-+]?\d+"
_TOKEN = re.compile(
    r"(?<![\w.])(?P<v>v(?=\d))?(?P<sign>-(?=\.?\d))?(?P<body>" + _NUM_BODY + r")"
    r"(?P<exp>" + _EXPONENT + r")?(?![\d])(?P<pct>%)?"
    r"|(?<![\w.])10\s*(?:\^|\*\*)\s*(?P<pow>[-+]?\d+)(?!\d)")
# Units that make an integer a measurement: times, memory sizes, parameter counts.
_UNIT = re.compile(r"(?:\s*(?:ms|µs|μs|us|ns|KB|kB|MB|GB|KiB|MiB|GiB)|\s+(?:s|secs?|seconds?|minutes?|min|hours?"
                   r"|(?:trainable\s+|non-trainable\s+)?(?:parameters|params)))\b")
# A metric word names the number right after it: "accuracy: 0.91", "a loss of 3",
# "val_loss = 0.35", "the MAE was 2.9", "accuracy reached 97%".
_ATTACHED = re.compile(r"\s*(?:[:=]\s*|\([^()]*\)\s*|(?:of|is|was|were|are|reached|reaches|reach|at|to|from|by|near|stays|stayed|ends|ended|"
                       r"falls|fell|drops|dropped|rises|rose|gives|gave|scores?|scored)\s+)*$", re.IGNORECASE)
# A licence is a document with a version in its name, not a measurement.
_LICENCE = re.compile(r"(?:\b(?:CC(?:[- ](?:BY|SA|NC|ND))+|Creative Commons[\w -]*?|(?:A|L)?GPL|GNU GPL|Apache(?: License)?|"
                      r"BSD|MPL)\s*(?:version\s*|v)?)$", re.IGNORECASE)
_CODE, _CODE_END = "\ue000", "\ue001"  # around what the page wrote in backticks


def _pins() -> dict[str, str]:
    pins = {"python": "{}.{}.{}".format(*sys.version_info[:3])}
    path = _HARNESS_ROOT / "requirements.in"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").split("\n"):
            m = re.match(r"\s*([A-Za-z0-9][\w.-]*)\s*==\s*([\w.]+)", line)
            if m:
                pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


PINS = _pins()
_ALIASES = {"tf": "tensorflow", "tf_keras": "tf-keras", "sklearn": "scikit-learn",
            "material for mkdocs": "mkdocs-material", "cpython": "python"}
_NAMES = sorted({*PINS, *_ALIASES, "tensorflow"}, key=len, reverse=True)
_NAME_RE = "|".join(re.escape(n).replace(r"\-", "[-_ ]").replace(r"\ ", r"\s+") for n in _NAMES)
_VERSION = re.compile(r"(?<![\w.-])(?P<name>" + _NAME_RE + r")(?:\s*(?:==|>=|<=|~=|@)\s*|\s+version\s+|\s*v|\s+)"
                      r"(?P<ver>\d+(?:\.\d+)*)(?![\d])", re.IGNORECASE)

# Metric words, longest first; output labels and prose words share them.
_METRICS = [
    ("rmse", r"root mean squared error|rmse"),
    ("mae", r"mean absolute error|mae"),
    ("mse", r"mean squared error|mse"),
    ("std", r"standard deviations?|std(?:dev)?|σ"),
    ("accuracy", r"(?:sparse_categorical_|categorical_|binary_)?accuracy|acc"),
    ("loss", r"losses|loss|crossentropy|cross-entropy"),
    ("auc", r"auc"), ("precision", r"precision"), ("recall", r"recall"),
    ("lr", r"learning[ _]rates?|lr"),
    ("mean", r"means?|averages?|averaged"),
    ("epoch", r"epochs?"), ("step", r"steps?"),
]
_COUNTERS = {"epoch", "step"}
_STATISTICS = {"mean", "std"}  # descriptive: an integer after them is not a training result
_METRIC = re.compile(
    r"(?<![A-Za-z])(?P<val>val_|validation\s+)?(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _METRICS) + r")(?![A-Za-z])",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


@dataclass
class Number:
    text: str
    value: float
    kind: str  # int, decimal, percent, version
    decimals: int  # the place of the last digit written (0 for integers)
    signed: bool
    start: int
    end: int
    metric: tuple[str, bool] | None = None  # (metric, validation)
    unit: bool = False
    code: bool = False  # written in backticks

    @property
    def measured(self) -> bool:
        """Whether rule 1 checks it: integers only when the prose makes them a measurement
        (a training metric's value, a time, a size, a parameter count; "scaled to mean 0
        and standard deviation 1" describes a transformation, not a result)."""
        if self.kind in ("decimal", "percent", "version"):
            return True
        return self.unit or (self.metric is not None and self.metric[0] not in _COUNTERS | _STATISTICS)


def _number(m: re.Match) -> Number:
    if m.group("pow") is not None:
        exp = int(m.group("pow"))
        return Number(m.group(0), 10.0 ** exp, "decimal", max(0, -exp), False, m.start(), m.end())
    body = m.group("body").replace(",", "")
    text = m.group(0)
    if body.count(".") >= 2 or m.group("v"):
        return Number(text, 0.0, "version", 0, False, m.start(), m.end())
    decimals = len(body.split(".")[1]) if "." in body else 0
    value = float(body)
    kind = "decimal" if "." in body else "int"
    if m.group("exp"):
        exp = int(re.sub(r"[^\d+-]", "", re.sub(r"^.*?(?:\^|\*\*|[eE])", "", m.group("exp"))))
        value *= 10.0 ** exp
        decimals -= exp
        kind = "decimal"
    if m.group("sign"):
        value = -value
    if m.group("pct"):
        kind = "percent"
    return Number(text, value, kind, decimals, bool(m.group("sign")), m.start(), m.end())


def _metric_in(text: str) -> tuple[str, bool] | None:
    found = None
    for m in _METRIC.finditer(text):
        name = next(k for k, _ in _METRICS if m.group(k))
        found = (name, bool(m.group("val")))
    return found


def _metric_before(gap: str, loose: bool = False) -> tuple[str, bool] | None:
    """The metric whose value the number right after ``gap`` is: the last metric word of
    the gap, if only a colon, an equals sign, linking words ("of", "is", "reached") or a
    short clause ("on the test set, after training,": eight words at most, no "and",
    "than", no sentence's end; ``loose``, for decimals and percentages, whose metric only
    narrows what may back them) stands between them."""
    last = None
    for m in _METRIC.finditer(gap):
        last = m
    tail = gap[last.end():] if last is not None else ""
    if last is None or not (_ATTACHED.fullmatch(tail) or loose and (
            len(re.findall(r"[^\W\d_]+", tail)) <= 8 and not re.search(r"[.;!?]\s", tail + " ")
            and not re.search(r"\b(?:and|but|while|whereas|than|or)\b", tail))):
        return None
    return next(k for k, _ in _METRICS if last.group(k)), bool(last.group("val"))


def prose_numbers(text: str) -> list[Number]:
    """The numbers of a prose text, each with its kind, metric and unit; versions named
    by a package come back as kind "version" with ``text`` "<package> <version>"."""
    numbers: list[Number] = []
    versions = {m.start("ver"): m for m in _VERSION.finditer(text)}
    previous_end, previous_metric = 0, None
    for m in _TOKEN.finditer(text):
        number = _number(m)
        number.code = text.rfind(_CODE, 0, m.start()) > text.rfind(_CODE_END, 0, m.start())
        named = versions.get(m.start() + (1 if m.group("v") else 0))
        if named is not None:
            name = named.group("name").lower().replace("_", "-")
            number = Number(f"{named.group('name')} {named.group('ver')}", 0.0, "version", 0, False, m.start(), m.end())
            number.metric = (_ALIASES.get(name, re.sub(r"[\s-]+", "-", name)), False)
            numbers.append(number)
            previous_end, previous_metric = m.end(), None
            continue
        before = text[max(0, m.start() - 60):m.start()]
        if _LICENCE.search(before) or (number.kind != "version" and re.search(r"[A-Za-z]\($", before)):
            # "CC BY-SA 3.0", "GNU GPL v3": a name; "ln(10)", "f(2)": a formula's argument.
            previous_end = m.end()
            continue
        if number.kind == "version":
            numbers.append(number)
            previous_end, previous_metric = m.end(), None
            continue
        ends = [e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())]
        sentence_start = ends[-1] if ends else 0
        if previous_end < sentence_start:
            previous_metric = None
        gap = text[max(previous_end, sentence_start):m.start()]
        metric = _metric_before(gap, loose=number.kind != "int")
        if metric is None and number.kind != "int":
            # "0.91 accuracy", "87% validation accuracy"
            after = re.match(r"\s*(?:val_|validation\s+|test\s+|training\s+)?[A-Za-z_]+", text[m.end():])
            metric = _metric_in(after.group(0)) if after else None
            if metric is not None and metric[0] in _COUNTERS:
                metric = None
        if metric is None and previous_metric and re.fullmatch(
                r"[\s,()\-–—→]*(?:(?:to|from|and|or|then|vs\.?|versus|down|up|falls?|fell|rises?|rose|drops?)"
                r"[\s,()\-–—→]*)*", gap):
            metric = previous_metric  # "the loss falls from 0.52 to 0.31"
        number.metric = metric
        number.unit = number.kind == "int" and bool(_UNIT.match(text, m.end()))
        numbers.append(number)
        previous_end = m.end()
        previous_metric = metric if metric and metric[0] not in _COUNTERS else None
    return numbers


# --- Numbers in outputs ---------------------------------------------------------------

_OUTPUT_NUMBER = re.compile(
    r"(?P<version>\d+\.\d+\.\d+(?:[.\w]*)?)|(?P<sign>[-+])?(?P<body>\d+(?:,\d{3})*(?:\.\d*)?|\.\d+)"
    r"(?P<exp>[eE][-+]?\d+)?(?P<pct>\s?%)?")


@dataclass
class Printed:
    text: str
    value: float
    kind: str  # int, decimal, percent, version
    decimals: int
    metric: tuple[str, bool] | None = None


def printed_numbers(outputs: list[str]) -> list[Printed]:
    found = []
    for output in outputs:
        for line in output.split("\n"):
            previous_end, previous_metric = 0, None
            for m in _OUTPUT_NUMBER.finditer(line):
                gap = line[previous_end:m.start()]
                metric = _metric_in(gap)
                if metric is None and not re.search(r"[A-Za-z]", gap):
                    metric = previous_metric
                previous_end, previous_metric = m.end(), metric
                if m.group("version"):
                    found.append(Printed(m.group("version"), 0.0, "version", 0, metric))
                    continue
                body = m.group("body").replace(",", "")
                decimals = len(body.split(".")[1]) if "." in body else 0
                value = float(body) * (-1 if m.group("sign") == "-" else 1)
                kind = "decimal" if "." in body else "int"
                if m.group("exp"):
                    exp = int(m.group("exp")[1:])
                    value *= 10.0 ** exp
                    decimals -= exp
                    kind = "decimal"
                if m.group("pct"):
                    kind = "percent"
                found.append(Printed(m.group(0), value, kind, decimals, metric))
    return found


def _candidates(number: Number, printed: list[Printed]) -> list[Printed]:
    """The printed numbers a prose number may be: those of its metric where the page
    prints that metric, else those printed with no measured metric's label."""
    if number.metric is None or number.metric[0] in _COUNTERS:
        return printed
    name, validation = number.metric
    same = [p for p in printed if p.metric and p.metric[0] == name and (p.metric[1] or not validation)]
    if same:
        return same
    return [p for p in printed if p.metric is None or p.metric[0] in _COUNTERS]


def _close(target: float, decimals: int, value: float, signed: bool) -> bool:
    value = value if signed else abs(value)
    return abs(value - target) <= 0.5 * 10.0 ** -decimals + 1e-12


def _version_ok(written: str, full: str) -> bool:
    return full.split(".")[:len(written.split("."))] == written.split(".")


def code_numbers(sources: list[str]) -> frozenset[float]:
    """The numeric literals of a page's Python code (``0.001`` in ``Adam(0.001)``)."""
    import io
    import tokenize

    found = set()
    for source in sources:
        try:
            for token in tokenize.generate_tokens(io.StringIO(source).readline):
                if token.type == tokenize.NUMBER and not token.string.endswith(("j", "J")):
                    try:
                        found.add(abs(float(token.string.replace("_", ""))))
                    except ValueError:
                        found.add(abs(float(int(token.string.replace("_", ""), 0))))
        except (tokenize.TokenError, SyntaxError, IndentationError):
            continue
    return frozenset(found)


def backed(number: Number, printed: list[Printed], code: frozenset[float] = frozenset()) -> bool:
    """Whether a prose number is a printed number of its kind, at its precision (or, for
    a number in backticks, a literal of the page's code: the setting it names)."""
    if number.code and number.kind in ("int", "decimal") and any(
            abs(abs(number.value) - c) <= 1e-12 * max(1.0, c) for c in code):
        return True
    if number.kind == "version":
        written = number.text.split()[-1].lstrip("v")
        shown = [p.text for p in printed if p.kind in ("version", "decimal")]
        if number.metric is not None:  # named: the pin of that package
            pin = PINS.get(number.metric[0])
            if pin is not None:
                if "." not in written:  # a generation: Keras 2, TensorFlow 1
                    return int(written) <= int(pin.split(".")[0])
                if _version_ok(written, pin):
                    return True
        return any(_version_ok(written, s) for s in shown)
    target = abs(number.value) if not number.signed else number.value
    for p in _candidates(number, printed):
        if number.kind == "percent":
            if p.kind == "percent":
                ok = p.decimals >= number.decimals and _close(target, number.decimals, p.value, number.signed)
            elif p.kind == "decimal":  # a proportion, or a percentage printed without its sign
                ok = (p.decimals - 2 >= number.decimals and _close(target, number.decimals, p.value * 100, number.signed)
                      or p.decimals >= number.decimals and _close(target, number.decimals, p.value, number.signed))
            else:
                ok = False
        elif number.kind == "decimal":
            if p.kind == "decimal":
                ok = p.decimals >= number.decimals and _close(target, number.decimals, p.value, number.signed)
            elif p.kind == "percent":  # 0.874 is 87.4%; 87.4 is 87.4% without its sign
                ok = (p.decimals + 2 >= number.decimals and _close(target, number.decimals, p.value / 100, number.signed)
                      or p.decimals >= number.decimals and _close(target, number.decimals, p.value, number.signed))
            else:
                ok = False
        else:  # an integer made a measurement; a proportion rounds to none ("accuracy 1" is not 0.91)
            ok = (p.kind == "int" or p.kind == "decimal" and (abs(p.value) >= 1 or abs(abs(p.value) - target) < 1e-12)
                  ) and _close(target, 0, p.value, number.signed)
        if ok:
            return True
    return False


def _describe(number: Number) -> str:
    if number.kind == "version" and number.metric is not None:
        pin = PINS.get(number.metric[0])
        return f"{number.text} (pinned: {number.metric[0]}=={pin})" if pin else number.text
    return number.text.strip()


def _text(line) -> str:
    """A line of prose, normalised (lines from other readers may be raw Markdown)."""
    return line if isinstance(line, Prose) else normalise_text(line, source=True)


def _line(n: int, line, offset: int) -> int:
    return line.line_at(offset, n) if isinstance(line, Prose) else n


def _claimed(line, number: Number) -> bool:
    """Whether a claims test backs the sentence the number stands in (and so checks it)."""
    return any(a <= number.start and number.end <= b for a, b in getattr(line, "claimed", []))


def _blank_hedged(text: str) -> str:
    return _HEDGED.sub(lambda h: " " * len(h.group(0)), text)


def has_numbers(prose: list[tuple[int, str]]) -> bool:
    """Whether the prose holds anything rule 1 or 3 checks (a page without has no prose item)."""
    for _, line in prose:
        text = _text(line)
        if approximations(text) or any(n.measured for n in prose_numbers(_blank_hedged(text))):
            return True
    return False


def unbacked_numbers(prose: list[tuple[int, str]], outputs: list[str]) -> list[tuple[int, str]]:
    """Rule 1, for numbers no hedge word qualifies (rule 3 reads "about 90%")."""
    printed = printed_numbers(outputs)
    problems = []
    for n, line in prose:
        text = _text(line)
        for number in prose_numbers(_blank_hedged(text)):
            if number.measured and not _claimed(line, number) and not backed(
                    number, printed, getattr(line, "code_numbers", frozenset())):
                problems.append((_line(n, line, number.start), _describe(number)))
    return problems


def check_update(page, old: str, new: str) -> None:
    """Rule 2: an update may not leave prose restating a number the old output printed."""
    text_lines, outputs = page.prose_and_outputs()
    old_printed, new_printed = printed_numbers([old]), printed_numbers([new])
    others = printed_numbers([o for o in outputs if o.strip() != old.strip()])

    def restates(number: Number, printed: list[Printed]) -> bool:
        if number.kind == "version":
            return backed(Number(number.text, 0, "version", 0, False, 0, 0), printed)
        loose = Number(number.text, number.value, number.kind, number.decimals, number.signed, 0, 0)
        if number.kind == "int":  # any integer, as written, against printed integers
            return any(p.kind == "int" and abs(abs(p.value) - abs(number.value)) < 1e-9 for p in printed)
        return backed(loose, printed)

    stale = []
    for n, line in text_lines:
        text = _text(line)
        for number in prose_numbers(_blank_hedged(text)):
            if number.kind == "version":
                continue
            if restates(number, old_printed) and not restates(number, new_printed) and not restates(number, others):
                stale.append((_line(n, line, number.start), number.text.strip()))
        for phrase, test in approximations(text):
            if (any(test(p) for p in old_printed) and not any(test(p) for p in new_printed)
                    and not any(test(p) for p in others)):
                stale.append((_line(n, line, text.find(phrase)), f'"{phrase}"'))
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
_RATIO = re.compile(r"\b(?P<a>" + _COUNT + r")\s+(?:in|out of)\s+(?P<b>" + _COUNT + r")\b(?!\s*(?:epochs?|steps?|batches)\b)"
                    r"|(?<!epoch )(?<!step )(?<!batch )(?<![\w./])(?P<a2>\d+)\s*/\s*(?P<b2>\d+)(?![\w./])", re.I)
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


def _scaled(p, percent: bool, fraction: bool) -> list[float]:
    """A printed number read as the phrase's kind: a percentage is a printed percentage, or
    a number with a decimal point (a proportion times 100, or a percentage printed without
    its sign), never an integer; a fraction the same over 100; a plain number any number
    but a percentage or a version."""
    if isinstance(p, (int, float)):  # a bare value (older callers)
        return [p, p * 100] if percent else [p, p * 0.01] if fraction else [p]
    if p.kind == "version":
        return []
    if percent:
        return [p.value] if p.kind == "percent" else [p.value * 100, p.value] if p.kind == "decimal" else []
    if fraction:
        return [p.value / 100] if p.kind == "percent" else [p.value, p.value / 100] if p.kind == "decimal" else []
    return [] if p.kind == "percent" else [p.value]


def _hedged(hedge: str, target: float, tolerance: float, percent: bool, fraction: bool = False):
    """The test a hedge word puts on a printed number (or, for a fraction, on a printed
    proportion: 0.33 or 33%)."""
    hedge = hedge.lower() if hedge else ""

    def test(p) -> bool:
        for c in _scaled(p, percent, fraction):
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
      a hedged percentage is true of printed percentages and proportions only;
    - a fraction ("a third of", "two thirds", "about half"), or a ratio ("nine in ten",
      "1 in 4", "99/100", not "epoch 3/5"): a printed proportion (0.33) or percentage (33%)
      within 0.05 of it;
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
        a, b = _count(m.group("a") or m.group("a2")), _count(m.group("b") or m.group("b2"))
        if b > a > 0:
            found.append((m.group(0), _hedged("", a / b, 0.05, False, fraction=True)))
    for m in _MAGNITUDE.finditer(line):
        if m.group("scale"):
            base = 1_000 if m.group("unit").lower() == "thousands" else 1_000_000
            low = base * (10 if m.group("scale").lower() == "tens" else 100)
            bounds = (low, low * 10)
        else:
            bounds = _MAGNITUDES[m.group("plain").lower()]
        found.append((m.group(0), lambda p, lo=bounds[0], hi=bounds[1]: any(
            lo <= abs(v) < hi for v in _scaled(p, False, False))))
    return found


def unbacked_approximations(prose: list[tuple[int, str]], outputs: list[str]) -> list[tuple[int, str]]:
    """Rule 3. A phrase right after a metric word ("an accuracy of about 90%") is true of
    a number printed with that metric's label, where the page prints that metric."""
    printed = printed_numbers(outputs)
    problems = []
    for n, line in prose:
        text = _text(line)
        for phrase, test in approximations(text):
            at = max(text.find(phrase), 0)
            here = Number(phrase, 0, "", 0, False, at, at + len(phrase))
            ends = [e.end() for e in _SENTENCE_END.finditer(text, 0, at)]
            here.metric = _metric_before(text[ends[-1] if ends else 0:at])
            if not any(test(p) for p in _candidates(here, printed)) and not _claimed(line, here):
                problems.append((_line(n, line, at), phrase))
    return problems
