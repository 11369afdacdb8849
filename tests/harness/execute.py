"""Run one fence in a page's namespace and record what a reader's terminal would show."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass, field

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Result:
    stream: str  # what the terminal showed: stdout, stderr, warnings, log records
    value: str | None = None  # the last expression's value, as Jupyter displays it
    error: str | None = None  # the exception's last line(s), as Python prints them
    warnings: list[str] = field(default_factory=list)
    exception: BaseException | None = None
    layers: list[tuple[object, int]] = field(default_factory=list)  # (layer, line)

    @property
    def output(self) -> str:
        """Everything a reader sees under the code, in the order it appears."""
        return "\n".join(part for part in (self.stream, self.value, self.error) if part)


def layer_shapes(layers) -> dict[int, list[str]]:
    """The output shape of the layers each line created, as the page writes them."""
    by_line: dict[int, set[str]] = {}
    for layer, line in layers:
        try:
            shape = str(tuple(layer.output.shape))
        except (AttributeError, ValueError) as exc:
            shape = f"<no output shape yet: {exc}>"
        by_line.setdefault(line, set()).add(shape)
    return {line: sorted(shapes) for line, shapes in by_line.items()}


def display(value) -> str:
    """A value as Jupyter shows a cell's last expression (IPython's pretty printer)."""
    try:
        from IPython.lib.pretty import pretty
    except ImportError:  # pragma: no cover - IPython comes with the notebook packages
        return repr(value)
    return pretty(value)


def as_terminal(raw: str) -> str:
    """Replay carriage returns and backspaces as a terminal does, and drop colours.

    Keras redraws its progress bar in place with \\r, \\b and ANSI colours; the page
    shows the final state of each line, as the reader's terminal would.
    """
    lines = []
    for raw_line in _ANSI.sub("", raw).split("\n"):
        buf: list[str] = []
        pos = 0
        for ch in raw_line:
            if ch == "\r":
                pos = 0
            elif ch == "\b":
                pos = max(0, pos - 1)
            else:
                if pos < len(buf):
                    buf[pos] = ch
                else:
                    buf.append(ch)
                pos += 1
        lines.append("".join(buf).rstrip())
    return "\n".join(lines).strip("\n")


@contextlib.contextmanager
def _note_log_records(seen: list[str]):
    """Note each log record of level WARNING or above that a logger hands to its handlers,
    without adding a handler: the records print through the handlers the process has,
    exactly as in a plain run (TensorFlow's own on its logger, the root one absl's
    ``basicConfig`` adds on its first message, Python's last resort when there is none).
    A handler of the harness's own on the root logger would print TensorFlow's records a
    second time, and keep absl from configuring the root logger as it does in a script."""
    original = logging.Logger.callHandlers

    def call_handlers(self, record):
        if record.levelno >= logging.WARNING:
            seen.append(f"{record.levelname}:{record.name}:{record.getMessage()}")
        return original(self, record)

    logging.Logger.callHandlers = call_handlers
    try:
        yield
    finally:
        logging.Logger.callHandlers = original


@contextlib.contextmanager
def _track_layers(filename: str, found: list):
    """Note which line of the running fence created each Keras layer."""
    from keras import Model
    from keras.layers import Layer

    original = Layer.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != filename:
            frame = frame.f_back
        if frame is not None and not isinstance(self, Model):
            found.append((self, frame.f_lineno))

    Layer.__init__ = init
    try:
        yield
    finally:
        Layer.__init__ = original


def _python_default_filters() -> None:
    """The warnings a reader sees running the page as a script: Python's defaults.

    Each warning shows once per code location (within one fence); deprecations show
    only when the page's own code triggers them, not from inside libraries.
    """
    warnings.resetwarnings()
    warnings.simplefilter("default")
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")


def use_unbuffered_streams() -> None:
    """Give the process a ``sys.stdout`` and ``sys.stderr`` that write straight to file
    descriptors 1 and 2, unbuffered, for its whole life (a page's process calls this once).

    Each fence's output is caught at the file-descriptor level (:func:`_terminal`), and
    with no buffer between the two streams they keep the order they were written in. They
    are the process's streams, not a fresh pair per fence, so what a fence keeps (a log
    handler made on ``sys.stderr`` by absl's ``basicConfig``, a page's own handler) writes
    where later fences' output goes, as in a script.
    """
    for name, fd in (("stdout", 1), ("stderr", 2)):
        getattr(sys, name).flush()
        setattr(sys, name, io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=False), encoding="utf-8", write_through=True))


def _flush_all() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # a page may replace or close a stream
            pass


@contextlib.contextmanager
def _terminal():
    """Collect everything the process writes while the fence runs, as a terminal would.

    File descriptors 1 and 2 point at one temporary file, so output that bypasses
    sys.stdout (tf.print, os.write, a subprocess, sys.__stdout__) is caught too.
    """
    _flush_all()
    with tempfile.TemporaryFile() as file:
        saved = [os.dup(1), os.dup(2)]
        os.dup2(file.fileno(), 1)
        os.dup2(file.fileno(), 2)
        chunks: list[str] = []
        try:
            yield chunks
        finally:
            _flush_all()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            file.seek(0)
            chunks.append(file.read().decode("utf-8", errors="replace"))


def _compile(code: str, filename: str, display_last: bool):
    """The code as one or two code objects: statements, then a last expression to show."""
    import ast

    tree = ast.parse(code, filename)
    if display_last and tree.body and isinstance(tree.body[-1], ast.Expr) and not code.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
        return compile(tree, filename, "exec", dont_inherit=True), compile(last, filename, "eval", dont_inherit=True)
    return compile(tree, filename, "exec", dont_inherit=True), None


def _register_source(filename: str, code: str, first_line: int) -> None:
    """Make the code findable by ``inspect.getsource`` as it ran, as IPython does for each
    cell: AutoGraph reads a ``tf.function``'s source that way, and warns that it "could not
    transform" a function whose source it cannot find. A notebook cell's name is no file,
    and a fence in an admonition or tab runs dedented from its page's lines."""
    import linecache

    lines = list(linecache.getlines(filename))  # the page's own, or with earlier fences
    new = code.splitlines(keepends=True)
    start = first_line - 1
    lines += ["\n"] * (start + len(new) - len(lines))
    lines[start:start + len(new)] = [line if line.endswith("\n") else line + "\n" for line in new]
    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)


