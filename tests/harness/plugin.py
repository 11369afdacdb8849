"""pytest plugin: every Python fence of every page under docs/ is a test.

The contract (see README, "How the checks work"):

* a page's fences run once each, in page order, in one shared namespace;
* Keras names, seeds and the working folder are reset at the start of each page;
* the ```output block after a fence must equal what the fence printed, warned or
  raised, after :func:`tests.harness.normalise.normalise`;
* ``# (None, 30, 30, 16)`` at the end of a line that creates a layer must equal
  that layer's output shape;
* a warning or an exception fails the fence unless the fence is marked
  ``{.python warns}`` or ``{.python raises}`` (and then it must happen);
* a figure a fence leaves open must be the ``![...](figures/x.svg)`` image right after
  it, byte for byte;
* a ``--8<--`` snippet runs as the standalone file it is (fresh namespace and Keras
  state), then shares what it defined with the page;
* ``pytest --update-outputs`` rewrites output blocks, shape comments and figures from
  the real run instead of failing on them.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import execute
from .normalise import normalise
from .pages import Page, PageError, PythonFence, scan

SEED = 42
SUMMARY_COLUMNS = "80"  # model.summary() as an 80-column terminal shows it

_EDITS = pytest.StashKey[dict]()
_SHAPE_COMMENT = re.compile(
    r"#\s*(?P<shape>\((?:None|\d+)(?:,\s*(?:None|\d+))*,?\))\s*$"
)
# Something that looks like a shape in a comment; if it is not a _SHAPE_COMMENT it would
# silently go unchecked, so it is an error.
_SHAPE_LIKE = re.compile(r"#.*[(\[]\s*(?:None|batch|\d+)\s*(?:,|x\b)", re.IGNORECASE)


def pytest_addoption(parser):
    group = parser.getgroup("docs harness")
    group.addoption(
        "--update-outputs",
        action="store_true",
        default=False,
        help="rewrite ```output blocks and shape comments from the real run",
    )


def pytest_configure(config):
    dist = getattr(config.option, "dist", "no")
    if getattr(config.option, "numprocesses", None) and dist not in ("loadfile", "loadscope", "no"):
        raise pytest.UsageError(
            f"the docs harness keeps each page's fences on one worker and in order; "
            f"--dist {dist} would split them: use --dist loadfile"
        )
    os.environ["COLUMNS"] = SUMMARY_COLUMNS
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    config.stash[_EDITS] = {}
    _refuse_network()
    # Import once per process, and let TensorFlow look for devices, so that the messages
    # it prints the first time (such as a failed CUDA probe) never land in a page.
    import keras  # noqa: F401
    import tensorflow

    tensorflow.config.list_physical_devices()


class NetworkRefused(OSError):
    pass


def _refuse_network():
    """Everything must work offline: a connection anywhere but this machine fails."""
    import socket

    local = {"localhost", "127.0.0.1", "::1", "", None}
    real = {
        name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto")
    }
    real_lookups = {
        name: getattr(socket, name) for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
    }

    def check(host):
        if host not in local:
            raise NetworkRefused(f"the docs tests run offline, but the code tried to reach {host!r}")

    def guard_socket(name):
        def method(self, *args):
            address = args[-1]
            if self.family != getattr(socket, "AF_UNIX", None) and isinstance(address, tuple):
                check(address[0])
            return real[name](self, *args)

        return method

    def guard_lookup(name):
        def lookup(host, *args, **kwargs):
            check(host)
            return real_lookups[name](host, *args, **kwargs)

        return lookup

    for name in real:
        setattr(socket.socket, name, guard_socket(name))
    for name in real_lookups:
        setattr(socket, name, guard_lookup(name))


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path: Path, config):
    """Every page is collected, even under a folder pytest skips by default (build/, venv/)."""
    docs = Path(config.rootpath) / "docs"
    if collection_path == docs or docs in collection_path.parents:
        return False if not collection_path.name.startswith(".") else None
    return None


def pytest_collect_file(file_path: Path, parent):
    docs = Path(parent.config.rootpath) / "docs"
    if file_path.suffix == ".md" and docs in file_path.parents:
        return MarkdownPage.from_parent(parent, path=file_path)
    return None


def reset_keras_state():
    """What every page starts from: fresh names, fixed seeds.

    TensorFlow's op determinism is deliberately left off: it swaps in other kernels,
    which changes some error messages from what a reader sees. On the CPU, fixed seeds
    already make runs repeat exactly: `pytest --update-outputs` twice leaves no diff.
    """
    import keras

    keras.utils.clear_session(free_memory=False)  # names reset; a full gc per page costs 0.2 s
    keras.utils.set_random_seed(SEED)
    # TensorFlow counts retracings per function across the whole process and warns
    # after five; a fresh process, as a reader runs a page, starts from zero.
    from tensorflow.python.eager.polymorphic_function import polymorphic_function

    polymorphic_function._frequent_tracing_detector_manager = (
        polymorphic_function._FrequentTracingDetectorManager()
    )


@dataclass
class PageState:
    namespace: dict = field(default_factory=dict)
    warnings_shown: set = field(default_factory=set)
    ran: int = 0  # how many of the page's fences have run
    failed_line: int | None = None


class MarkdownPage(pytest.File):
    page: Page

    def collect(self):
        try:
            self.page = scan(self.path)
        except PageError as exc:
            raise self.CollectError(str(exc)) from None
        self.runnable = [pf for pf in self.page.python if "notest" not in pf.options]
        for index, pf in enumerate(self.runnable):
            yield FenceItem.from_parent(self, name=f"line_{pf.line}", fence=pf, index=index)

    def setup(self):
        self.state = PageState(namespace={"__name__": "__main__"})
        self._cwd = os.getcwd()
        # Files a page writes (saved models, checkpoints) land here, never in the repo.
        self._workdir = tempfile.mkdtemp(prefix=f"page-{self.path.stem}-")
        os.chdir(self._workdir)
        reset_keras_state()

    def teardown(self):
        os.chdir(self._cwd)
        shutil.rmtree(self._workdir, ignore_errors=True)
        self.state = PageState()
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:  # figures a page left open must not leak into the next
            pyplot.close("all")

    def run_fence(self, pf: PythonFence) -> execute.Result:
        f = pf.fence
        if f.include:
            snippet = Path(self.config.rootpath) / f.include
            if not snippet.is_file():
                raise FenceFailure(f"{self.rel(f.line)}: snippet {f.include} does not exist")
            # A snippet is a file the reader can run on its own, so it runs as one: in a
            # fresh namespace, from fresh Keras state. What it defines is then shared
            # with the page's later fences.
            reset_keras_state()
            namespace = {"__name__": "__main__", "__file__": str(snippet)}
            result = execute.run(
                snippet.read_text(encoding="utf-8"), namespace, str(snippet), shown=self.state.warnings_shown
            )
            namespace.pop("__file__")
            self.state.namespace.update(namespace)
            return result
        return execute.run(
            f.body, self.state.namespace, str(self.path), f.first_code_line, shown=self.state.warnings_shown
        )

    def rel(self, line: int) -> str:
        return f"{self.path.relative_to(self.config.rootpath)}:{line}"


class FenceFailure(Exception):
    """A check failed; the message says where and what differs."""


class FenceItem(pytest.Item):
    def __init__(self, *, fence: PythonFence, index: int, **kwargs):
        super().__init__(**kwargs)
        self.fence = fence
        self.index = index

    @property
    def page(self) -> MarkdownPage:
        return self.parent

    def reportinfo(self):
        return self.path, self.fence.line - 1, f"{self.page.rel(self.fence.line)}"

    def runtest(self):
        state = self.page.state
        if state.failed_line is not None:
            pytest.skip(
                f"not run: the fence at {self.page.rel(state.failed_line)} failed, "
                "and later fences depend on its state"
            )
        # Fences deselected with -k or a node id still run first, once, to build state.
        while state.ran < self.index:
            earlier = self.page.runnable[state.ran]
            result = self.page.run_fence(earlier)
            state.ran += 1
            if result.exception is not None and "raises" not in earlier.options:
                state.failed_line = earlier.line
                raise FenceFailure(
                    f"{self.page.rel(earlier.line)}: an earlier fence failed while "
                    f"building this one's state:\n{result.output}"
                )
        try:
            result = self.page.run_fence(self.fence)
            state.ran += 1
            self.check(result)
        except BaseException:
            state.failed_line = self.fence.line
            raise

    def check(self, result: execute.Result):
        f, where = self.fence.fence, self.page.rel(self.fence.line)
        opts = self.fence.options
        code_file = Path(self.config.rootpath) / f.include if f.include else self.path
        if result.exception is not None and "raises" not in opts:
            raise FenceFailure(
                f"{where}: the fence raised an exception (mark it {{.python raises}} "
                f"if the page shows that on purpose)\n\n"
                + execute.format_traceback(result.exception, str(code_file))
            )
        if result.exception is None and "raises" in opts:
            raise FenceFailure(f"{where}: the fence is marked raises but raised nothing")
        if result.warnings and "warns" not in opts:
            raise FenceFailure(
                f"{where}: the fence emitted warnings (mark it {{.python warns}} and show "
                "them in its output block if that is on purpose):\n  "
                + "\n  ".join(result.warnings)
            )
        if not result.warnings and "warns" in opts:
            raise FenceFailure(f"{where}: the fence is marked warns but warned nothing")
        self.check_shapes(result, code_file, f.first_code_line if not f.include else 1)
        self.check_output(result.output)
        self.check_figure()

    def check_figure(self):
        pf, where = self.fence, self.page.rel(self.fence.line)
        pyplot = sys.modules.get("matplotlib.pyplot")
        numbers = pyplot.get_fignums() if pyplot else []
        if pf.figure is None:
            if numbers:
                pyplot.close("all")
                raise FenceFailure(
                    f"{where}: the fence left a matplotlib figure open, but the page shows no "
                    "![...](figures/<name>.svg) image right after it"
                )
            return
        image = self.page.rel(pf.figure_line)
        if len(numbers) != 1:
            raise FenceFailure(f"{image}: the image needs exactly one figure from the fence above, found {len(numbers)}")
        svg = render_svg(pyplot.figure(numbers[0]))
        pyplot.close("all")
        if pf.figure.is_file() and pf.figure.read_bytes() == svg:
            return
        if self.config.getoption("update_outputs"):
            pf.figure.parent.mkdir(parents=True, exist_ok=True)
            pf.figure.write_bytes(svg)
            return
        state = "differs from what the run drew" if pf.figure.is_file() else "does not exist"
        raise FenceFailure(
            f"{image}: {pf.figure.relative_to(self.config.rootpath)} {state}; "
            "run pytest --update-outputs and look at the new image"
        )

    def check_output(self, actual: str):
        block = self.fence.output
        shown = block.body if block else ""
        if normalise(shown) == normalise(actual):
            return
        if self.config.getoption("update_outputs"):
            record_output_edit(self.config, self.fence, actual)
            return
        where = self.page.rel(block.line if block else self.fence.fence.end_line)
        if block is None:
            raise FenceFailure(
                f"{where}: the fence printed output but the page shows no ```output "
                "block after it (run pytest --update-outputs to add it):\n" + actual
            )
        diff = difflib.unified_diff(
            normalise(shown).split("\n"),
            normalise(actual).split("\n"),
            fromfile=f"{where} (shown on the page)",
            tofile="the run printed",
            lineterm="",
        )
        raise FenceFailure(
            f"{where}: the output block differs from the real output "
            "(after normalisation, see tests/harness/normalise.py):\n" + "\n".join(diff)
        )

    def check_shapes(self, result: execute.Result, code_file: Path, first_line: int):
        lines = code_file.read_text(encoding="utf-8").split("\n")
        name = code_file.relative_to(self.config.rootpath)
        code_lines = range(first_line, first_line + len(self.fence.fence.code(Path(self.config.rootpath)).split("\n")))
        by_line: dict[int, list] = {}
        for layer, line in result.layers:
            by_line.setdefault(line, []).append(layer)
        problems = []
        for n in code_lines:
            line = lines[n - 1] if n - 1 < len(lines) else ""
            m = _SHAPE_COMMENT.search(line)
            if not m:
                if _SHAPE_LIKE.search(line):
                    problems.append(
                        f"{name}:{n}: a shape in a comment is only checked when written alone "
                        "at the end of the line, as # (None, 30, 30, 16)"
                    )
                continue
            layers = by_line.get(n)
            if not layers:
                problems.append(f"{name}:{n}: shape comment on a line that creates no layer")
                continue
            try:
                shapes = {str(tuple(layer.output.shape)) for layer in layers}
            except (AttributeError, ValueError) as exc:
                problems.append(f"{name}:{n}: the layer has no output shape yet ({exc})")
                continue
            real = ", ".join(sorted(shapes))
            if real != m.group("shape"):
                if self.config.getoption("update_outputs"):
                    new = lines[n - 1][: m.start("shape")] + real + lines[n - 1][m.end("shape") :]
                    record_edit(self.config, code_file, n, n, [new])
                else:
                    problems.append(
                        f"{name}:{n}: shape comment says {m.group('shape')}, "
                        f"the layer's output shape is {real}"
                    )
        if problems:
            raise FenceFailure(f"{self.page.rel(self.fence.line)}: " + "\n".join(problems))


    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (FenceFailure, PageError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


def render_svg(figure) -> bytes:
    """The figure as SVG, byte for byte the same on every run of the same code."""
    import io

    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "keras-sequential-verified", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def record_edit(config, path: Path, first: int, last: int, new_lines: list[str]):
    """Replace lines first..last (1-based, inclusive; last=first-1 inserts)."""
    config.stash[_EDITS].setdefault(Path(path), []).append((first, last, new_lines))


def record_output_edit(config, pf: PythonFence, actual: str):
    f, block = pf.fence, pf.output
    text = actual.strip("\n")
    indent = f.indent
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    marker = "`" * max(3, longest + 1)
    body = [indent + ln if ln else "" for ln in text.split("\n")]
    if block is not None and text:
        record_edit(config, f.path, block.line, block.end_line, [indent + marker + "output", *body, indent + marker])
    elif block is not None:
        record_edit(config, f.path, f.end_line + 1, block.end_line, [])
    elif text:
        record_edit(config, f.path, f.end_line + 1, f.end_line, ["", indent + marker + "output", *body, indent + marker])


def pytest_sessionfinish(session):
    edits = session.config.stash.get(_EDITS, {})
    for path, changes in edits.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for first, last, new in sorted(changes, key=lambda c: c[0], reverse=True):
            lines[first - 1 : last] = new
        path.write_text("\n".join(lines), encoding="utf-8")
        print(f"\nupdated {path}")
