"""Claims of docs/reference/sequential-model.md that its code does not show."""

import importlib.metadata
import os
import re
import subprocess
import sys
import warnings

import pytest

from tests.claims.claims import claim


# Keras converts variables with np.array(..., copy=False), which NumPy 2 reports as
# deprecated from inside Keras; Python's default filters hide it from a reader's script.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


@claim("reference/sequential-model.md",
       "Keras numbers them in the order layers are created in the process (`dense`, "
       "`dense_1`, ...), so the names depend on what ran before, not on how the model was "
       "built.")
def test_automatic_names_count_per_process():
    import keras

    keras.utils.clear_session()
    first = keras.layers.Dense(1)
    keras.layers.Dense(1)  # created, never used
    third = keras.layers.Dense(1)
    model = keras.Sequential([keras.Input(shape=(2,)), third, first])
    assert [layer.name for layer in model.layers] == ["dense_2", "dense"]
    keras.utils.clear_session()
    assert keras.layers.Dense(1).name == "dense"


@claim("reference/sequential-model.md",
       "`keras.Input` is not a layer of the model: it only declares the shape of one sample "
       "(without the batch dimension, which Keras adds as `None`).",
       "Without it, Keras waits until the model first sees data.")
def test_input_declares_a_shape_and_data_builds_a_lazy_model():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(2)])
    assert len(model.layers) == 1 and model.input_shape == (None, 5)
    assert not any(isinstance(layer, keras.layers.InputLayer) for layer in model.layers)
    lazy = keras.Sequential([keras.layers.Dense(2)])
    assert not lazy.built
    lazy(np.ones((3, 5), "float32"))
    assert lazy.built and len(lazy.weights) == 2


@claim("reference/sequential-model.md",
       "Replace `input_shape=(784,)` with a `keras.Input(shape=(784,))` first entry and the "
       "warning goes away; the model is the same.")
def test_input_instead_of_input_shape_builds_the_same_model_silently():
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = keras.Sequential([keras.Input(shape=(784,)),
                                keras.layers.Dense(64, activation="relu")])
    with pytest.warns(UserWarning, match="input_shape"):
        old = keras.Sequential([keras.layers.Dense(64, activation="relu",
                                                   input_shape=(784,))])
    assert new.input_shape == old.input_shape and new.output_shape == old.output_shape
    assert [w.shape for w in new.weights] == [w.shape for w in old.weights]


@claim("reference/sequential-model.md",
       "A `Dense` layer works on the last axis of its input.",
       "`None` in a shape is the batch size, left open so that one model takes any number of "
       "samples:")
def test_dense_works_on_the_last_axis_and_any_batch_size():
    import keras
    import numpy as np

    layer = keras.layers.Dense(3)
    x = np.random.default_rng(0).normal(size=(2, 4, 5)).astype("float32")
    out = np.asarray(layer(x))
    kernel, bias = layer.get_weights()
    assert out.shape == (2, 4, 3) and np.allclose(out, x @ kernel + bias, atol=1e-5)
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(2)])
    for batch in (1, 7, 100):
        assert model(np.ones((batch, 5), "float32")).shape == (batch, 2)


@claim("reference/sequential-model.md",
       "The weights are [variables](tensors-and-gradients.md#variables) (tensors that "
       "training updates in place) whose values you can read as NumPy arrays:",
       "A new `Dense` layer starts with random kernel values "
       "([Glorot uniform](../glossary.md#glorot-initialisation)) and zero biases.")
def test_weights_are_variables_updated_in_place():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    layer = model.layers[0]
    assert type(layer.kernel_initializer) is keras.initializers.GlorotUniform
    assert np.all(layer.get_weights()[1] == 0) and np.any(layer.get_weights()[0] != 0)
    kernel = layer.kernel
    before = kernel.numpy().copy()
    assert isinstance(kernel, keras.Variable)
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    assert layer.kernel is kernel and not np.array_equal(kernel.numpy(), before)


@claim("reference/sequential-model.md",
       "`Dropout` zeroes a random share of its inputs, and scales up the rest, during training "
       "only")
def test_dropout_only_in_training():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    dropout = keras.layers.Dropout(0.5)
    x = np.ones((4, 100), "float32")
    assert np.array_equal(dropout(x, training=False), x)
    dropped = np.asarray(dropout(x, training=True))
    assert 0.35 < np.mean(dropped == 0) < 0.65
    assert np.all(dropped[dropped != 0] == 2)  # 1 / (1 - 0.5)


