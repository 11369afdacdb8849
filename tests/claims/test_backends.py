"""Claims of docs/reference/backends.md that its own code does not show.

The pytest worker runs Keras on TensorFlow. What needs a fresh interpreter (what
``import tensorflow`` imports, ``keras.config.set_backend``) runs in one subprocess; how
``keras.json`` and ``KERAS_BACKEND`` decide is checked by executing Keras's own
configuration module again, as ``import keras`` executes it, under the environment and
folder each case needs.
"""

import importlib.metadata
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import textwrap
import warnings
import zipfile

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/backends.md"

# Saving a model converts its variables with np.array(), which TensorFlow's variables
# answer with NumPy 2's copy-keyword DeprecationWarning (as in test_custom_layers.py).
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def _backend_chosen(monkeypatch, keras_home, backend_variable=None):
    """The backend Keras's configuration module picks when it runs with this
    environment: the code ``import keras`` runs, executed again under another name."""
    import keras.src.backend.config as config

    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    if backend_variable is None:
        monkeypatch.delenv("KERAS_BACKEND", raising=False)
    else:
        monkeypatch.setenv("KERAS_BACKEND", backend_variable)
    spec = importlib.util.spec_from_file_location("keras_config_again", config.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.backend()


@claim(PAGE,
       "the environment variable `KERAS_BACKEND` (`tensorflow`, `jax` or `torch`), if it is "
       "set;",
       "otherwise the `\"backend\"` entry of `keras.json` in Keras's folder (`~/.keras/`, or "
       "the folder the environment variable `KERAS_HOME` names);",
       "otherwise `tensorflow`.",
       "The environment variable wins over `keras.json`.",
       "When `keras.json` does not exist, the first `import keras` writes it (where it can), "
       "with `\"backend\": \"tensorflow\"`.")
def test_how_the_backend_is_chosen(monkeypatch, tmp_path):
    import keras.src.backend.config as config

    assert config.__file__  # the module import keras runs
    with_file = tmp_path / "with_file"
    with_file.mkdir()
    (with_file / "keras.json").write_text(json.dumps({"backend": "jax"}))
    assert _backend_chosen(monkeypatch, with_file) == "jax"
    assert _backend_chosen(monkeypatch, with_file, "torch") == "torch"
    assert _backend_chosen(monkeypatch, with_file, "tensorflow") == "tensorflow"

    empty = tmp_path / "empty"
    empty.mkdir()
    assert _backend_chosen(monkeypatch, empty) == "tensorflow"
    written = json.loads((empty / "keras.json").read_text())
    assert written["backend"] == "tensorflow"

    # The file is written with the default, not with the variable's backend.
    other = tmp_path / "other"
    other.mkdir()
    assert _backend_chosen(monkeypatch, other, "jax") == "jax"
    assert json.loads((other / "keras.json").read_text())["backend"] == "tensorflow"

    home = os.path.expanduser("~/.keras")
    monkeypatch.delenv("KERAS_HOME")
    assert config.keras_home() in (home, "/tmp/.keras", os.environ.get("KERAS_HOME"))


FRESH = textwrap.dedent("""
    import os, sys, warnings
    os.environ.pop("KERAS_BACKEND", None)
    import tensorflow as tf
    print("after import tensorflow:", "keras" in sys.modules)
    os.environ["KERAS_BACKEND"] = "jax"
    import keras
    print("backend:", keras.config.backend())
    earlier = keras
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.config.set_backend("jax")
    print("warning:", "dangerous" in str(caught[0].message))
    print("modules:", sorted(k for k in sys.modules if k.startswith("keras"))[:1])
    print("earlier name:", earlier.config.backend())
    import keras
    print("again:", keras.config.backend(), earlier is keras)
    print("old layer:", type(layer.kernel.value).__name__)
    print("new tensor:", type(keras.ops.ones((2,))).__name__)
""")


@pytest.fixture(scope="module")
def fresh_process():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("KERAS_BACKEND", None)
    run = subprocess.run([sys.executable, "-c", FRESH], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line)


@claim(PAGE,
       "That includes TensorFlow: `import tensorflow` imports Keras as well (for "
       "`tf.keras`), so a script that imports TensorFlow first has chosen its backend "
       "before its own `import keras` runs.")
def test_import_tensorflow_fixes_the_backend(fresh_process):
    assert fresh_process["after import tensorflow"] == "True"
    assert fresh_process["backend"] == "tensorflow"


@claim(PAGE,
       "`keras.config.set_backend(\"jax\")` switches a running process: it deletes every "
       "`keras` module from `sys.modules`, imports Keras again and warns that this is "
       "dangerous.",
       "The name `keras` your code bound earlier still reads the old backend until you "
       "import Keras again, and layers, models and tensors made before keep the old "
       "backend's types.")
def test_set_backend(fresh_process):
    import keras
    from keras.src.utils import backend_utils

    source = inspect.getsource(backend_utils.set_backend)
    assert "del sys.modules[key]" in source and 'startswith("keras")' in source
    assert fresh_process["warning"] == "True"
    assert fresh_process["earlier name"] == "tensorflow"
    assert fresh_process["again"] == "jax False"
    assert fresh_process["old layer"] == "ResourceVariable"
    assert fresh_process["new tensor"] == "ArrayImpl"
    assert keras.config.backend() == "tensorflow"  # this worker, untouched


@claim(PAGE, "The JAX backend needs the `jax` package, which installs `jaxlib` with it:")
def test_jax_requires_jaxlib():
    requirements = importlib.metadata.requires("jax")
    assert any(r.startswith("jaxlib") and "extra ==" not in r for r in requirements)


@claim(PAGE,
       "`tf.keras` is only another name for the `keras` package (`keras._tf_keras.keras`, "
       "the same classes plus some Keras 2 names), whatever the backend.")
def test_tf_keras_is_keras_plus_keras_2_names():
    import keras
    import tensorflow as tf

    assert tf.keras.__name__ == "keras._tf_keras.keras"
    assert tf.keras.Sequential is keras.Sequential
    assert tf.keras.layers.Dense is keras.layers.Dense
    extra = set(dir(tf.keras.backend)) - set(dir(keras.backend))
    assert "mean" in extra and not hasattr(keras.backend, "mean")


@claim(PAGE,
       "A `.keras` file holds the model's configuration (JSON) and its weights (HDF5, as "
       "plain arrays), and nothing that depends on the backend that saved it: the file "
       "saved under TensorFlow loads under JAX.")
def test_keras_file_names_no_backend(tmp_path):
    import h5py
    import keras

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json",
                                              "model.weights.h5"]
        text = (archive.read("config.json") + archive.read("metadata.json")).decode()
        archive.extract("model.weights.h5", tmp_path)
    assert set(json.loads(archive_metadata(path))) == {"keras_version", "date_saved"}
    for word in ("tensorflow", "jax", "torch", "backend"):
        assert word not in text.lower()
    arrays = []
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        weights.visititems(lambda name, item: arrays.append(item[()])
                           if isinstance(item, h5py.Dataset) else None)
    assert len(arrays) == 2 and all(isinstance(a, np.ndarray) for a in arrays)


