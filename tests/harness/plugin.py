"""pytest plugin: every code block of every page under docs/ is a test.

Two kinds of page share everything below: Markdown pages (``*.md``, read by pages.py)
and notebooks (``*.ipynb``, read by notebooks.py). Each gives a list of blocks
(a fence or a code cell) with what the page shows for it. The contract (CONTRIBUTING.md,
"How the checks work"):

* a page's blocks run once each, in page order, in one shared namespace, in a process
  of the page's own (child.py), started as a fresh interpreter starts: no seed, no
  setting, no state from another page;
* the output a page shows for a block must equal what the block printed, warned,
  displayed or raised, after :func:`tests.harness.normalise.normalise`; where the page
  declares a tolerance the reader sees (``±0.005``), numbers with a decimal point may
  differ by that much and nothing else may differ;
* ``# (None, 30, 30, 16)`` at the end of a line that creates a layer must equal that
  layer's output shape;
* a warning or an exception fails the block unless it is marked so (``{.python warns}``,
  ``{.python raises}``; in notebooks the cell tags ``warns`` and ``raises-exception``),
  and then it must happen;
* a figure a block leaves open must be the figure the page shows for it, coordinates
  within :data:`tests.harness.normalise.FIGURE_TOLERANCE_PX`;
* content tabs are alternatives: each tab of a group runs from the state before the
  group, and the page goes on from its first tab; each later tab's process also runs
  what the page runs after the group, to its end, which must print the same after it;
* step and elapsed times in Keras progress lines are masked, but each one shown must be
  within TIMING_FACTOR of the time the run printed there (:func:`timing_problems`);
* a block that differs fails and the page goes on; only an exception (not marked
  ``raises``) stops it, since later blocks depend on its state;
* ``pytest --update-outputs`` rewrites outputs, shape comments and figures from the
  real run instead of failing on them; it runs each page twice (two processes) and
  refuses output that differs between the runs beyond the block's tolerance, and lists
  what it rewrote (from xdist workers too).
"""

from __future__ import annotations

import difflib
import importlib
import multiprocessing
import multiprocessing.forkserver  # before pytester's in-process runs snapshot sys.modules
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import prose
from .normalise import _PROGRESS, _TIME, agree, normalise, same_figure
from .rules import FenceFailure, PageError

SUMMARY_COLUMNS = "80"  # model.summary() as an 80-column terminal shows it
FENCE_TIMEOUT_S = 600

_EDITS = pytest.StashKey[dict]()
_SHAPE_COMMENT = re.compile(
    r"#\s*(?P<shape>\((?:None|\d+)(?:,\s*(?:None|\d+))*,?\))\s*$"
)
# Something that looks like a shape in a comment; if it is not a _SHAPE_COMMENT it would
# silently go unchecked, so it is an error.
_SHAPE_LIKE = re.compile(r"#.*[(\[]\s*(?:None|batch|\d+)\s*(?:,|x\b)", re.IGNORECASE)
_TAB_TITLE = re.compile(r'^[ \t]*===[!+]{0,2}[ \t]+"(?P<title>[^"]*)"')
_UPDATED = "docs-harness-updated"  # a report's user property: what --update-outputs rewrote

# Timings in Keras progress lines are masked when outputs are compared (they change with
# the machine's load), but a page may not show a speed far from the real one: each time
# shown must be within TIMING_FACTOR of the time the run printed at the same place (same
# line of the block, same kind: elapsed seconds, time per step, ETA). Keras prints the
# elapsed time in whole seconds ("0s" is anything under half a second) and a step time
# to the millisecond at best where it matters, so smaller times count as these floors:
# "2s" against a real "0s", or "900us/step" against "40us/step", pass; "45s 2s/step"
# against "0s 16ms/step" does not.
TIMING_FACTOR = 10
_TIMING_FLOOR_S = {"elapsed": 1.0, "ETA": 1.0, "per step": 1e-3}
_TIMING_FLOOR_TEXT = "1 s (elapsed, ETA) and 1 ms (per step)"
_TIME_VALUE = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>s|ms|us|µs)")
_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6}


def _block_lines(text: str) -> list[str]:
    """The lines normalise() compares, before masking (same count, same order)."""
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n").split("\n")


