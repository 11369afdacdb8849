"""Run each page as a reader runs it, and check it prints what it shows.

The test run (tests/harness/) runs a page's blocks one at a time in a process forked from
a server, catching each block's output and checking it. A reader does something plainer:
copies the page's code into one script (or runs the notebook in Jupyter) and runs it with
``python``. This tool does that and compares, so that nothing the harness does to run a
page (catching warnings per block, its log handler, its thread settings, the fork) can
make a page show what a reader would not see.

For each page it writes one Python script that runs the page's code in page order, in one
process, in ``__main__``:

* Markdown: every python fence not marked ``notest``, in a content-tab group only the
  first tab, a snippet include as the snippet file's code; the fences' code is written
  into the script as it stands on the page. A fence marked ``raises`` runs from a file of
  its own (``exec`` in the script's namespace) inside ``try``, and its exception's last
  line prints as Python prints it; the script goes on.
* Notebooks: every code cell not tagged ``skip-execution``, run as Jupyter runs a cell
  (``exec`` of the cell's code, its last expression's value shown with IPython's pretty
  printer); a cell tagged ``raises-exception`` prints its exception's last line.

Between blocks the script prints a marker holding a random token, so a page cannot fake
the boundaries; the output between two markers is the block's, as a terminal shows it
(the script runs on a pseudo-terminal, stdout and stderr interleaved as they happen), and
is compared with what the page shows with :func:`tests.harness.normalise.agree`, under
the block's tolerance. Figures are not compared here (the test run does that); the
script closes them after each block.

The environment is the one the pages document for readers (docs/index.md, "What the test
run sets"): ``COLUMNS=80``, ``TF_CPP_MIN_LOG_LEVEL=2``, ``MPLBACKEND=Agg``, an empty
temporary working folder, TensorFlow imported (and its devices listed) before the page's
code, so its one-time start-up lines belong to no page. Nothing else: no seed, no thread
setting, no log handler, Python's own warning filters. The one thing the script changes
is how a warning is written: ``UserWarning: message``, as pages show it, without the
``path:line:`` prefix and source line, which name files on the reader's machine.

Each page's notebook also runs in a real Jupyter kernel in the test suite (its
``::jupyter`` item, tests/harness/kernel.py).

Usage, from the repository root (it is run by hand and by tests/portability.sh, not in
CI)::

    .venv/bin/python tests/as_reader.py                 # every page under docs/
    .venv/bin/python tests/as_reader.py docs/training/fit.md docs/tutorials/mnist.ipynb

Exit status 0 when every page printed what it shows, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import os
import pty
import re
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.harness.execute import as_terminal  # noqa: E402
from tests.harness.normalise import agree, normalise  # noqa: E402

PAGE_TIMEOUT_S = 1800
# What the pages tell readers the test run sets (docs/index.md); the rest of the
# environment is the caller's (tests/portability.sh varies oneDNN and threads through it).
READER_ENV = {"COLUMNS": "80", "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}
# Set by the test run for its own processes: a reader's shell has none of them.
HARNESS_ENV = re.compile(r"^(PYTEST_|DOCS_)")


@dataclass
class Block:
    """A piece of code the reader runs, with what the page shows under it."""

    where: str  # page:line of the output block (or fence), or page:cell N
    code: str
    shown: str
    tolerance: float | None
    raises: bool = False
    code_at: str = ""  # page:line of the code itself (where a stop is reported)
    display_last: bool = False  # a notebook cell: show the last expression's value
    own_file: bool = False  # run from a file of its own (exec), not inline in the script
    cell: int | None = None  # a notebook's cell number


@dataclass
class Outcome:
    page: str
    blocks: int = 0
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.differences


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _root_of(path: Path) -> Path:
    """The project a page belongs to: the folder that holds its docs/ (snippets/ sits there)."""
    for parent in path.resolve().parents:
        if parent.name == "docs":
            return parent.parent
    return REPO


def markdown_blocks(path: Path) -> list[Block]:
    from tests.harness.pages import scan

    page, root, rel = scan(path), _root_of(path), _rel(path)
    blocks = []
    for pf in page.python:
        f = pf.fence
        if "notest" in f.options or (f.tab is not None and f.tab[1] != 0):
            continue
        out = pf.output
        blocks.append(Block(
            where=f"{rel}:{out.line if out else f.line}", code=f.code(root),
            shown=out.body if out else "", tolerance=out.tolerance if out else None,
            raises="raises" in f.options, own_file="raises" in f.options, code_at=f"{rel}:{f.line}",
        ))
    return blocks


def notebook_blocks(path: Path) -> list[Block]:
    from tests.harness import notebooks

    rel = _rel(path)

    def make_block(*, line, code, options, shown, tolerance, **_):
        return Block(
            where=f"{rel}:cell {line}", code=code, shown=shown or "", tolerance=tolerance,
            raises="raises" in options, display_last=True, own_file=True, code_at=f"{rel}:cell {line}", cell=line,
        ) if "notest" not in options else None

    return [b for b in notebooks.blocks(notebooks.read(path), path, make_block) if b is not None]


def blocks_of(path: Path) -> list[Block]:
    return notebook_blocks(path) if path.suffix == ".ipynb" else markdown_blocks(path)


# The script's first lines. Its names start with __reader_ so that no page's code meets
# them by chance; they are the only names the script adds to the page's namespace.
_PREAMBLE = '''\
# {page} as a reader runs it, written by tests/as_reader.py.
def __reader_setup():
    import warnings

    # How pages show a warning: without the path:line: prefix and the source line.
    warnings.formatwarning = lambda message, category, *_, **__: f"{{category.__name__}}: {{message}}\\n"
    if {preload}:
        # TensorFlow is imported before a page runs (docs/index.md): its start-up lines are no page's.
        import tensorflow

        tensorflow.config.list_physical_devices()


def __reader_mark(index, _token={token!r}):
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")  # the test run compares figures; here they are only closed
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            stream.flush()
    sys.__stdout__.write(f"\\n{{_token}} {{index}}\\n")
    sys.__stdout__.flush()


def __reader_run(file, raises, display_last, _namespace=globals()):
    """Run a block from its own file, as Jupyter runs a cell: exec in the page's namespace."""
    import ast
    import sys
    import traceback

    with open(file, encoding="utf-8") as handle:
        code = handle.read()
    try:
        tree = ast.parse(code, file)
        last = None
        if display_last and tree.body and isinstance(tree.body[-1], ast.Expr) and not code.rstrip().endswith(";"):
            last = compile(ast.Expression(tree.body.pop().value), file, "eval")
        exec(compile(tree, file, "exec"), _namespace)
        if last is not None:
            value = eval(last, _namespace)
            if value is not None:
                from IPython.lib.pretty import pretty

                print(pretty(value))
    except BaseException as exc:
        if not raises:
            raise
        sys.stdout.flush()
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        sys.stderr.flush()