def archive_metadata(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("metadata.json")


@claim(PAGE,
       "by default `fit()` shuffles the batches of a `PyDataset`, and on a "
       "`tf.data.Dataset` it warns that it ignores `shuffle=True`.")
def test_fit_shuffles_pydataset_and_warns_on_tf_data():
    import keras
    import tensorflow as tf

    x = np.arange(64, dtype="float32").reshape(16, 4)
    y = np.zeros((16, 1), dtype="float32")
    asked = []

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 8

        def __getitem__(self, index):
            asked.append(index)
            return x[index * 2:index * 2 + 2], y[index * 2:index * 2 + 2]

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(Batches(), epochs=3, shuffle=False, verbose=0)
    in_order, asked[:] = asked[:], []
    # Keras reads a first batch for its shapes, then every epoch in order.
    assert in_order[-24:] == list(range(8)) * 3
    keras.utils.set_random_seed(0)
    model.fit(Batches(), epochs=3, verbose=0)
    assert sorted(asked[-24:]) == sorted(in_order[-24:])
    assert asked[-24:] != in_order[-24:]

    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(dataset, epochs=1, verbose=0)
    assert any("`shuffle=True` was passed, but will be ignored" in str(w.message)
               for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(dataset, epochs=1, shuffle=False, verbose=0)
    assert not any("shuffle" in str(w.message) for w in caught)


@claim(PAGE,
       "`keras.distribution.DataParallel()` is Keras's own replacement for a "
       "`tf.distribute` strategy: it lays the devices `keras.distribution.list_devices()` "
       "finds (here the one CPU) out in a mesh and splits each batch along its first axis "
       "over them.")
def test_data_parallel_mesh_and_batch_layout():
    import keras

    devices = keras.distribution.list_devices()
    parallel = keras.distribution.DataParallel()
    assert list(parallel.device_mesh.devices.flatten()) == devices
    assert parallel.device_mesh.shape == (len(devices),)
    layout = parallel.get_data_layout((64, 10))
    assert layout.axes[0] == parallel.device_mesh.axis_names[0]
    assert all(axis is None for axis in layout.axes[1:])


@claim(PAGE,
       "`model.export()` writes a TensorFlow SavedModel from a JAX model too, by converting "
       "the JAX computation to TensorFlow; it needs TensorFlow installed, and loading the "
       "SavedModel logs a warning about gradients that were not saved (serving needs none).")
def test_jax_export_converts_with_jax2tf():
    import keras.src.backend.jax.export as jax_export

    source = inspect.getsource(jax_export)
    assert "jax2tf.convert(" in source and "import tensorflow as tf" in source


@claim(PAGE,
       "the JAX trainer passes the model's state as well, `train_step(self, state, data)`, "
       "and expects the new state back.")
def test_jax_train_step_signature():
    from keras.src.backend.jax.trainer import JAXTrainer

    assert list(inspect.signature(JAXTrainer.train_step).parameters) == [
        "self", "state", "data"]
    source = inspect.getsource(JAXTrainer.train_step)
    assert "return logs, state" in source