def _timings(line: str) -> dict[str, list[tuple[float, str]]]:
    found: dict[str, list[tuple[float, str]]] = {}
    for m in _TIME.finditer(line):
        kind = "ETA" if m.group(1) else "per step" if m.group(4) else "elapsed"
        value = _TIME_VALUE.search(m.group(0))
        found.setdefault(kind, []).append((float(value["n"]) * _SECONDS[value["unit"]], m.group(0)))
    return found


def timing_problems(shown: str, actual: str) -> list[str]:
    """The times in the shown block's progress lines that are more than TIMING_FACTOR off
    the run's, or that the run printed nothing for; for outputs that agree() otherwise."""
    shown_lines, run_lines = _block_lines(shown), _block_lines(actual)
    if len(shown_lines) != len(run_lines):
        return []  # agree() compared them, so this only happens for a block agree() refused
    problems = []
    for n, (ours, real) in enumerate(zip(shown_lines, run_lines), start=1):
        if not _PROGRESS.match(ours):
            continue
        measured = _timings(real)
        for kind, values in _timings(ours).items():
            for i, (value, text) in enumerate(values):
                if i >= len(measured.get(kind, [])):
                    problems.append(f"line {n} of the block shows {text!r} ({kind}), where the run printed no such time")
                    continue
                real_value, real_text = measured[kind][i]
                a, b = max(value, _TIMING_FLOOR_S[kind]), max(real_value, _TIMING_FLOOR_S[kind])
                if max(a, b) > TIMING_FACTOR * min(a, b):
                    problems.append(f"line {n} of the block shows {text!r} ({kind}), the run printed {real_text!r}")
    return problems


def pytest_addoption(parser):
    group = parser.getgroup("docs harness")
    group.addoption(
        "--update-outputs",
        action="store_true",
        default=False,
        help="rewrite output blocks, notebook outputs, shape comments and figures from the real run",
    )
    group.addoption(
        "--no-jupyter",
        action="store_true",
        default=False,
        help="do not run each page's notebook in a Jupyter kernel (the harness's own tests "
             "of other checks use it; the suite runs every notebook)",
    )


def pytest_configure(config):
    dist = getattr(config.option, "dist", "no")
    if getattr(config.option, "numprocesses", None) and dist not in ("loadfile", "loadscope", "no"):
        raise pytest.UsageError(
            f"the docs harness keeps each page's fences on one worker and in order; "
            f"--dist {dist} would split them: use --dist loadfile"
        )
    # The documented environment every page runs in (CONTRIBUTING.md, "How a page runs").
    os.environ["COLUMNS"] = SUMMARY_COLUMNS
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["MPLBACKEND"] = "Agg"
    config.stash[_EDITS] = {}
    if config.getoption("update_outputs"):
        config.pluginmanager.register(UpdateSummary(), "docs-harness-update-summary")


_server_started = False


