"""Claims of docs/training/common-mistakes.md that its own code does not show."""

import inspect
import math
import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests.claims.claims import claim, held_range, optimizer_built_before_fit, seeds_sentence

PAGE = "training/common-mistakes.md"
SNIPPETS = Path(__file__).resolve().parents[2] / "snippets" / "common-mistakes"
SEEDS = range(5)
# Rounding on another CPU (oneDNN on or off, AVX2 or AVX-512) moves a trained accuracy by
# a few samples: a seed whose comparison is within this many may count either way.
SAMPLES_WITHIN_ROUNDING = 5


def small(keras, *last_layers):
    from keras import layers

    return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(10), *last_layers])


X = np.random.default_rng(0).random((8, 4), dtype="float32")
Y = np.arange(8)


def warns_in_fit(keras, model):
    model.compile(optimizer="sgd",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, Y, verbose=0)
    return any("received `from_logits=True`" in str(w.message) for w in caught)


@claim(PAGE,
       "Keras warns when the probabilities come from its own softmax (the `softmax` "
       "activation, a `Softmax` layer, or `keras.ops.softmax` in a layer of your own) and, "
       "inside `fit()`, where it can see which operation made them, also from "
       "TensorFlow's `tf.nn.softmax`.",
       "It then computes the loss from the softmax's input, so here the loss is still "
       "right.",
       "A softmax that Keras neither computed nor sees gets a second softmax, with no "
       "warning: probabilities in a NumPy array (as `predict()` returns them) or a "
       "softmax written out by hand (`exp` divided by its sum).")
def test_which_softmax_keras_detects():
    import keras
    import tensorflow as tf
    from keras import layers

    class OpsSoftmax(layers.Layer):
        def call(self, z):
            return keras.ops.softmax(z)

    class TfSoftmax(layers.Layer):
        def call(self, z):
            return tf.nn.softmax(z)

    class HandSoftmax(layers.Layer):
        def call(self, z):
            e = keras.ops.exp(z)
            return e / keras.ops.sum(e, axis=-1, keepdims=True)

    detected = {
        "activation": warns_in_fit(keras, keras.Sequential(
            [keras.Input(shape=(4,)), layers.Dense(10, activation="softmax")])),
        "layer": warns_in_fit(keras, small(keras, layers.Softmax())),
        "keras.ops": warns_in_fit(keras, small(keras, OpsSoftmax())),
        "tf.nn in fit": warns_in_fit(keras, small(keras, TfSoftmax())),
        "by hand": warns_in_fit(keras, small(keras, HandSoftmax())),
    }
    assert detected == {"activation": True, "layer": True, "keras.ops": True,
                        "tf.nn in fit": True, "by hand": False}

    # outside fit() (eagerly), tf.nn.softmax is not recognised; Keras's own still is
    logits = tf.constant(np.random.default_rng(1).normal(size=(8, 10)), "float32")
    told_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    right = float(told_logits(Y, logits))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rescued = float(told_logits(Y, keras.ops.softmax(logits)))
        assert len(caught) == 1
    assert math.isclose(rescued, right, rel_tol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for silent in (tf.nn.softmax(logits), np.asarray(keras.ops.softmax(logits))):
            assert not math.isclose(float(told_logits(Y, silent)), right, rel_tol=1e-2)


@claim(PAGE,
       "It speaks of `NaN` (\"not a number\"), the floating-point value that undefined "
       "arithmetic such as 0 / 0 produces; arithmetic on it gives `NaN` again:")
def test_nan():
    with np.errstate(invalid="ignore"):
        nan = np.float32(0) / np.float32(0)
    assert np.isnan(nan)
    assert all(np.isnan(v) for v in (nan + 1, nan * 0, nan - nan, np.exp(nan)))


@claim(PAGE,
       "on a GPU `fit()` compiles the training step with XLA, TensorFlow's optimising "
       "compiler, by default (`jit_compile=\"auto\"`), which need not use that kernel.")
def test_fit_uses_xla_by_default_when_a_gpu_is_present(monkeypatch):
    import keras
    import tensorflow as tf

    assert inspect.signature(keras.Model.compile).parameters["jit_compile"].default == "auto"
    model = small(keras)
    model.compile(optimizer="sgd", loss="mse")
    assert model.jit_compile is False  # this machine has no GPU
    devices = [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU"),
               tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")]
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda *args: devices)
    model = small(keras)
    model.compile(optimizer="sgd", loss="mse")
    assert model.jit_compile is True


@claim(PAGE,
       "Whatever produces it, `fit()` does not stop for a `NaN` loss by itself: it trains "
       "on, and the weights become `NaN` too.",
       "The **callback** `keras.callbacks.TerminateOnNaN()` (an object whose code `fit()` "
       "runs at set points, here after each batch, [glossary](../glossary.md#callback)) "
       "stops training at the first `NaN` loss.")
def test_nan_loss_does_not_stop_fit_but_terminate_on_nan_does():
    import keras

    x = X.copy()
    x[0, 0] = np.nan  # one bad sample in the first batch of 4
    model = small(keras)
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    history = model.fit(x, Y, batch_size=4, epochs=3, shuffle=False, verbose=0).history
    assert len(history["loss"]) == 3 and all(np.isnan(history["loss"]))
    assert all(np.isnan(w).all() for w in model.get_weights())

    class CountBatches(keras.callbacks.Callback):
        batches = 0

        def on_train_batch_end(self, batch, logs=None):
            CountBatches.batches += 1

    model = small(keras)
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    model.fit(x, Y, batch_size=4, epochs=3, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.TerminateOnNaN(), CountBatches()])
    assert CountBatches.batches == 1


