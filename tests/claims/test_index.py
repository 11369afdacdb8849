"""Claims of docs/index.md about Keras and TensorFlow (the harness's own settings, also
described there, are checked by tests/test_harness.py)."""

import os
import subprocess
import sys
from pathlib import Path

from tests.claims.claims import claim


@claim("index.md",
       "`model.summary()` follows the width of the terminal it prints to.")
def test_summary_follows_the_terminal_width(monkeypatch, capsys):
    import keras

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    widths = {}
    for columns in ("64", "80"):
        monkeypatch.setenv("COLUMNS", columns)
        model.summary()
        widths[columns] = max(len(line) for line in capsys.readouterr().out.splitlines())
    assert widths["64"] < widths["80"] <= 80


@claim("index.md",
       "calls `keras.utils.set_random_seed()` (it seeds Python's, NumPy's and TensorFlow's "
       "random generators) in code you can see,")
def test_set_random_seed_seeds_python_numpy_and_tensorflow():
    import random

    import keras
    import numpy as np
    import tensorflow as tf

    def draw():
        return random.random(), np.random.rand(), float(tf.random.uniform(()))

    keras.utils.set_random_seed(3)
    first = draw()
    keras.utils.set_random_seed(3)
    assert draw() == first
    keras.utils.set_random_seed(4)
    assert all(a != b for a, b in zip(draw(), first))


@claim("index.md",
       "on Linux x86-64 CPUs without AVX512-VNNI, AVX512-BF16, AVX-VNNI or AMX (many laptops "
       "and CI runners) TensorFlow uses its own kernels instead, which round differently "
       "again;")
def test_onednn_is_on_by_default_exactly_on_the_cpus_named():
    # One machine shows one side of the rule: this test compares TensorFlow's choice on the
    # CPU it runs on with the rule (TensorFlow's DefaultOneDnnPolicy in tensorflow/core/util/port.cc).
    from tensorflow.python.util import _pywrap_util_port

    flags = set()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
    named = {"avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile"}
    setting = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if setting is None:
        expected = bool(flags & named)
    else:
        expected = setting.lower() in ("1", "true")
    assert _pywrap_util_port.IsMklEnabled() == expected


@claim("index.md",
       "Python's default filters apply, as they do to any script you run: a "
       "`DeprecationWarning` raised inside a library stays hidden, one raised by the page's own "
       "code shows.")
def test_default_filters_hide_library_deprecations_only(tmp_path):
    (tmp_path / "library.py").write_text(
        "import warnings\n"
        "def old():\n"
        "    warnings.warn('library', DeprecationWarning)\n")
    script = ("import warnings, library\n"
              "library.old()\n"
              "warnings.warn('script', DeprecationWarning)\n")
    shown = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                           text=True, env={"PATH": os.environ.get("PATH", "")}, check=True).stderr
    assert "script" in shown and "library" not in shown
