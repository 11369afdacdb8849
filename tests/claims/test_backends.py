"""Claims of docs/reference/backends.md that its own code does not show.

The pytest worker runs Keras on TensorFlow. What needs a fresh interpreter runs in one
subprocess, to pay for starting Python and importing TensorFlow and JAX once: it starts
without ``KERAS_BACKEND`` (what ``import tensorflow`` imports), switches to JAX with
``keras.config.set_backend``, and then, on the fresh Keras that switch imported, checks
what needs JAX (``stateless_call``, a ``tf.distribute`` scope, ``DataParallel`` on the two
CPU devices that ``XLA_FLAGS`` asks JAX for). How ``keras.json`` and ``KERAS_BACKEND``
decide is checked by executing Keras's own configuration module again, as ``import keras``
executes it, under the environment and folder each case needs.
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
from tests.claims.probes import SHUFFLE_IGNORED, fit_warnings

PAGE = "reference/backends.md"

# Saving a model converts its variables with np.array(), which TensorFlow's variables
# answer with NumPy 2's copy-keyword DeprecationWarning (as in test_custom_layers.py).
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def _backend_chosen(monkeypatch, keras_home, backend_variable=None):
    """The backend Keras's configuration module picks when it runs with this
    environment: the code ``import keras`` runs, executed again under another name."""
    import keras.src.backend.config as config

    if keras_home is None:
        monkeypatch.delenv("KERAS_HOME", raising=False)
    else:
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
       "otherwise the `\"backend\"` entry of `keras.json` in Keras's folder: the folder the "
       "environment variable `KERAS_HOME` names, or else `~/.keras/` (`/tmp/.keras/` when "
       "the home folder is not writable);",
       "otherwise `tensorflow`.",
       "The environment variable wins over `keras.json`.",
       "When `keras.json` does not exist, the first `import keras` writes it (where it can), "
       "with `\"backend\": \"tensorflow\"` even when `KERAS_BACKEND` names another backend: "
       "the file records the default, not the variable.")
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

    # Without KERAS_HOME: ~/.keras, or /tmp/.keras where the home folder is read-only.
    monkeypatch.delenv("KERAS_HOME")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert _backend_chosen(monkeypatch, None) == "tensorflow"
    assert json.loads((home / ".keras" / "keras.json").read_text())["backend"] == "tensorflow"
    monkeypatch.setattr(os, "access", lambda path, mode: path != str(home))
    spec = importlib.util.spec_from_file_location("keras_config_ro", config.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.keras_home() == os.path.join("/tmp", ".keras")


@claim(PAGE,
       "Keras 3.15 also accepts `numpy` and `openvino`, which run models but cannot train "
       "them: their `fit()` raises `NotImplementedError`.")
def test_numpy_and_openvino_backends_do_not_train():
    import ast

    import keras.src.backend as backends

    folder = os.path.dirname(backends.__file__)
    with open(os.path.join(folder, "__init__.py")) as f:
        imports = f.read()
    for backend in ("numpy", "openvino"):
        assert f'elif backend() == "{backend}":' in imports
        with open(os.path.join(folder, backend, "trainer.py")) as f:
            tree = ast.parse(f.read())
        fits = [node for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name == "fit"]
        assert len(fits) == 1
        first = fits[0].body[0]
        assert isinstance(first, ast.Raise) and first.exc.func.id == "NotImplementedError"


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
    keras.utils.set_random_seed(0)
    dense = keras.layers.Dense(2)
    print("initializer seed on tensorflow:", dense.kernel_initializer.seed)
    print("uniform on tensorflow:", keras.random.uniform((3,), seed=7).numpy().tolist())
    os.environ["KERAS_BACKEND"] = "torch"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.config.set_backend("jax")
    print("warning:", "dangerous" in str(caught[0].message))
    print("variable:", os.environ["KERAS_BACKEND"])
    print("earlier name:", earlier.config.backend())
    import keras
    print("again:", keras.config.backend(), earlier is keras)
    print("old layer:", type(layer.kernel.value).__name__)
    print("new tensor:", type(keras.ops.ones((2,))).__name__)

    # From here on: the Keras that set_backend imported, on JAX, which sees the two CPU
    # devices XLA_FLAGS asks for.
    import numpy as np
    from keras.src.backend.jax.trainer import _distribute_data

    keras.utils.set_random_seed(0)
    dense = keras.layers.Dense(2)
    print("initializer seed on jax:", dense.kernel_initializer.seed)
    print("uniform on jax:", np.asarray(keras.random.uniform((3,), seed=7)).tolist())

    x = np.linspace(0, 1, 256, dtype="float32").reshape(64, 4)
    y = x.sum(axis=1, keepdims=True)


    def small_model():
        model = keras.Sequential([keras.Input(shape=(4,)),
                                  keras.layers.BatchNormalization(),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        return model


    model = small_model()
    before = [v.numpy().copy() for v in model.variables]
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    out, new_non_trainable = model.stateless_call(
        trainable, non_trainable, x, training=True)
    moved = [not np.allclose(a, b) for a, b in zip(non_trainable, new_non_trainable)]
    print("stateless_call:", tuple(out.shape), len(new_non_trainable), any(moved))
    optimizer = keras.optimizers.SGD(0.1)
    optimizer.build(model.trainable_variables)
    grads = [keras.ops.ones_like(t) for t in trainable]
    result = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], grads, trainable)
    new_trainable, new_optimizer = result
    print("stateless_apply:", len(result), len(new_trainable) == len(trainable),
          len(new_optimizer) == len(optimizer.variables),
          np.allclose(new_trainable[0], trainable[0] - 0.1))
    print("variables untouched:",
          all(np.array_equal(a, v.numpy()) for a, v in zip(before, model.variables)))

    keras.utils.set_random_seed(0)
    plain = small_model()
    plain_loss = plain.fit(x, y, batch_size=16, shuffle=False, verbose=0).history["loss"]
    keras.utils.set_random_seed(0)
    with tf.distribute.MirroredStrategy().scope():
        scoped = small_model()
        scoped_loss = scoped.fit(x, y, batch_size=16, shuffle=False,
                                 verbose=0).history["loss"]
    print("strategy scope:", type(scoped.layers[-1].kernel.value).__name__,
          len(scoped.layers[-1].kernel.value.devices()), scoped_loss == plain_loss)

    early = small_model()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    print("devices:", keras.distribution.list_devices())
    try:
        early.fit(x, y, batch_size=32, verbose=0)
        print("made before:", "fit ran")
    except ValueError as error:
        print("made before:", str(error).split(".")[0])
    late = small_model()
    kernel = late.layers[-1].kernel.value
    print("made after:", kernel.sharding.is_fully_replicated, len(kernel.devices()))
    batch, _, _ = _distribute_data((x[:32], y[:32], None))
    print("batch:", tuple(batch.sharding.spec),
          sorted(tuple(s.data.shape) for s in batch.addressable_shards))
""")