@claim(PAGE,
       "What happened: told that the outputs are probabilities, Keras (on this backend) "
       "clips each one to `[1e-7, 1 - 1e-7]`, takes its logarithm, and computes the "
       "cross-entropy of those logarithms with a softmax, which divides each clipped value "
       "by the sum of its row.",
       "A clipped value passes no gradient back.",
       "Clipping alone would give -ln(1e-7), the loss of a probability of 1e-7 for the "
       "right class:")
def test_probability_loss_clips_then_renormalises():
    import keras
    import tensorflow as tf

    # the third row's right class, 1e-9, is clipped up to 1e-7 and barely renormalised
    # (the rest sum to 1), so its loss shows the bound itself: with another bound (1e-6),
    # the first two rows would not change (their clipped values cancel in the sum)
    outputs = np.array([[0.5, 2.0, -1.0, 0.25], [-3.0, -2.0, -5.0, -1e-3],
                        [1e-9, 0.3, 0.6, 0.1]], "float32")
    labels = np.array([0, 1, 0])
    clipped = np.clip(outputs, 1e-7, 1 - 1e-7)
    renormalised = clipped / clipped.sum(axis=1, keepdims=True)
    expected = -np.log(renormalised[np.arange(3), labels])
    loss = keras.losses.sparse_categorical_crossentropy(labels, outputs)
    assert np.allclose(loss, expected, rtol=1e-5)
    assert math.isclose(float(loss[1]), math.log(4), rel_tol=1e-5)  # all clipped
    # what clipping without renormalising would give: a probability of 1e-7
    assert -math.log(1e-7) > 16 and math.isclose(float(loss[2]), -math.log(1e-7), rel_tol=1e-5)

    variable = tf.Variable(outputs)
    with tf.GradientTape() as tape:
        value = keras.losses.sparse_categorical_crossentropy(labels, variable)
    gradient = tape.gradient(value, variable).numpy()
    outside = (outputs < 1e-7) | (outputs > 1 - 1e-7)
    assert np.all(gradient[outside] == 0) and np.all(gradient[~outside] != 0)


@claim(PAGE, "The same goes for `tf.train.RMSPropOptimizer` and its siblings.")
def test_tf1_optimizers_are_gone():
    import tensorflow as tf

    for name in ("RMSPropOptimizer", "GradientDescentOptimizer", "MomentumOptimizer",
                 "AdagradOptimizer"):
        assert not hasattr(tf.train, name)


@claim(PAGE,
       "`compile()` accepts any string, and the mistake surfaces only when training "
       "starts:")
