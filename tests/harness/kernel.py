"""Run a notebook as a reader does, in a real Jupyter kernel, offline, and compare.

The kernel is ipykernel started by nbclient, in an empty folder of its own, with the
environment of a reader's shell (nothing the test run sets for its own processes, no
COLUMNS or TensorFlow log level: a notebook sets what it needs in a cell the reader sees).
The network is cut where a reader's machine cannot fake it: the kernel runs in a network
namespace of its own (``unshare --net``, as an unprivileged user namespace), where only
loopback exists; it talks to nbclient over Unix sockets (ZeroMQ's ``ipc`` transport).

What Jupyter shows under a cell as text (streams, text a library displays, the value, the
error; figures aside, which the page's own test compares) is compared with what the page
shows for that code, under the page's normalisation and tolerance
(:func:`tests.harness.normalise.agree`); the number of figures must match too.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .execute import as_terminal
from .normalise import agree, normalise

# Set by the test run for its own processes, or by the page harness: a reader's shell has
# none of them. A notebook that needs COLUMNS or a log level sets it in a cell.
NOT_A_READERS = re.compile(r"^(PYTEST_|DOCS_|COLUMNS$|LINES$|TF_CPP_MIN_LOG_LEVEL$|MPLBACKEND$|"
                           r"TF_NUM_INTRAOP_THREADS$|TF_NUM_INTEROP_THREADS$|PYTHONPATH$)")
# Brings loopback up in the kernel's new network namespace (distributed training talks to
# itself over 127.0.0.1), then starts ipykernel as `python -m ipykernel_launcher` would.
_LAUNCH = '''\
import fcntl, socket, struct, sys, runpy
_s = socket.socket()
_flags = struct.unpack("16sH22x", fcntl.ioctl(_s, 0x8913, struct.pack("16sH22x", b"lo", 0)))[1]
fcntl.ioctl(_s, 0x8914, struct.pack("16sH22x", b"lo", _flags | 1))
_s.close()
del fcntl, socket, struct, _s, _flags
sys.argv = ["ipykernel_launcher", *sys.argv[1:]]
runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
'''
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
# TensorFlow's one-time start-up lines, written by its C++ code to the process's standard
# error as it loads and first looks for devices, whatever the log level: no page shows
# them (the harness imports TensorFlow and lists its devices before a page), and the
# notebook's setup cell is where they belong. ipykernel forwards that stream from a thread
# of its own, so a line can arrive after the setup cell has ended, under the next cell:
# these lines, and only these, are not compared.
TF_STARTUP = re.compile(
    r"^(?:WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IWE]\d{4} [\d:. ]+\d+ (?:port\.cc:\d+\] oneDNN custom operations are on"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers"
    r"|cuda_platform\.cc:\d+\] failed call to cuInit"
    r"|cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized)"
    r"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.)"
    r".*$")
# Where the machine allows no unprivileged network namespace, the kernel is cut off
# in Python instead, before ipykernel starts: every connection and name lookup to another
# machine raises (the harness's own guard, tests/harness/network.py, run in the kernel's
# process from its source: nothing of the repository is importable there).
_GUARD = """\
_g = {}
exec(compile(open(sys.argv.pop(1), encoding="utf-8").read(), "offline", "exec"), _g)
_g["refuse"]()
del _g
"""


@functools.lru_cache(maxsize=None)
def namespaces() -> bool:
    """Whether this machine lets a process open a user and network namespace of its own."""
    try:
        return subprocess.run([UNSHARE, "--user", "--map-root-user", "--net", "true"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class Expected:
    """What the page shows for one code cell of the notebook."""

    where: str  # page:line, for messages
    shown: str
    tolerance: float | None
    figures: int


def reader_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not NOT_A_READERS.match(k)}
    # One thread for TensorFlow's ops, as the harness gives each page (child.py): the run
    # already uses every core, and what a page prints does not depend on it
    # (tests/portability.sh). Set unless the caller set it.
    for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env[name] = os.environ.get(name) or "1"
    return env


def execute(nb, timeout: float = 900):
    """Run every cell of ``nb`` (a copy is run) in a fresh offline kernel, in an empty
    folder; return the executed notebook and the error that stopped it (None if none).
    Cells tagged ``raises-exception`` may raise; ``skip-execution`` cells are skipped."""
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config
    from nbclient.exceptions import CellExecutionError

    run = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    base = Path(tempfile.mkdtemp(prefix="kernel-"))
    work = base / "work"  # the notebook's folder: empty
    work.mkdir()
    spec = base / "kernels" / "offline-python3"
    spec.mkdir(parents=True)
    if namespaces():
        (base / "launch.py").write_text(_LAUNCH, encoding="utf-8")
        argv = [UNSHARE, "--user", "--map-root-user", "--net", "--", sys.executable,
                str(base / "launch.py")]
    else:
        from . import network

        (base / "guard.py").write_text(Path(network.__file__).read_text(encoding="utf-8"), encoding="utf-8")
        (base / "launch.py").write_text(
            "import runpy, sys\n" + _GUARD
            + 'sys.argv = ["ipykernel_launcher", *sys.argv[1:]]\n'
            + 'runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)\n',
            encoding="utf-8")
        argv = [sys.executable, str(base / "launch.py"), str(base / "guard.py")]
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [*argv, "-f", "{connection_file}"],
        "display_name": "Python 3 (offline)", "language": "python"}), encoding="utf-8")
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(base)  # the kernel spec manager reads it when made
    error = None
    try:
        # nbclient makes (and so shuts down and closes) the kernel manager itself
        config = Config({"KernelManager": {"transport": "ipc",
                                           "connection_file": str(base / "connection.json")}})
        client = NotebookClient(run, config=config, kernel_name="offline-python3", timeout=timeout,
                                allow_errors=False, shutdown_kernel="immediate", resources={"metadata": {"path": str(work)}})
        try:
            client.execute(env=reader_env(), cwd=str(work), stderr=subprocess.DEVNULL)
        except CellExecutionError as exc:
            error = str(exc)[-3000:]
    finally:
        if before is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = before
        shutil.rmtree(base, ignore_errors=True)
    return run, error


def shown_text(cell) -> str:
    """What Jupyter shows under a cell as text, in order: streams (stdout and stderr),
    text a library displays (``model.summary()`` renders through rich as display data),
    the value, the error. Figures are left out, and TensorFlow's start-up lines
    (TF_STARTUP)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            if not any(kind.startswith("image/") for kind in output.data):
                text = output.data.get("text/plain", "")
                parts.append(text if text.endswith("\n") else text + "\n")
        elif output.output_type == "error":
            parts.append((f"{output.ename}: {output.evalue}" if output.evalue else output.ename) + "\n")
    text = as_terminal("".join(parts))
    return "".join(line for line in text.splitlines(keepends=True) if not TF_STARTUP.match(line))