__reader_setup()
'''


def write_script(path: Path, blocks: list[Block], folder: Path, token: str, preload: bool = True) -> Path:
    """The page's code as one script in ``folder``, with a marker before each block."""
    parts = [_PREAMBLE.format(page=_rel(path), token=token, preload=preload)]
    for index, block in enumerate(blocks):
        parts.append(f"__reader_mark({index})\n")
        if block.own_file:
            file = folder / f"block_{index}.py"
            file.write_text(block.code, encoding="utf-8")
            parts.append(f"__reader_run({str(file)!r}, {block.raises}, {block.display_last})\n")
        else:
            parts.append(block.code if block.code.endswith("\n") else block.code + "\n")
    parts.append(f"__reader_mark({len(blocks)})\n")
    script = folder / "page.py"
    script.write_text("".join(parts), encoding="utf-8")
    return script


def reader_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not HARNESS_ENV.match(k)}
    env.update(READER_ENV)
    return env


def run_on_terminal(argv: list[str], cwd: Path, env: dict, timeout: float) -> tuple[str, int | None]:
    """Run a command on a pseudo-terminal of 80 columns, as a reader's shell does; return
    what the terminal received and the exit status (None if it ran past ``timeout``)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 80, 0, 0))
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True, start_new_session=True,
    )
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                return b"".join(chunks).decode("utf-8", "replace"), None
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError as exc:  # EIO: every process holding the terminal has ended
                if exc.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), process.wait()


def split_output(text: str, token: str, count: int) -> tuple[str, list[str | None], str]:
    """The output before the first block, each block's, and what came after the last.

    A block whose marker never printed (the script stopped before it) is None. The markers
    must come once each, in order: a page that found the token and printed one itself to
    move a boundary raises ValueError."""
    pieces: dict[int, list[str]] = {}
    current: int | None = None
    before: list[str] = []
    marker = re.compile(rf"^{re.escape(token)} (\d+)$")
    for line in text.split("\n"):
        m = marker.match(line.rstrip("\r"))
        if m:
            index = int(m.group(1))
            if index != (-1 if current is None else current) + 1:
                raise ValueError(f"block {index}'s marker came after block {current}'s: the page printed a marker itself")
            current = index
            pieces[current] = []
            continue
        (before if current is None else pieces[current]).append(line)
    outputs = ["\n".join(pieces[i]) if i in pieces else None for i in range(count)]
    after = "\n".join(pieces.get(count, []))
    return "\n".join(before), outputs, after


def check_page(path: Path, timeout: float = PAGE_TIMEOUT_S, keep: bool = False, preload: bool = True) -> Outcome:
    """Run one page as a reader does; ``preload=False`` leaves TensorFlow to the page
    (for pages that do not use it: the tool's own tests)."""
    start = time.monotonic()
    outcome = Outcome(_rel(path))
    try:
        blocks = blocks_of(path)
    except Exception as exc:  # noqa: BLE001 - a page the harness cannot read
        outcome.differences.append(f"{_rel(path)}: cannot read the page: {exc}")
        return outcome
    outcome.blocks = len(blocks)
    token = secrets.token_hex(16)
    folder = Path(tempfile.mkdtemp(prefix=f"reader-{path.stem}-"))
    # The script apart from the working folder, which stays empty as the pages promise.
    (folder / "script").mkdir()
    (folder / "work").mkdir()
    try:
        script = write_script(path, blocks, folder / "script", token, preload)
        raw, status = run_on_terminal([sys.executable, str(script)], folder / "work", reader_env(), timeout)
        try:
            before, outputs, after = split_output(raw, token, len(blocks))
        except ValueError as exc:
            outcome.differences.append(f"{_rel(path)}: {exc}")
            return outcome
        if as_terminal(before).strip():
            outcome.notes.append("before the page's code (TensorFlow's start-up):\n" + textwrap.indent(as_terminal(before), "  "))
        ran = sum(o is not None for o in outputs)
        stopped = status is not None and (ran < len(blocks) or status != 0)
        for index, (block, output) in enumerate(zip(blocks, outputs)):
            if output is None or (stopped and index == ran - 1):
                break  # the block the script stopped in is reported below
            actual = as_terminal(output)
            if not agree(block.shown, actual, block.tolerance):
                diff = difflib.unified_diff(
                    normalise(block.shown).split("\n"), normalise(actual).split("\n"),
                    fromfile=f"{block.where} (shown on the page)", tofile="a reader's run printed", lineterm="",
                )
                within = f" (numbers within ±{block.tolerance:g})" if block.tolerance is not None else ""
                outcome.differences.append(f"{block.where}: a reader sees other output{within}:\n" + "\n".join(diff))
        if status is None:
            outcome.differences.append(f"{_rel(path)}: the script ran for more than {timeout:g} s")
        elif stopped:
            at = blocks[ran - 1].code_at if ran else _rel(path)
            last = outputs[ran - 1] if ran else raw
            outcome.differences.append(
                f"{at}: the script stopped here (exit status {status}); "
                f"{len(blocks) - ran} later block(s) did not run:\n"
                + textwrap.indent(as_terminal(last or after)[-3000:], "  ")
            )
        elif as_terminal(after).strip():
            outcome.differences.append(
                f"{_rel(path)}: after the last block, a reader sees output no page shows:\n"
                + textwrap.indent(as_terminal(after), "  ")
            )
    finally:
        if keep:
            outcome.notes.append(f"script kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    outcome.seconds = time.monotonic() - start
    return outcome


def all_pages(root: Path = REPO) -> list[Path]:
    docs = root / "docs"
    return sorted(p for p in docs.rglob("*") if p.suffix in (".md", ".ipynb") and p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, help="pages to run (default: every page under docs/)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="pages run at once (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep each page's script and say where")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print notes (TensorFlow's start-up lines)")
    args = parser.parse_args(argv)
    pages = args.pages or all_pages()
    failed = 0
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        def check(page: Path) -> Outcome:
            return check_page(page, keep=args.keep)

        for outcome in pool.map(check, pages):
            failed += not outcome.ok
            state = "OK" if outcome.ok else "DIFFERS"
            print(f"{state} {outcome.page} ({outcome.blocks} blocks, {outcome.seconds:.0f} s)", flush=True)
            for difference in outcome.differences:
                print(textwrap.indent(difference, "    "), flush=True)
            if args.verbose or args.keep:
                for note in outcome.notes:
                    print(textwrap.indent(note, "    note: "), flush=True)
    print(f"{len(pages) - failed} of {len(pages)} pages print what they show, as a reader runs them "
          f"({time.monotonic() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