def test_compile_accepts_an_unknown_loss_string():
    import keras

    model = small(keras)
    model.compile(optimizer="adam", loss="sgd")  # no error yet
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        model.fit(X, Y, verbose=0)


@claim(PAGE, "`predict()` takes inputs only; its second positional argument is "
             "`batch_size`.")
def test_predict_signature():
    import keras

    parameters = list(inspect.signature(keras.Model.predict).parameters)
    assert parameters[:3] == ["self", "x", "batch_size"]


@claim(PAGE,
       "Freezing a layer (`layer.trainable = False`, so that training leaves its weights "
       "alone) after the model has trained does not stop `fit()` from updating it: the "
       "training step that the first `fit()` built keeps the old list of trainable "
       "weights.",
       "**Fix:** call `compile()` again after changing `trainable`.")
def test_trainable_counts_after_compiling_again():
    import keras
    from keras import layers

    model = small(keras, layers.Dense(10))
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    model.fit(X, Y, verbose=0)
    layer = model.layers[0]
    layer.trainable = False
    before = layer.get_weights()
    model.fit(X, Y, verbose=0)  # the training step built by the first fit() still updates it
    assert not all(np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    before = layer.get_weights()
    model.fit(X, Y, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


@claim(PAGE, "Trained from seeds 0 to 4 by this site's tests, `from_logits=True` reached "
             "the higher accuracy on 5 of 5 seeds.")
def test_from_logits_true_wins_on_seeds():
    run = runpy.run_path(str(SNIPPETS / "from_logits_run.py"))
    differences = []  # accuracy with from_logits=True minus with False, per seed
    for seed in SEEDS:
        with optimizer_built_before_fit():
            accuracy = {flag: run["train"](flag, seed=seed)[3] for flag in (False, True)}
        differences.append(accuracy[True] - accuracy[False])
    margin = SAMPLES_WITHIN_ROUNDING / len(run["digits_y"])  # the digits it is measured on
    seeds_sentence(PAGE, "Trained from seeds 0 to 4 by this site's tests, "
                         "`from_logits=True` reached the higher accuracy on 5 of 5 seeds.",
                   held_range(differences, margin), len(SEEDS))


@claim(PAGE, "Trained from seeds 0 to 4 by this site's tests, the scaled pixels gave the "
             "higher validation accuracy on 5 of 5 seeds.")
def test_scaled_pixels_win_on_seeds(capsys):
    run = runpy.run_path(str(SNIPPETS / "pixel_scaling.py"))
    capsys.readouterr()
    accuracy, pixels = run["validation_accuracy"], run["pixels"]
    with optimizer_built_before_fit():
        differences = [accuracy(pixels / 255, seed) - accuracy(pixels, seed) for seed in SEEDS]
    validation = len(run["pixel_labels"]) - 2000  # the images it did not train on
    margin = SAMPLES_WITHIN_ROUNDING / validation
    seeds_sentence(PAGE, "Trained from seeds 0 to 4 by this site's tests, the scaled "
                         "pixels gave the higher validation accuracy on 5 of 5 seeds.",
                   held_range(differences, margin), len(SEEDS))


@claim(PAGE,
       "Keras 2, which TensorFlow still offers as the `tf_keras` package, was more lenient, "
       "and worse: its `tf_keras.optimizers.Adam(lr=0.02)` logs a warning that `lr` is "
       "deprecated and then ignores it, training at the default rate of 0.001 (only the "
       "older `tf_keras.optimizers.legacy.Adam` still uses `lr`).")
def test_keras_2_warns_about_lr_then_ignores_it(caplog):
    import tf_keras

    with caplog.at_level("WARNING"):
        current = tf_keras.optimizers.Adam(lr=0.02)
    assert "`lr` is deprecated" in caplog.text
    assert np.isclose(float(current.learning_rate), 0.001)
    with pytest.warns(UserWarning, match="`lr` argument is deprecated"):
        legacy = tf_keras.optimizers.legacy.Adam(lr=0.02)
    assert np.isclose(float(legacy.learning_rate), 0.02)