def _start_server():
    """Start the server pages fork from, when a process runs its first page: xdist's
    controller and a worker that runs no page never import TensorFlow.

    Its standard streams go to /dev/null: TensorFlow prints start-up lines (oneDNN, CUDA
    probes) whatever TF_CPP_MIN_LOG_LEVEL says, and they belong to no page. A page's
    process points its streams at the page's capture while a block runs (execute.py).
    """
    global _server_started
    if _server_started:
        return
    _server_started = True
    forkserver = multiprocessing.forkserver

    # The server imports tests.harness.child by name, and Python 3.11's forkserver ignores
    # the sys.path it is given: put this repository on its PYTHONPATH, ahead of any
    # package named "tests" in site-packages. child.py puts the variable back as it was.
    root = str(Path(__file__).resolve().parents[2])
    before = os.environ.get("PYTHONPATH")
    os.environ["DOCS_HARNESS_PYTHONPATH"] = "" if before is None else before
    os.environ["PYTHONPATH"] = root if before is None else f"{root}{os.pathsep}{before}"
    _context()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        if not os.environ.get("DOCS_DEBUG"):
            os.dup2(null, 1)
            os.dup2(null, 2)
        forkserver.ensure_running()
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before
        del os.environ["DOCS_HARNESS_PYTHONPATH"]
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def _context():
    """The server pages fork from: it imports TensorFlow once and never runs a page."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.harness.child"])
    return ctx


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path: Path, config):
    """Every page is collected, even under a folder pytest skips by default (build/, venv/)."""
    docs = Path(config.rootpath) / "docs"
    if collection_path == docs or docs in collection_path.parents:
        return False if not collection_path.name.startswith(".") else None
    return None


def pytest_collect_file(file_path: Path, parent):
    docs = Path(parent.config.rootpath) / "docs"
    if docs not in file_path.parents:
        return None
    if file_path.suffix == ".md":
        return MarkdownPage.from_parent(parent, path=file_path)
    if file_path.suffix == ".ipynb":
        return NotebookPage.from_parent(parent, path=file_path)
    return None


@dataclass
class Block:
    """One piece of code a page shows and the tests run, with what the page shows for it."""

    label: str  # the test's name: line_12 (Markdown) or cell_3 (notebook)
    line: int  # where failures point (a line of the .md, a cell number of the notebook)
    code: str
    filename: str  # what tracebacks and shape comments refer to
    first_line: int
    options: set[str]
    shown: str | None  # the output the page shows, None if it shows none
    tolerance: float | None = None
    figures: list[bytes] | None = None  # figures the page shows; None: a Markdown fence without one
    snippet: bool = False  # the code of a snippet file the page includes
    display_last: bool = False  # a notebook cell: the last expression's value is shown
    tab: tuple[int, int] | None = None
    source: object = None  # the page's own record (PythonFence or notebook cell)
    output_line: int | None = None  # where an output mismatch points, if not at `line`


class PageProcess:
    """A page's own process (child.py), fed one block at a time."""

    def __init__(self, label: str):
        self.workdir = tempfile.mkdtemp(prefix=f"page-{label}-")
        _start_server()
        ctx = _context()
        self.conn, child_end = ctx.Pipe()
        # By its entry in sys.modules: pytester's in-process runs re-import modules, and
        # pickle refers to a function by module and name.
        child_entry = importlib.import_module(f"{__package__}.child_entry")
        self.process = ctx.Process(target=child_entry.page_main, args=(child_end, self.workdir), daemon=True)
        self.process.start()
        child_end.close()

    def send(self, block: Block, where: str) -> None:
        request = {
            "code": block.code,
            "filename": block.filename,
            "first_line": block.first_line,
            "display_last": block.display_last,
        }
        try:
            self.conn.send(request)
        except (BrokenPipeError, ConnectionResetError, OSError):
            raise self.ended(where) from None

    def receive(self, where: str) -> dict:
        try:
            if not self.conn.poll(FENCE_TIMEOUT_S):
                raise FenceFailure(f"{where}: the code ran for more than {FENCE_TIMEOUT_S} s")
            return self.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise self.ended(where) from None

    def ended(self, where: str) -> FenceFailure:
        self.process.join(10)
        return FenceFailure(
            f"{where}: the page's process ended while this code ran "
            f"(exit code {self.process.exitcode}); a page may not end its process"
        )

    def run(self, block: Block, where: str) -> dict:
        self.send(block, where)
        return self.receive(where)

    def close(self):
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


@dataclass
class Line:
    """A sequence of blocks run in one process: the page itself, or one content tab (which
    goes on with the blocks after its group, to check they print the same after it)."""

    process: PageProcess
    # With --update-outputs, a second process runs the same blocks, so that output which
    # changes from run to run is found before it is written.
    twin: PageProcess | None = None
    ran: int = 0  # how many blocks of the line's sequence have run (its replay not counted)
    stopped: str | None = None  # why later blocks cannot run: what happened, and where

    def run(self, block: Block, where: str) -> tuple[dict, dict | None]:
        """Run a block in the line's process (and its twin, at the same time)."""
        try:
            self.process.send(block, where)
            if self.twin is not None:
                self.twin.send(block, where)
            result = self.process.receive(where)
            twin = self.twin.receive(where) if self.twin is not None else None
        except FenceFailure as exc:
            self.stopped = str(exc).split("\n")[0]
            raise
        if result["exception"] and "raises" not in block.options:
            error = (result["error"] or result["exception"]).strip().split("\n")[-1]
            self.stopped = f"the code at {where} failed with an exception ({error})"
        return result, twin

    def close(self):
        for process in (self.process, self.twin):
            if process is not None:
                process.close()


