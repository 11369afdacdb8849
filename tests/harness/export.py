"""A Markdown page as a Jupyter notebook: what a reader downloads or opens in Colab.

The build (hooks/notebooks.py) publishes one next to every Markdown page, and the test
run executes it in a real Jupyter kernel (tests/harness/kernel.py) and compares what each
cell prints with what the page shows. One function, :func:`export`, makes it:

* a first Markdown cell: the page's title, the versions its outputs were checked with
  and the ``pip install`` line for them; then one code cell with what the test run sets
  before a page's code (docs/index.md, "What the test run sets"), in code the reader sees;
* the page's prose as Markdown cells, in order: admonitions and collapsible blocks as
  quotes with their title in bold, a content tab's label in bold, links to other pages
  of the site made absolute (to the published release), the figure's image line left
  out (the figure is the cell's output);
* each Python fence as a code cell, a snippet include as the snippet file's code; in a
  content-tab group the first tab's code runs and the others are shown as Markdown, as
  the page's code after the group goes on from the first tab. The code is the page's,
  unchanged: a fence whose last line is an expression with a value (Jupyter shows it, a
  script does not) makes the notebook test fail, and the page names the value instead;
* as each code cell's outputs, the page's: its output block as printed text (an exception
  as an error, the cell tagged ``raises-exception`` so "Run all" goes on), its figure as
  an SVG with the page's alt text in the cell's ``alt`` metadata (nbconvert's
  convention); a tolerance shown on the page is said under the cell.
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path, PurePosixPath

import nbformat

from .pages import scan
from .rules import OUTPUT_LANG, PYTHON_LANGS

REPO = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
# What the test run sets before a page's code (docs/index.md): the reader's notebook sets
# the same, in its first code cell.
SETUP = '''\
# What the site's test run sets before a page's code, so that this notebook
# prints what the page shows: summary tables as wide as a terminal's
# default, TensorFlow's native INFO and WARNING lines off, set before
# TensorFlow is imported, and a warning written as "UserWarning: message",
# without the file and line, which name files on the machine that ran it.
import os
import warnings

os.environ["COLUMNS"] = "80"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
warnings.formatwarning = (
    lambda message, category, *_, **__: f"{category.__name__}: {message}\\n"
)

# TensorFlow writes a few start-up lines, on CPU features and CUDA,
# whatever the log level says: importing it here, as the test run does,
# shows them under this cell. In Jupyter its Python logger also shows INFO
# messages, which a script, as the page is run, does not: WARNING and
# above, as there.
import tensorflow as tf

tf.get_logger().setLevel("WARNING")
tf.config.list_physical_devices();
'''
# The distribution that provides an imported top-level module, where the names differ.
DISTRIBUTIONS = {"sklearn": "scikit-learn", "tf_keras": "tf-keras", "PIL": "pillow",
                 "yaml": "pyyaml", "bs4": "beautifulsoup4"}
ALWAYS = ["tensorflow", "keras"]
_ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?) *(?P<kind>[\w-]+)(?: +"(?P<title>[^"]*)")? *$')
_TAB = re.compile(r'^(?P<indent>[ \t]*)===[!+]* +"(?P<title>.*)" *$')
_LINK = re.compile(r'(\]\()(?P<target>[^)\s#]+\.(?:md|ipynb))(?P<anchor>#[^)\s]*)?(?=\))')
_EXCEPTION = re.compile(r"^(?P<name>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)): ?")


def pins(requirements: Path = REPO / "requirements.txt") -> dict[str, str]:
    """name -> version of every pinned package (names lower case, _ as -)."""
    found = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line)
        if m:
            found[m.group(1).lower().replace("_", "-")] = m.group(2)
    return found


def release(requirements_in: Path = REPO / "requirements.in") -> str:
    """The published release the pages belong to: the TensorFlow pin's X.Y, as
    .github/publish.sh names it."""
    m = re.search(r"^tensorflow==(\d+\.\d+)\.", requirements_in.read_text(encoding="utf-8"), re.M)
    if not m:
        raise ValueError(f"{requirements_in}: no tensorflow==X.Y.Z pin")
    return m.group(1)


def page_url(src_path: str) -> str:
    """The address of a page under its release, as MkDocs serves it ('' for the home page)."""
    path = PurePosixPath(src_path).with_suffix("")
    if path.name == "index":
        return "" if str(path.parent) == "." else f"{path.parent}/"
    return f"{path}/"


def notebook_name(src_path: str) -> str:
    """Where a page's notebook is published, under its release: next to its index.html."""
    return page_url(src_path) + PurePosixPath(src_path).with_suffix(".ipynb").name