def run(
    code: str, namespace: dict, filename: str, first_line: int = 1, shown: set | None = None,
    display_last: bool = False,
) -> Result:
    """Execute ``code`` as if it started at ``first_line`` of ``filename``.

    stdout, stderr, warnings and log records go to one stream in the order they
    happen; an exception ends the output with the line Python would print last.
    ``shown`` holds the warnings this page has shown already: as in a script, a
    warning shows once per code location, not once per fence. With ``display_last``
    (notebook cells), a final expression's value is shown as Jupyter shows it.
    """
    shown = set() if shown is None else shown
    padded = "\n" * (first_line - 1) + code
    _register_source(filename, code, first_line)
    seen_warnings: list[str] = []
    layers: list = []
    exception = None
    value = None
    with _terminal() as captured:

        def show(message, category, source, lineno, file=None, line=None):
            text = f"{category.__name__}: {message}"
            if (text, source, lineno) in shown:
                return
            shown.add((text, source, lineno))
            seen_warnings.append(text)
            stream = sys.stderr if file is None else file
            if stream is not None:
                stream.write(text + "\n")

        with warnings.catch_warnings(), _track_layers(filename, layers), _note_log_records(seen_warnings):
            _python_default_filters()
            warnings.showwarning = show
            try:
                statements, last = _compile(padded, filename, display_last)
                exec(statements, namespace)
                if last is not None:
                    result = eval(last, namespace)
                    if result is not None:
                        value = display(result)
            # Whatever a fence raises is its result, pytest's own Skipped and Exit
            # included (they derive from BaseException): a fence cannot stop the checks.
            except BaseException as exc:  # noqa: BLE001 - pages may raise on purpose
                exception = exc
    error = None
    if exception is not None:
        error = as_terminal("".join(traceback.format_exception_only(type(exception), exception)))
    return Result(as_terminal(captured[0]), value, error, seen_warnings, exception, layers)


def format_traceback(exc: BaseException, filename: str) -> str:
    """The traceback from the first frame in the fence on, as Python prints it."""
    frames = traceback.extract_tb(exc.__traceback__)
    for i, frame in enumerate(frames):
        if frame.filename == filename:
            frames = frames[i:]
            break
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip("\n")