class DocPage(pytest.File):
    """What Markdown pages and notebooks share: blocks, a process, checks, updates."""

    blocks: list[Block]

    def rel(self, line: int) -> str:
        return f"{self.path.relative_to(self.config.rootpath)}:{line}"

    def collect(self):
        try:
            self.blocks = self.read_blocks()
        except PageError as exc:
            raise self.CollectError(str(exc)) from None
        self.runnable = [b for b in self.blocks if "notest" not in b.options]
        for index, block in enumerate(self.runnable):
            yield FenceItem.from_parent(self, name=block.label, block=block, index=index)
        if prose.has_numbers(self.prose_and_outputs()[0]):
            yield ProseItem.from_parent(self, name="prose")
        # The page as a reader's notebook, run in Jupyter after the page's blocks (not in
        # an update run: it compares with what the page shows, which the next run checks).
        if not (self.config.getoption("update_outputs") or self.config.getoption("no_jupyter")):
            yield JupyterItem.from_parent(self, name="jupyter")

    def setup(self):
        self.lines: dict[object, Line] = {}

    def teardown(self):
        for line in getattr(self, "lines", {}).values():
            line.close()
        self.lines = {}

    @staticmethod
    def key_of(block: Block):
        """The line a block runs in: the page's, or its content tab's after the first."""
        return "main" if block.tab is None or block.tab[1] == 0 else block.tab

    def sequence(self, key) -> list[int]:
        """The blocks (indexes into ``runnable``) a line runs, in order.

        The page's line runs every block outside tabs and the first tab of each group. A
        later tab's line runs that tab's blocks and then what the page's line runs after
        its group, to the page's end (later groups by their first tab): what follows a
        group must print the same whichever tab the reader ran, since the page shows it
        once. One tab differs from the page's line at a time, not every combination.
        """
        runnable = self.runnable
        if key == "main":
            return [i for i, b in enumerate(runnable) if self.key_of(b) == "main"]
        own = [i for i, b in enumerate(runnable) if b.tab == key]
        last = max(i for i, b in enumerate(runnable) if b.tab and b.tab[0] == key[0])
        return own + [i for i in range(last + 1, len(runnable)) if self.key_of(runnable[i]) == "main"]

    def alternatives(self, index: int) -> list:
        """The later tabs' lines that also run this block (one after their group)."""
        block = self.runnable[index]
        if self.key_of(block) != "main":
            return []
        keys = sorted({b.tab for b in self.runnable if b.tab is not None and b.tab[1] > 0})
        return [k for k in keys if index in self.sequence(k)]

    def line_for(self, key) -> Line:
        """The page's line, or a later tab's, whose process first replays what the page's
        line ran before the group (unchecked)."""
        if key not in self.lines:
            update = self.config.getoption("update_outputs")
            stem = self.path.stem
            line = Line(PageProcess(stem), PageProcess(stem) if update else None)
            self.lines[key] = line
            if key != "main":
                first = next(i for i, b in enumerate(self.runnable) if b.tab and b.tab[0] == key[0])
                for earlier in self.runnable[:first]:
                    if self.key_of(earlier) == "main" and line.stopped is None:
                        line.run(earlier, self.rel(earlier.line))
        return self.lines[key]

    def tab_name(self, key) -> str:
        """A later tab as the reader sees it: its title, and where it starts."""
        first = next(b for b in self.runnable if b.tab == key)
        lines = self.path.read_text(encoding="utf-8").split("\n")
        for n in range(first.line - 1, 0, -1):
            m = _TAB_TITLE.match(lines[n - 1])
            if m:
                return f'the tab "{m.group("title")}" ({self.rel(n)})'
        return f"the tab at {self.rel(first.line)}"

    # What each kind of page provides.
    def read_blocks(self) -> list[Block]:
        raise NotImplementedError

    def reader_notebook(self):
        """The notebook a reader downloads, and what the page shows for each of its code
        cells (kernel.Expected, by cell index)."""
        raise NotImplementedError

    def prose_and_outputs(self) -> tuple[list[tuple[int, str]], list[str]]:
        raise NotImplementedError

    def record_output(self, block: Block, result: dict) -> None:
        raise NotImplementedError

    def record_figures(self, block: Block, figures: list[bytes]) -> None:
        raise NotImplementedError


