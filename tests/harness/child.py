"""The process a page runs in.

Every page (Markdown or notebook) runs in a process of its own, forked from a server
process that has imported TensorFlow and Keras and run nothing else (the standard
library's ``forkserver``, with this module preloaded). So a page starts as a reader's
fresh ``python`` does, less the import time: Keras names from ``dense``, no seed set
(random generators are drawn from the OS, as in a new process), no setting made by an
earlier page, no monkeypatch left behind. Whatever a page does to its process (patch a
library, ``os._exit``, ``pytest.skip``) ends with it.

The pytest worker sends fences one at a time over a pipe; this process runs each in the
page's namespace and sends back what a reader's terminal would show, the output shape of
each layer a line created, and the figures left open (as SVG). All checks are made in
the worker (plugin.py), which never runs a fence itself.
"""

from __future__ import annotations

import os

# plugin.py put the repository on PYTHONPATH for the server to find this module; a page's
# process (and what it starts) sees the variable as the reader's shell has it.
if "DOCS_HARNESS_PYTHONPATH" in os.environ:
    _before = os.environ.pop("DOCS_HARNESS_PYTHONPATH")
    if _before:
        os.environ["PYTHONPATH"] = _before
    else:
        os.environ.pop("PYTHONPATH", None)
import gc
import random
import sys
from pathlib import Path

# What the server imports once, so that each page does not pay for it.
import keras  # noqa: F401
import matplotlib
import numpy as np
import tensorflow as tf

from . import execute, network

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

tf.config.list_physical_devices()  # TensorFlow's first-call messages land here, not on a page
# One thread for TensorFlow's ops in each page: the test run already runs one page per
# core, and more threads than cores only make them wait on each other (the docs took 15%
# less CPU time this way). What a page prints does not depend on it: tests/portability.sh
# runs every page with four threads (TF_NUM_INTRAOP_THREADS, which this leaves alone when
# it is set) and on one core. Processes a page starts itself (a second Python, training
# workers) inherit the setting. Set through TensorFlow's environment variables, read when a
# page's process creates its context, not through tf.config: a page that asks
# tf.config.threading gets the 0 ("TensorFlow's default") a reader's process reports (the
# second red-team round of issue 21 printed it), and the page can still configure devices
# before its context exists (the distributed tutorial does). A page that prints
# os.environ would see the variables.
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
    if not os.environ.get(_name):
        os.environ[_name] = "1"
# The objects the imports made stay alive as long as the server: moved out of the garbage
# collector's reach, a page's collections no longer walk them (nor copy their memory pages
# into the page's process by touching them).
gc.freeze()
network.refuse()


def render_svg(figure) -> bytes:
    """The figure as SVG, byte for byte the same on every run of the same code."""
    import io

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "keras-sequential-verified", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _fresh_process_state() -> None:
    """Random state as a newly started interpreter has it: drawn from the OS, not shared.

    Forked children inherit the server's generators; without this every page of a run
    would start from the same (unseeded but fixed) state, and a page that forgot to set
    its seed in code the reader sees could pass by luck of the fork.
    """
    random.seed()
    np.random.seed()


def run_fence(request: dict, namespace: dict, shown: set) -> dict:
    code, filename = request["code"], request["filename"]
    # A snippet a page includes runs like any other fence, in the page's namespace and
    # Keras state: a reader who runs the page meets it there, after the fences above it.
    run_in = namespace
    result = execute.run(
        code, run_in, filename, request.get("first_line", 1), shown=shown,
        display_last=request.get("display_last", False),
    )
    figures = [render_svg(plt.figure(n)) for n in plt.get_fignums()]
    plt.close("all")
    exception = result.exception
    return {
        "output": result.output,
        "stream": result.stream,
        "value": result.value,
        "error": result.error,
        "warnings": result.warnings,
        "exception": None if exception is None else type(exception).__name__,
        "traceback": None if exception is None else execute.format_traceback(exception, filename),
        "shapes": execute.layer_shapes(result.layers),
        "figures": figures,
    }


def _out_of_reach() -> None:
    """Take the harness out of the page's reach by name, once this process holds what it
    needs of it (this module's functions keep their modules' namespaces alive).

    The modules of this repository leave ``sys.modules`` and the repository leaves
    ``sys.path``: ``import``, ``importlib.import_module`` and ``__import__`` of a split
    name find no harness, and a page that puts the repository back on the path imports a
    fresh copy that nothing here uses; ``sys.modules`` holds nothing of it to patch. What a
    page can still do in its own process (walk frames or ``gc.get_objects()`` to the live
    functions) is said in CONTRIBUTING.md, "How a page runs"; every check is made in the worker, outside it.
    """
    import importlib

    root = Path(__file__).resolve().parents[2]
    tests = root / "tests"

    def place(path) -> Path | None:
        try:
            return Path(path or os.curdir).resolve()
        except (TypeError, ValueError, OSError):
            return None

    prefix = str(tests) + os.sep

    def inside(path) -> bool:
        # A string comparison first: resolving the path of each of TensorFlow's thousands
        # of modules took a third of a second per page.
        return isinstance(path, str) and (os.path.abspath(path) + os.sep).startswith(prefix)

    for name, module in list(sys.modules.items()):
        where = [getattr(module, "__file__", None), *list(getattr(module, "__path__", None) or [])]
        ours = name == "tests" or name.startswith("tests.")
        if any(inside(p) for p in filter(None, where)) or ours and any(
                p is not None and (p == tests or tests in p.parents) for p in map(place, filter(None, where))):
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if not p or place(p) != root]
    for path in list(sys.path_importer_cache):
        if path and place(path) == root:
            del sys.path_importer_cache[path]
    importlib.invalidate_caches()


def page_main(conn, workdir: str) -> None:
    """Serve one page: run each fence the worker sends, in order, until told to stop."""
    os.chdir(workdir)  # an empty folder the worker removes: files a page writes land there
    _fresh_process_state()
    execute.use_unbuffered_streams()
    _out_of_reach()
    namespace = {"__name__": "__main__"}
    shown: set = set()  # warnings already shown on this page: once per code location
    while True:
        try:
            request = conn.recv()
        except EOFError:
            break
        if request is None:
            break
        conn.send(run_fence(request, namespace, shown))
    conn.close()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: TensorFlow's can take seconds