@pytest.fixture(scope="module")
def fresh_process(tmp_path_factory):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2",
           "KERAS_HOME": str(tmp_path_factory.mktemp("keras_home")),
           "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    env.pop("KERAS_BACKEND", None)
    env.pop("TF_USE_LEGACY_KERAS", None)
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
       "`keras.config.set_backend(\"jax\")` switches a running process: it sets "
       "`KERAS_BACKEND` to `jax` (so processes started later inherit it), deletes every "
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
    assert 'os.environ["KERAS_BACKEND"] = backend' in source
    assert fresh_process["warning"] == "True"
    assert fresh_process["variable"] == "jax"
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
    assert any(SHUFFLE_IGNORED in m for m in fit_warnings(model, dataset, epochs=1))
    shuffle_false = fit_warnings(model, dataset, epochs=1, shuffle=False)
    assert not any("shuffle" in m for m in shuffle_false)


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
       "and expects `(logs, state)` back, the metrics to log and the new state.",
       "The state holds the trainable, non-trainable, optimizer and metric variables as "
       "arrays;")
def test_jax_train_step_signature():
    from keras.src.backend.jax.trainer import JAXTrainer

    assert list(inspect.signature(JAXTrainer.train_step).parameters) == [
        "self", "state", "data"]
    source = inspect.getsource(JAXTrainer.train_step)
    assert "return logs, state" in source
    assert "".join(source.split()).startswith(
        "deftrain_step(self,state,data):(trainable_variables,non_trainable_variables,"
        "optimizer_variables,metrics_variables,)=state")


@claim(PAGE,
       "With `TF_USE_LEGACY_KERAS=1` and the `tf_keras` package installed, `tf.keras` is "
       "Keras 2 (`tf_keras`) instead, on TensorFlow whatever `KERAS_BACKEND` says (see "
       "[migrating from Keras 2](migrating-from-keras-2.md)).")