class MarkdownPage(DocPage):
    def read_blocks(self) -> list[Block]:
        from .pages import scan

        self.page = scan(self.path)
        root = Path(self.config.rootpath)
        blocks = []
        for pf in self.page.python:
            f = pf.fence
            if f.include:
                snippet = root / f.include
                if not snippet.is_file():
                    raise PageError(f"{self.rel(f.line)}: snippet {f.include} does not exist")
                code, filename, first = snippet.read_text(encoding="utf-8"), str(snippet), 1
            else:
                code, filename, first = f.body, str(self.path), f.first_code_line
            figures = None
            if pf.figure is not None:
                figures = [pf.figure.read_bytes()] if pf.figure.is_file() else []
            blocks.append(
                Block(
                    label=f"line_{f.line}", line=f.line, code=code, filename=filename, first_line=first,
                    options=set(f.options), shown=pf.output.body if pf.output else None,
                    tolerance=pf.output.tolerance if pf.output else None, figures=figures,
                    snippet=bool(f.include), tab=f.tab, source=pf,
                    output_line=pf.output.line if pf.output else f.end_line,
                )
            )
        return blocks

    def prose_and_outputs(self):
        return prose.markdown_prose(self.page), [f.body for f in self.page.fences if f.lang == "output"]

    def reader_notebook(self):
        from . import export

        root = Path(self.config.rootpath)
        nb = export.export(self.path, root)
        return nb, export.expected(self.path, nb, root)

    def record_output(self, block: Block, result: dict) -> None:
        record_output_edit(self.config, block.source, result["output"])

    def record_figures(self, block: Block, figures: list[bytes]) -> None:
        pf = block.source
        pf.figure.parent.mkdir(parents=True, exist_ok=True)
        pf.figure.write_bytes(figures[0])


class NotebookPage(DocPage):
    def read_blocks(self) -> list[Block]:
        from . import notebooks

        self.notebook = notebooks.read(self.path)
        return notebooks.blocks(self.notebook, self.path, Block)

    def prose_and_outputs(self):
        from . import notebooks

        return prose.notebook_prose(self.notebook, self.path), notebooks.shown_outputs(self.notebook)

    def reader_notebook(self):
        from .export import notebook_expected

        return self.notebook, notebook_expected(self.path, self.notebook, self.rel(1).rsplit(":", 1)[0])

    def record_output(self, block: Block, result: dict) -> None:
        from . import notebooks

        notebooks.set_outputs(block.source, result)
        self.config.stash[_EDITS].setdefault(self.path, []).append(("notebook", self.notebook))

    def record_figures(self, block: Block, figures: list[bytes]) -> None:
        from . import notebooks

        notebooks.set_figures(block.source, figures)
        self.config.stash[_EDITS].setdefault(self.path, []).append(("notebook", self.notebook))