def _outputs(shown: str | None, raises: bool) -> list:
    """A page's output block as a notebook cell's outputs."""
    if not shown:
        return []
    lines = shown.rstrip("\n").split("\n")
    if raises:
        start = next((i for i, ln in enumerate(lines) if _EXCEPTION.match(ln)), None)
        if start is not None:
            outputs = []
            if start:
                outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                      text="\n".join(lines[:start]) + "\n"))
            name = _EXCEPTION.match(lines[start]).group("name")
            value = "\n".join([lines[start][len(name) + 1:].lstrip(), *lines[start + 1:]])
            outputs.append(nbformat.v4.new_output("error", ename=name, evalue=value,
                                                  traceback=lines[start:]))
            return outputs
    return [nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")]


def _figure_output(svg: Path) -> object:
    return nbformat.v4.new_output(
        "display_data", data={"image/svg+xml": svg.read_text(encoding="utf-8"),
                              "text/plain": "<Figure>"})


def _imports(codes: list[str]) -> list[str]:
    """The top-level modules the code imports, in order, with those of code it runs in a
    fresh process (a string literal that is Python with imports, as the migration and
    backends pages pass to a subprocess); a process started with TF_USE_LEGACY_KERAS
    imports tf_keras when it first uses tf.keras."""
    names = []
    for code in codes:
        try:
            tree = ast.parse(textwrap.dedent(code))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value == "TF_USE_LEGACY_KERAS":
                    names.append("tf_keras")
                elif "import " in node.value and "\n" in node.value:
                    names += _imports([node.value])
    return names


def install_line(codes: list[str], pinned: dict[str, str]) -> str:
    """``pip install`` of the pinned versions of what the code imports (and TensorFlow, Keras)."""
    wanted = []
    for module in [*ALWAYS, *_imports(codes)]:
        name = DISTRIBUTIONS.get(module, module).lower().replace("_", "-")
        if name in pinned and name not in wanted:
            wanted.append(name)
    return "pip install " + " ".join(f"{name}=={pinned[name]}" for name in wanted)


def absolute_links(text: str, src_path: str, site_url: str) -> str:
    """Markdown ``text`` of the page docs/<src_path> with its links to other pages of the
    site (``../glossary.md#loss``, ``fit.md``) and to its own headings (``#tabs``) made
    absolute, to the published release at ``site_url``: a notebook opened anywhere else
    (a download, Colab) has no site beside it."""
    here = PurePosixPath(src_path).parent

    def absolute(m: re.Match) -> str:
        target = m.group("target")
        if "://" in target:
            return m.group(0)
        resolved = PurePosixPath(_normpath(here / target))
        return f"{m.group(1)}{site_url}{page_url(str(resolved))}{m.group('anchor') or ''}"

    text = _LINK.sub(absolute, text)
    return re.sub(r"\]\((#[^)\s]*)\)", lambda m: f"]({site_url}{page_url(src_path)}{m.group(1)})", text)


def published_notebook(path: Path, src_path: str, site_url: str) -> str:
    """A notebook page's file as published for download and Colab: the file the tests ran,
    with the links of its Markdown cells made absolute (absolute_links); code and outputs
    as they are."""
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = absolute_links(cell.source, src_path, site_url)
    return nbformat.writes(nb) + "\n"


def versions_paragraph(codes: list[str], pinned: dict[str, str]) -> str:
    """What a notebook's first cell says about versions: those its outputs were checked
    with, and the install line for them (a tutorial's first cell holds it too)."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"  # the run's, which builds too
    return (f"The outputs were checked with Python {python}, TensorFlow {pinned['tensorflow']} and "
            f"Keras {pinned['keras']}. For the same outputs, install the same versions first "
            f"(in Jupyter or Colab, in a cell of its own, then restart the kernel): "
            f"`%{install_line(codes, pinned)}`")


def notebook_codes(nb) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


class _Prose:
    """Markdown lines of the page turned into a notebook's Markdown, line by line: the
    containers (admonitions, collapsible blocks, content tabs) a line sits in are tracked
    by indentation, as the Markdown extensions read them."""

    def __init__(self, link):
        self.stack: list[tuple[int, str]] = []  # (indent of the opening line, "quote" | "tab")
        self.link = link

    def _close(self, indent: int) -> None:
        while self.stack and indent <= self.stack[-1][0]:
            self.stack.pop()

    def prefix(self) -> str:
        return "> " * sum(kind == "quote" for _, kind in self.stack)

    def dedent(self, line: str) -> str:
        cut = self.stack[-1][0] + 4 if self.stack else 0
        return line[cut:] if line[:cut].strip() == "" else line.lstrip()

    def line(self, line: str) -> str:
        if not line.strip():
            return self.prefix().rstrip()
        indent = len(line) - len(line.lstrip())
        self._close(indent)
        m = _ADMONITION.match(line)
        if m:
            title = m.group("title")
            if title is None:
                title = m.group("kind").replace("-", " ").capitalize()
            out = f"{self.prefix()}> **{title}**" if title else f"{self.prefix()}>"
            self.stack.append((indent, "quote"))
            return self.link(out)
        m = _TAB.match(line)
        if m:
            out = f"{self.prefix()}**{m.group('title')}**"
            self.stack.append((indent, "tab"))
            return self.link(out)
        return self.link(self.prefix() + self.dedent(line))

    def inside(self, indent: int) -> None:
        """A fence at ``indent`` closes the containers it is not inside."""
        self._close(indent)


def export(path: Path, root: Path = REPO, site_url: str | None = None,
           src_path: str | None = None, title: str | None = None) -> nbformat.NotebookNode:
    """The notebook of the Markdown page at ``path`` (``src_path``: its path under docs/;
    ``site_url``: the published release's address, for links and the intro; ``title``:
    the page's title where it has no heading of its own)."""
    docs = root / "docs"
    if src_path is None:
        src_path = path.resolve().relative_to(docs.resolve()).as_posix()
    if site_url is None:
        site_url = _site_url(root)
    page = scan(path, root=root)
    lines = page.text.split("\n")
    starts = {f.line: f for f in page.fences}
    python = {pf.fence.line: pf for pf in page.python}
    figure_lines = {pf.figure_line for pf in page.python if pf.figure_line}

    def link(text: str) -> str:
        return absolute_links(text, src_path, site_url)

    prose = _Prose(link)
    cells: list = []
    markdown: list[str] = []
    codes: list[str] = []

    def flush() -> None:
        # a quote that a code cell interrupted leaves lines of bare ">" at either end
        while markdown and re.fullmatch(r"(?:> ?)*", markdown[0].strip()):
            markdown.pop(0)
        while markdown and re.fullmatch(r"(?:> ?)*", markdown[-1].strip()):
            markdown.pop()
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(markdown).strip("\n"))
        markdown.clear()
        if text.strip(" >\n"):
            cells.append(nbformat.v4.new_markdown_cell(text))

    tabs_shown = False
    n = 1
    while n <= len(lines):
        fence = starts.get(n)
        if fence is None:
            if n not in figure_lines:
                markdown.append(prose.line(lines[n - 1]))
            n += 1
            continue
        prose.inside(len(fence.indent))
        if fence.lang in PYTHON_LANGS:
            pf = python[n]
            code = fence.code(root).rstrip("\n")
            if fence.tab is not None and fence.tab[1] != 0:
                tabs_shown = True
                markdown.append(prose.prefix() + "*Not run in this notebook: the code of the "
                                "group's first tab runs above, and the page goes on from it.*")
                markdown.append(prose.prefix().rstrip())
                markdown += [(prose.prefix() + ln).rstrip() for ln in ["```python", *code.split("\n"), "```"]]
                if pf.output is not None:  # what the page shows for it, as the page shows it
                    markdown += [prose.prefix().rstrip(), prose.prefix() + "*Output:*", prose.prefix().rstrip()]
                    markdown += [(prose.prefix() + ln).rstrip()
                                 for ln in ["```", *pf.output.body.rstrip("\n").split("\n"), "```"]]
            elif "notest" in fence.options:
                markdown += ["```python", *code.split("\n"), "```"]
            else:
                flush()
                codes.append(code)
                raises = "raises" in fence.options
                cell = nbformat.v4.new_code_cell(code)
                cell.outputs = _outputs(pf.output.body if pf.output else None, raises)
                if raises:
                    cell.metadata["tags"] = ["raises-exception"]
                if pf.figure is not None:
                    cell.outputs.append(_figure_output(pf.figure))
                    cell.metadata["alt"] = _figure_alt(lines[pf.figure_line - 1])
                cells.append(cell)
                if pf.output is not None and pf.output.title:
                    markdown.append(f"*{pf.output.title}*")
                if pf.figure is not None:  # Jupyter and Colab show no alt text: say it
                    markdown.append(f"*Figure: {cell.metadata['alt']}*")
            n = (pf.output or fence).end_line + 1
            continue
        if fence.lang == OUTPUT_LANG:  # paired with its fence above
            n = fence.end_line + 1
            continue
        for ln in lines[fence.line - 1:fence.end_line]:
            markdown.append(prose.line(ln) if ln.strip() else prose.prefix().rstrip())
        n = fence.end_line + 1
    flush()

    pinned = pins(root / "requirements.txt")
    title, cells = _title(cells, title or PurePosixPath(src_path).stem.replace("-", " ").capitalize())
    notes = [
        f"This notebook is the page [{title}]({site_url}{page_url(src_path)}) of *Keras "
        "Sequential, verified*, made from the page by the site's build; its outputs are the "
        "page's, and the site's test run runs it too.",
        "",
        versions_paragraph(codes, pinned),
    ]
    if tabs_shown:
        notes += ["", "Where the page offers alternatives in tabs, this notebook runs the first "
                  "and shows the others as text."]
    if any("raises-exception" in c.metadata.get("tags", []) for c in cells):
        notes += ["", "Some cells raise an error on purpose, as the page shows. Jupyter's *Run "
                  "All* goes on past them (they are tagged `raises-exception`); Colab's stops "
                  "there: run the cells after it with *Run after*."]
    intro = nbformat.v4.new_markdown_cell("\n".join([f"# {title}", "", *notes]))
    setup = nbformat.v4.new_code_cell(SETUP.rstrip("\n"))
    nb = nbformat.v4.new_notebook(cells=[intro, setup, *cells])
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    # Stable cell ids: the same page gives the same file, byte for byte.
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
    return nb


def _title(cells: list, fallback: str) -> tuple[str, list]:
    """The page's title (its first heading, else ``fallback``) and the cells without that
    heading line."""
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            break
        m = re.search(r"^# +(.+?) *$", cell.source, re.M)
        if m:
            rest = (cell.source[:m.start()] + cell.source[m.end():]).strip("\n")
            if rest:
                cell.source = rest
                return m.group(1), cells
            return m.group(1), cells[:i] + cells[i + 1:]
    return fallback, cells


def _figure_alt(line: str) -> str:
    m = re.match(r"^\s*!\[(?P<alt>[^\]]*)\]\(", line)
    if not m or not m.group("alt").strip():
        raise ValueError(f"a figure without alt text: {line.strip()}")
    return m.group("alt")


def _normpath(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _site_url(root: Path) -> str:
    """The published release's address: site_url/<release>/ (mkdocs.yml, requirements.in)."""
    import yaml

    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    return config["site_url"].rstrip("/") + f"/{release(root / 'requirements.in')}/"


def dumps(nb: nbformat.NotebookNode) -> str:
    """The notebook file's text, as nbformat writes it."""
    return nbformat.writes(nb) + "\n"


def markdown_pages(root: Path = REPO) -> list[Path]:
    return sorted((root / "docs").rglob("*.md"))


def expected(path: Path, nb, root: Path = REPO) -> dict:
    """What the page shows for each code cell of its notebook ``nb`` (by the cell's index):
    the code cells after the setup cell are the page's run fences, in order."""
    from .kernel import Expected

    page = scan(path, root=root)
    run = [pf for pf in page.python
           if "notest" not in pf.options and (pf.fence.tab is None or pf.fence.tab[1] == 0)]
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"][1:]
    if len(code) != len(run):
        raise ValueError(f"{path}: the notebook has {len(code)} code cells after its setup, "
                         f"the page runs {len(run)} fences")
    rel = _display(path, root)
    return {i: Expected(where=f"{rel}:{(pf.output or pf.fence).line}",
                        shown=pf.output.body if pf.output else "",
                        tolerance=pf.output.tolerance if pf.output else None,
                        figures=int(pf.figure is not None))
            for i, pf in zip(code, run)}


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def notebook_expected(path: Path, nb, rel: str) -> dict:
    """What a notebook page shows for each of its code cells (by index), as it stores it:
    the cells the tests run, but the setup cell, whose TensorFlow start-up lines show in
    Jupyter and never on a page (the harness imported TensorFlow before it)."""
    from . import notebooks
    from .kernel import Expected

    blocks = notebooks.blocks(nb, path, lambda **kw: type("Block", (), kw))
    return {b.line - 1: Expected(where=f"{rel}:cell {b.line}", shown=b.shown or "",
                                 tolerance=b.tolerance, figures=len(b.figures or []))
            for b in blocks if "notest" not in b.options and b.code != SETUP.rstrip("\n")}