@claim("reference/sequential-model.md",
       "**Total params**: the sum, 101,770, and its size in memory at 4 bytes per float32 "
       "value.",
       "(such as a frozen layer's, or the moving averages of `BatchNormalization`, a layer "
       "that rescales its inputs with statistics it keeps).")
def test_summary_size_and_batch_normalisation_statistics(capsys):
    import keras

    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(128),
                              keras.layers.Dense(10)])
    model.summary(line_length=80)
    assert f"{101770 * 4 / 1024:.2f} KB" in capsys.readouterr().out
    norm = keras.layers.BatchNormalization()
    norm.build((None, 4))
    names = sorted(w.name for w in norm.non_trainable_weights)
    assert names == ["moving_mean", "moving_variance"]


@claim("reference/sequential-model.md",
       "(Calling the model on a batch of data builds it too, but then the summary shows that "
       "batch's size instead of `None`.)")
def test_a_call_builds_with_the_batch_size(capsys):
    import keras
    import numpy as np

    model = keras.Sequential([keras.layers.Dense(3)])
    model(np.ones((7, 5), "float32"))
    model.summary(line_length=80)
    assert "(7, 3)" in capsys.readouterr().out


@claim("reference/sequential-model.md",
       "or applies one layer to two different inputs.",
       "(It can list the same layer object twice in a row, which applies the one layer twice "
       "to the same stream.)")
def test_sequential_can_repeat_a_layer_object():
    import keras
    import numpy as np

    layer = keras.layers.Dense(4)
    model = keras.Sequential([keras.Input(shape=(4,)), layer, layer])
    x = np.random.default_rng(0).random((2, 4), dtype="float32")
    assert model.count_params() == 20
    assert np.allclose(model(x), layer(layer(x)), atol=1e-6)


@claim("reference/sequential-model.md",
       "Give a one-input model two arrays and it warns, then quietly uses only the first:")
def test_a_second_array_is_ignored():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    first = np.random.default_rng(0).random((1, 4), dtype="float32")
    with pytest.warns(UserWarning, match="structure"):
        both = model([first, np.full((1, 3), 100.0, "float32")])
    assert np.array_equal(both, model(first))


@claim("reference/sequential-model.md",
       "A `Sequential` model is itself a layer, so the two styles mix: a `Sequential` stack can "
       "be one step of a functional model.")
def test_a_sequential_model_inside_a_functional_one():
    import keras
    import numpy as np

    stack = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    assert isinstance(stack, keras.layers.Layer)
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(stack(inputs)))
    assert stack in model.layers
    x = np.ones((2, 4), "float32")
    assert model(x).shape == (2, 1)


@claim("reference/sequential-model.md",
       "`tf.keras` is not a copy of Keras inside TensorFlow.",
       "TensorFlow depends on the `keras` package, which pip installs with it, and `tf.keras` "
       "is a module of that package, `keras._tf_keras.keras`: the same Keras 3 classes, so a "
       "model built under either name is the same kind of object.")
def test_tf_keras_is_a_module_of_the_keras_package():
    from pathlib import Path

    import keras
    import tensorflow as tf

    requirements = importlib.metadata.requires("tensorflow")
    assert any(re.match(r"keras\b", r) and "extra ==" not in r for r in requirements)
    module = sys.modules[tf.keras.__name__]
    keras_home = Path(keras.__file__).parent
    assert Path(module.__file__).is_relative_to(keras_home)
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    assert type(model) is keras.Sequential and keras.__version__.startswith("3.")


@claim("reference/sequential-model.md",
       "With the environment variable `TF_USE_LEGACY_KERAS=1` set before TensorFlow is "
       "imported, and the `tf-keras` package installed, `tf.keras` is Keras 2 instead (the "
       "`tf_keras` package), not the Keras 3 these pages show.")
def test_tf_use_legacy_keras_makes_tf_keras_keras_2():
    # The real tf-keras (pinned in requirements), in a fresh interpreter: the variable is read
    # when TensorFlow is imported, so this process, which imported it already, cannot show it.
    code = ("import sys, tensorflow as tf; "
            "print(tf.keras.__name__, tf.keras.Sequential.__module__, "
            "sys.modules['tf_keras'].__version__, 'keras' in sys.modules)")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "CUDA_VISIBLE_DEVICES": "-1"}
    printed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, timeout=120, check=True).stdout.split()
    name, sequential, version, keras_3_imported = printed
    assert name.startswith("tf_keras.") and sequential.startswith("tf_keras.")
    assert version.startswith("2.") and keras_3_imported == "False"
    import keras
    import tensorflow as tf

    assert tf.keras.Sequential is keras.Sequential  # here, without the variable: Keras 3