def _streams(cell) -> tuple[str, str]:
    """What a cell shows apart from standard error, and standard error, each in order."""
    rest, err = [], []
    for output in cell.outputs:
        one = type(cell)(cell)
        one.outputs = [output]
        (err if output.output_type == "stream" and output.name == "stderr" else rest).append(
            shown_text(one))
    return "".join(rest), "".join(err)


def _interleaves(shown: str, cell, tolerance: float | None) -> bool:
    """Whether the page's output is the cell's standard output and standard error
    interleaved. A terminal shows the two in the order they were written; Jupyter sends
    each stream on its own and flushes them apart, so a warning can show after text
    printed later (ordering, not content)."""
    rest, err = _streams(cell)
    if not err:
        return False
    lines = normalise(shown).split("\n")
    err_lines = [ln for ln in normalise(err).split("\n") if ln]
    keep, k = [], 0
    for line in lines:
        if k < len(err_lines) and line == err_lines[k]:
            k += 1
        else:
            keep.append(line)
    return k == len(err_lines) and agree("\n".join(keep), rest, tolerance)


def figures(cell) -> int:
    return sum(o.output_type in ("display_data", "execute_result")
               and any(k.startswith("image/") for k in o.data) for o in cell.outputs)


def differences(ran, expected: dict[int, Expected], name: str, error: str | None) -> list[str]:
    """Each way the executed notebook ``ran`` shows other than the page: ``expected`` maps
    a code cell's index in the notebook to what the page shows for it."""
    found = []
    for index, want in sorted(expected.items()):
        cell = ran.cells[index]
        if error is not None and not cell.outputs and (want.shown or want.figures):
            break  # not reached
        actual = shown_text(cell)
        if not agree(want.shown, actual, want.tolerance) and not _interleaves(want.shown, cell, want.tolerance):
            diff = "\n".join(difflib.unified_diff(
                normalise(want.shown).split("\n"), normalise(actual).split("\n"),
                fromfile=f"{want.where} (the page shows)",
                tofile=f"{name}, cell {index + 1} in Jupyter", lineterm=""))
            within = f" (numbers within ±{want.tolerance:g})" if want.tolerance is not None else ""
            found.append(f"{want.where}: the notebook's cell {index + 1} shows other output in "
                         f"Jupyter{within}:\n{diff}")
        drawn = figures(cell)
        if drawn != want.figures:
            found.append(f"{want.where}: the notebook's cell {index + 1} draws {drawn} figures in "
                         f"Jupyter; the page shows {want.figures}")
    if error is not None:
        found.append(f"{name}: Jupyter stopped at a cell that raised:\n{error}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Run pages' notebooks as the test run does:
    .venv/bin/python -m tests.harness.kernel docs/training/fit.md docs/tutorials/mnist.ipynb"""
    import argparse

    from . import export, notebooks

    parser = argparse.ArgumentParser(description=main.__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for path in args.pages:
        if path.suffix == ".ipynb":
            nb = notebooks.read(path)
            expected = export.notebook_expected(path, nb, str(path))
        else:
            nb = export.export(path)
            expected = export.expected(path, nb)
        ran, error = execute(nb)
        problems = differences(ran, expected, str(path), error)
        failed += bool(problems)
        print(f"{'DIFFERS' if problems else 'OK'} {path}", *problems, sep="\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