class PageItem(pytest.Item):
    """What a page's items share: their page, and a failure shown as its message."""

    @property
    def page(self) -> DocPage:
        return self.parent

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (FenceFailure, PageError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class FenceItem(PageItem):
    def __init__(self, *, block: Block, index: int, **kwargs):
        super().__init__(**kwargs)
        self.block = block
        self.index = index

    def reportinfo(self):
        return self.path, self.block.line - 1, self.page.rel(self.block.line)

    def update_hint(self) -> str:
        """The command that rewrites this page's outputs from a real run."""
        return f"pytest {self.page.path.relative_to(self.config.rootpath)} --update-outputs"

    def catch_up(self, key, line: Line) -> None:
        """Run the blocks of the line before this one that have not run (deselected with -k
        or a node id, or a tab's blocks before the code after its group): once, unchecked,
        to build the state this block runs in."""
        page = self.page
        sequence = page.sequence(key)
        position = sequence.index(self.index)
        while line.ran < position:
            before = page.runnable[sequence[line.ran]]
            line.ran += 1
            line.run(before, page.rel(before.line))
            if line.stopped is not None:
                raise FenceFailure(
                    f"{line.stopped}, while building this code's state"
                )

    def runtest(self):
        page, block = self.page, self.block
        key = page.key_of(block)
        line = page.line_for(key)
        if line.stopped is not None:
            pytest.skip(f"not run: {line.stopped}, and later code depends on its state")
        self.catch_up(key, line)
        line.ran += 1
        result, twin = line.run(block, page.rel(block.line))
        if twin is not None:
            self.check_repeatable(result, twin)
        self.check(result)
        for other in page.alternatives(self.index):
            self.check_after_tab(other, result)

    def check_repeatable(self, result: dict, twin: dict) -> None:
        """--update-outputs writes only output that two runs of the page print alike."""
        block, where = self.block, self.page.rel(self.block.line)
        first, second = result["output"], twin["output"]
        problems = []
        if not agree(first, second, block.tolerance):
            diff = difflib.unified_diff(
                normalise(first).split("\n"), normalise(second).split("\n"),
                fromfile="one run printed", tofile="another run printed", lineterm="")
            problems.append("\n".join(diff))
        drawn, again = result["figures"], twin["figures"]
        if len(drawn) != len(again) or not all(same_figure(a, b) for a, b in zip(drawn, again)):
            problems.append("the figures it draws differ between the two runs")
        if problems:
            within = f" by more than the block's ±{block.tolerance:g}" if block.tolerance is not None else ""
            raise FenceFailure(
                f"{where}: the output changes from run to run{within}, so --update-outputs does not "
                "write it (two processes ran the page): set a seed in code the reader sees, round "
                "what varies, or show the reader a tolerance in the output block's title "
                '(title="... ±0.005 ...")\n' + "\n".join(problems))

    def check_after_tab(self, key, result: dict) -> None:
        """Run this block after a later tab of the group above it too: it must print what the
        page shows (what it printed after the first tab, with --update-outputs)."""
        page, block = self.page, self.block
        line = page.line_for(key)
        if line.stopped is not None:
            return  # that tab's own failure is reported where it happened
        self.catch_up(key, line)
        line.ran += 1
        where = page.rel(block.line)
        other, _ = line.run(block, where)
        expected = result["output"] if self.config.getoption("update_outputs") else (block.shown or "")
        problems = []
        if not agree(expected, other["output"], block.tolerance):
            diff = difflib.unified_diff(
                normalise(expected).split("\n"), normalise(other["output"]).split("\n"),
                fromfile=f"{page.rel(block.output_line or block.line)} (shown on the page)",
                tofile=f"printed after {page.tab_name(key)}", lineterm="")
            problems.append("\n".join(diff))
        drawn, again = result["figures"], other["figures"]
        if len(drawn) != len(again) or not all(same_figure(a, b) for a, b in zip(drawn, again)):
            problems.append("the figures it draws differ")
        if problems:
            raise FenceFailure(
                f"{where}: this code prints something else when the reader ran {page.tab_name(key)} "
                "instead of the group's first tab; what follows a group of tabs must print the "
                "same whichever tab ran (the page shows it once)\n" + "\n".join(problems))

    def check(self, result: dict):
        block, where = self.block, self.page.rel(self.block.line)
        opts = block.options
        mark = "the cell tag" if isinstance(self.page, NotebookPage) else "{.python ...}"
        if result["exception"] and "raises" not in opts:
            raise FenceFailure(
                f"{where}: the code raised an exception (mark it raises, with {mark}, "
                f"if the page shows that on purpose)\n\n" + result["traceback"]
            )
        if not result["exception"] and "raises" in opts:
            raise FenceFailure(f"{where}: the code is marked raises but raised nothing")
        if result["warnings"] and "warns" not in opts:
            raise FenceFailure(
                f"{where}: the code emitted warnings (mark it warns, with {mark}, and show "
                "them in its output if that is on purpose):\n  " + "\n  ".join(result["warnings"])
            )
        if not result["warnings"] and "warns" in opts:
            raise FenceFailure(f"{where}: the code is marked warns but warned nothing")
        self.check_shapes(result["shapes"])
        self.check_output(result)
        self.check_figures(result["figures"])

    def check_output(self, result: dict):
        block = self.block
        shown, actual = block.shown or "", result["output"]
        timings = []
        if agree(shown, actual, block.tolerance):
            timings = timing_problems(shown, actual)
            if not timings:
                return
        if self.config.getoption("update_outputs"):
            prose.check_update(self.page, shown, actual)
            self.page.record_output(block, result)
            self.note_update("output", block.output_line or block.line)
            return
        where = self.page.rel(block.output_line or block.line)
        hint = f"to write what the run printed: {self.update_hint()}"
        if timings:
            raise FenceFailure(
                f"{where}: the output shows Keras timings more than {TIMING_FACTOR} times off "
                f"those the run printed at the same place (times under {_TIMING_FLOOR_TEXT} count "
                f"as that much; {hint}):\n  " + "\n  ".join(timings))
        if block.shown is None:
            raise FenceFailure(
                f"{where}: the code printed output but the page shows none after it "
                f"({hint}):\n" + actual
            )
        diff = difflib.unified_diff(
            normalise(shown).split("\n"),
            normalise(actual).split("\n"),
            fromfile=f"{where} (shown on the page)",
            tofile="the run printed",
            lineterm="",
        )
        within = f" (numbers within ±{block.tolerance:g})" if block.tolerance is not None else ""
        raise FenceFailure(
            f"{where}: the output shown differs from the real output{within} "
            f"(after normalisation, see tests/harness/normalise.py; {hint}):\n" + "\n".join(diff)
        )

    def note_update(self, what: str, line: int, path: Path | None = None) -> None:
        """Say what --update-outputs rewrote, in the report the controller gets (xdist too)."""
        path = Path(path or self.path)
        where = f"{os.path.relpath(path, self.config.rootpath)}:{line}"
        self.user_properties.append((_UPDATED, f"{where}: {what}"))

    def check_figures(self, drawn: list[bytes]):
        block, where = self.block, self.page.rel(self.block.line)
        if block.figures is None:
            if drawn:
                raise FenceFailure(
                    f"{where}: the code left a matplotlib figure open, but the page shows no "
                    "![...](figures/<name>.svg) image right after it"
                )
            return
        if isinstance(self.page, MarkdownPage) and len(drawn) != 1:
            image = self.page.rel(block.source.figure_line)
            raise FenceFailure(f"{image}: the image needs exactly one figure from the code above it, found {len(drawn)}")
        if len(drawn) == len(block.figures) and all(same_figure(a, b) for a, b in zip(block.figures, drawn)):
            return
        if self.config.getoption("update_outputs"):
            self.page.record_figures(block, drawn)
            if isinstance(self.page, MarkdownPage):
                self.note_update(f"figure {block.source.figure.name}", block.source.figure_line)
            else:
                self.note_update("figures", block.line)
            return
        if isinstance(self.page, MarkdownPage):
            pf = block.source
            state = "differs from what the run drew" if block.figures else "does not exist"
            raise FenceFailure(
                f"{self.page.rel(pf.figure_line)}: {pf.figure.relative_to(self.config.rootpath)} {state}; "
                f"run {self.update_hint()} and look at the new image"
            )
        raise FenceFailure(
            f"{where}: the figures stored in the notebook differ from what the run drew "
            f"({len(block.figures)} stored, {len(drawn)} drawn); run {self.update_hint()} and look at them"
        )

    def check_shapes(self, shapes: dict[int, list[str]]):
        block = self.block
        code_file = Path(block.filename)
        lines = block.code.split("\n")
        name = os.path.relpath(code_file, self.config.rootpath)
        problems = []
        for offset, line in enumerate(lines):
            n = block.first_line + offset
            m = _SHAPE_COMMENT.search(line)
            if not m:
                if _SHAPE_LIKE.search(line):
                    problems.append(
                        f"{name}:{n}: a shape in a comment is only checked when written alone "
                        "at the end of the line, as # (None, 30, 30, 16)"
                    )
                continue
            real = shapes.get(n)
            if not real:
                problems.append(f"{name}:{n}: shape comment on a line that creates no layer")
                continue
            real = ", ".join(real)
            if real != m.group("shape"):
                if self.config.getoption("update_outputs") and isinstance(self.page, MarkdownPage):
                    new = line[: m.start("shape")] + real + line[m.end("shape") :]
                    indent = block.source.fence.indent if not block.snippet else ""
                    record_edit(self.config, code_file, n, n, [indent + new])
                    self.note_update("shape comment", n, code_file)
                else:
                    problems.append(
                        f"{name}:{n}: shape comment says {m.group('shape')}, the layer's output shape is {real}"
                    )
        if problems:
            if any("the layer's output shape is" in p for p in problems):
                problems.append(f"(to write the layers' shapes: {self.update_hint()})")
            raise FenceFailure(f"{self.page.rel(block.line)}: " + "\n".join(problems))


class ProseItem(PageItem):
    """Numbers written in a page's prose must be numbers its outputs print."""

    def reportinfo(self):
        return self.path, 0, f"{self.page.rel(1)} prose numbers"

    def runtest(self):
        text_lines, outputs = self.page.prose_and_outputs()
        problems = [
            f"{self.page.rel(n)}: the prose says {number}, which no output on the page prints "
            "(refer to the output instead of restating it, or print the number)"
            for n, number in prose.unbacked_numbers(text_lines, outputs)]
        problems += [
            f'{self.page.rel(n)}: the prose says "{phrase}", which is true of no number an '
            "output on the page prints (within the rounding the words imply): print the "
            "number it paraphrases, or correct the words"
            for n, phrase in prose.unbacked_approximations(text_lines, outputs)]
        if problems:
            raise FenceFailure("\n".join(problems))


class JupyterItem(PageItem):
    """The page's notebook (a Markdown page's, as the build publishes it; a notebook page
    itself) run as a reader runs it: in a real Jupyter kernel, in an empty folder, offline
    (tests/harness/kernel.py). Each code cell must show what the page shows for that code."""

    def reportinfo(self):
        return self.path, 0, f"{self.page.rel(1)} in Jupyter"

    def runtest(self):
        from . import kernel

        nb, expected = self.page.reader_notebook()
        ran, error = kernel.execute(nb)
        problems = kernel.differences(ran, expected, str(self.path.relative_to(self.config.rootpath)), error)
        if problems:
            raise FenceFailure("\n\n".join(problems) + "\n\nRun it yourself: .venv/bin/python "
                               f"-m tests.harness.kernel {self.path.relative_to(self.config.rootpath)}")


def record_edit(config, path: Path, first: int, last: int, new_lines: list[str]):
    """Replace lines first..last (1-based, inclusive; last=first-1 inserts)."""
    config.stash[_EDITS].setdefault(Path(path), []).append((first, last, new_lines))


def record_output_edit(config, pf, actual: str):
    f, block = pf.fence, pf.output
    text = actual.strip("\n")
    indent = f.indent
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    marker = "`" * max(3, longest + 1)
    body = [indent + ln if ln else "" for ln in text.split("\n")]
    if block is not None and text:
        # Keep what the page declares on the block (a title with its tolerance).
        info = block.info if block.info.startswith(("output", "{")) else "output"
        record_edit(config, f.path, block.line, block.end_line, [indent + marker + info, *body, indent + marker])
    elif block is not None:
        record_edit(config, f.path, f.end_line + 1, block.end_line, [])
    elif text:
        record_edit(config, f.path, f.end_line + 1, f.end_line, ["", indent + marker + "output", *body, indent + marker])


def pytest_sessionfinish(session):
    edits = session.config.stash.get(_EDITS, {})
    for path, changes in edits.items():
        if changes and changes[0][0] == "notebook":
            from . import notebooks

            notebooks.write(changes[0][1], path)
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        for first, last, new in sorted(changes, key=lambda c: c[0], reverse=True):
            lines[first - 1 : last] = new
        path.write_text("\n".join(lines), encoding="utf-8")


class UpdateSummary:
    """What --update-outputs rewrote, said by the process that prints the summary: each
    item's report carries its edits (a user property), which pytest-xdist sends from the
    worker that made them to the controller."""

    def __init__(self):
        self.updated: list[str] = []

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.updated += [value for name, value in report.user_properties if name == _UPDATED]

    def pytest_terminal_summary(self, terminalreporter):
        if not self.updated:
            return
        terminalreporter.write_sep("-", "--update-outputs rewrote")
        files: dict[str, list[str]] = {}
        for entry in self.updated:
            path = entry.split(":", 1)[0]
            files.setdefault(path, []).append(entry)
        for path, entries in files.items():
            terminalreporter.write_line(f"updated {path}")
            for entry in entries:
                terminalreporter.write_line(f"  {entry}")