@claim("reference/sequential-model.md",
       "One array per layer comes back, but Keras warns first: `cnn.inputs` is a list (of "
       "one tensor), so the extractor expects a list of one array.",
       "A NumPy array passed straight to the call gets this warning; a lone tensor does not "
       "(Keras wraps it in the list itself, which is why keras.io's example, run on a tensor "
       "of ones, shows none), and neither does `predict()`, which converts its data to "
       "tensors first.",
       "Give the extractor the tensor itself, `cnn.inputs[0]`, and one array of either kind "
       "will do.",
       "(`cnn.input`, which a functional model has, raises `AttributeError` on a "
       "`Sequential` model, even one built with `keras.Input`.)")
def test_extractor_from_inputs_expects_a_list_and_sequential_has_no_input():
    import keras
    import numpy as np

    cnn = keras.Sequential([keras.Input(shape=(6, 6, 1), name="image"),
                            keras.layers.Conv2D(2, 3, name="conv"),
                            keras.layers.Flatten(name="flat")])
    images = np.ones((2, 6, 6, 1), "float32")
    assert isinstance(cnn.inputs, list) and len(cnn.inputs) == 1
    listed = keras.Model(inputs=cnn.inputs, outputs=[l.output for l in cnn.layers])
    with pytest.warns(UserWarning, match="structure of `inputs` doesn't match"):
        listed(images)
    single = keras.Model(inputs=cnn.inputs[0], outputs=[l.output for l in cnn.layers])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_list = listed([images])
        listed(keras.ops.ones((2, 6, 6, 1)))  # keras.io's call: a tensor, no warning
        listed.predict(images, verbose=0)  # predict: converted first, no warning
        from_tensor = single(images)
        single(keras.ops.ones((2, 6, 6, 1)))
    assert [tuple(f.shape) for f in from_list] == [tuple(f.shape) for f in from_tensor] \
        == [(2, 4, 4, 2), (2, 32)]
    assert single.input is cnn.inputs[0]  # a functional model has .input
    for model in (cnn, keras.Sequential([keras.layers.Dense(2)])):
        with pytest.raises(AttributeError, match="has never been called"):
            model.input
        model.build((None, 6, 6, 1)) if not model.built else model(images)
        with pytest.raises(AttributeError, match="has never been called"):
            model.input  # built, called: still none


@claim("reference/sequential-model.md",
       "The extractor holds no copy: its layers are the model's, weights included, so after "
       "`cnn` trains, it extracts the trained features.")
def test_extractor_shares_layers_and_weights():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    cnn = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, name="hidden"),
                            keras.layers.Dense(1, name="out")])
    extractor = keras.Model(inputs=cnn.inputs[0], outputs=cnn.get_layer("hidden").output)
    assert extractor.get_layer("hidden") is cnn.get_layer("hidden")
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    before = np.array(extractor(x))
    cnn.compile(optimizer="sgd", loss="mse")
    cnn.train_on_batch(x, np.ones((8, 1), "float32"))
    after = np.array(extractor(x))
    assert not np.allclose(before, after)
    kernel, bias = cnn.get_layer("hidden").get_weights()
    assert np.allclose(after, x @ kernel + bias, atol=1e-5)
    assert len(extractor.weights) == 2 and all(
        any(w is v for v in cnn.weights) for w in extractor.weights)


@claim("reference/sequential-model.md",
       "Both need the model's input tensor, which only a model that knows its input shape "
       "has (a `keras.Input` first entry, or `build()` as for `lazy` above):",
       "The layer's `.output` is missing too (`AttributeError: The layer first has never "
       "been called and thus has no defined output.`).")
def test_only_a_model_that_knows_its_input_shape_has_an_input_tensor():
    import keras

    unbuilt = keras.Sequential([keras.layers.Dense(4, name="first")], name="unbuilt")
    with pytest.raises(AttributeError, match="Sequential model 'unbuilt' has no defined inputs yet"):
        unbuilt.inputs
    with pytest.raises(AttributeError,
                       match="The layer first has never been called and thus has no defined output."):
        unbuilt.get_layer("first").output
    lazy = keras.Sequential([keras.layers.Dense(64), keras.layers.Dense(10)])
    lazy.build((None, 784))
    assert [tuple(t.shape) for t in lazy.inputs] == [(None, 784)]
    with_input = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
    assert [tuple(t.shape) for t in with_input.inputs] == [(None, 784)]
    assert tuple(keras.Model(lazy.inputs[0], lazy.layers[0].output).output.shape) == (None, 64)