def test_legacy_variable_makes_tf_keras_keras_2(monkeypatch):
    import tf_keras
    from tensorflow.python.util.lazy_loader import KerasLazyLoader

    # What `tf.keras` is: TensorFlow's loader, which resolves the name on first use.
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    loader = KerasLazyLoader({})
    assert loader.__name__ == "tf_keras.api._v2.keras"
    assert loader.layers.Dense.__module__.startswith("tf_keras.")
    assert tf_keras.__version__.startswith("2.")


@claim(PAGE,
       "`set_random_seed(0)` seeds Python's `random`, NumPy and TensorFlow (TensorFlow even "
       "under JAX, for `tf.data`), and each initializer takes its seed from Python's "
       "`random`: both backends hand the initializers the same seeds.",
       "But each backend turns a seed into numbers with its own algorithm (TensorFlow's "
       "stateless random ops, JAX's `jax.random`), so the first layer's first weights above "
       "differ.")
def test_same_seeds_other_algorithms(fresh_process):
    from keras.src.utils import rng_utils

    source = inspect.getsource(rng_utils.set_random_seed)
    assert "random.seed(seed)" in source and "np.random.seed(seed)" in source
    assert "if tf.available:\n        tf.random.set_seed(seed)" in source
    assert (fresh_process["initializer seed on tensorflow"]
            == fresh_process["initializer seed on jax"])
    on_tf = json.loads(fresh_process["uniform on tensorflow"])
    on_jax = json.loads(fresh_process["uniform on jax"])
    assert not np.allclose(on_tf, on_jax, atol=0.01)


@claim(PAGE,
       "`model.stateless_call()` runs the model on weights passed in as arrays and returns "
       "its output with the new non-trainable weights, so `jax.value_and_grad` can "
       "differentiate the loss with respect to the weights, and "
       "`optimizer.stateless_apply()` returns the updated weights with the optimizer's "
       "updated variables; the model's own variables stay as they were.")
def test_stateless_calls(fresh_process):
    # Output, and BatchNormalization's two moving statistics moved in training mode.
    assert fresh_process["stateless_call"] == "(64, 1) 2 True"
    # (trainable, optimizer variables); the kernel stepped by the learning rate.
    assert fresh_process["stateless_apply"] == "2 True True True"
    assert fresh_process["variables untouched"] == "True"


@claim(PAGE,
       "Set it before the model is built or loaded, as here: a variable is placed on the "
       "mesh when it is made, and with several devices, `fit()` on a model made before "
       "`set_distribution()` fails with a `ValueError` (\"Received incompatible devices for "
       "jitted computation\").",
       "`keras.distribution.DataParallel()` is Keras's own replacement for a "
       "`tf.distribute` strategy: it lays the devices `keras.distribution.list_devices()` "
       "finds (here the one CPU) out in a mesh and splits each batch along its first axis "
       "over them.")
def test_data_parallel_on_two_devices(fresh_process):
    assert fresh_process["devices"] == "['cpu:0', 'cpu:1']"
    assert fresh_process["made before"] == "Received incompatible devices for jitted computation"
    assert fresh_process["made after"] == "True 2"  # replicated on both devices
    assert fresh_process["batch"] == "('batch', None) [(16, 4), (16, 4)]"


@claim(PAGE,
       "A `tf.distribute` strategy's scope, by contrast, changes nothing on JAX: the JAX "
       "backend never consults it, and the model trains on one device as without it.",
       "ignored: a strategy's scope changes nothing on JAX")
def test_tf_distribute_scope_ignored_on_jax(fresh_process):
    import keras.src.backend.jax as jax_backend

    folder = os.path.dirname(jax_backend.__file__)
    for name in os.listdir(folder):
        if name.endswith(".py"):
            with open(os.path.join(folder, name)) as f:
                text = f.read()
            assert "distribute_strategy" not in text and "tf.distribute" not in text
    assert fresh_process["strategy scope"] == "ArrayImpl 1 True"


@claim(PAGE,
       "A custom training step on PyTorch keeps TensorFlow's signature, "
       "`train_step(self, data)`, and takes its gradients from `torch.autograd` "
       "(`loss.backward()`) instead of `tf.GradientTape` or `jax.value_and_grad`: see")
def test_torch_train_step_signature():
    import ast

    import keras.src.backend as backends

    path = os.path.join(os.path.dirname(backends.__file__), "torch", "trainer.py")
    with open(path) as f:
        source = f.read()
    steps = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.FunctionDef) and node.name == "train_step"]
    assert [a.arg for a in steps[0].args.args] == ["self", "data"]
    assert "loss.backward()" in source
