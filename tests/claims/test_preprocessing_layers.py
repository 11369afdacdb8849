"""Claims of docs/reference/preprocessing-layers.md that its code does not show."""

import pytest

from tests.claims.claims import claim


# Keras converts variables with np.array(..., copy=False), which NumPy 2 reports as
# deprecated from inside Keras; Python's default filters hide it from a reader's script.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")

RANDOM_LAYERS = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
                 "RandomContrast"]


def random_layer(name):
    import keras

    arguments = {"RandomFlip": (), "RandomRotation": (0.2,), "RandomZoom": (0.3,),
                 "RandomTranslation": (0.2, 0.2), "RandomContrast": (0.5,)}
    return getattr(keras.layers, name)(*arguments[name], seed=1)


def images():
    import numpy as np

    return np.random.default_rng(0).random((4, 16, 16, 3), dtype="float32")


@claim("reference/preprocessing-layers.md", "`Rescaling(scale, offset=0.0)` computes `inputs * scale + offset`.")
def test_rescaling_formula():
    import keras
    import numpy as np

    x = np.arange(12, dtype="float32").reshape(3, 4)
    assert keras.layers.Rescaling(2.0).offset == 0.0
    out = keras.layers.Rescaling(0.5, offset=-3.0)(x)
    assert np.allclose(out, x * 0.5 - 3.0)


@claim("reference/preprocessing-layers.md",
       "`1 / 255` gives values from 0 to 1; `1 / 127.5` with offset -1 gives -1 to 1, the "
       "range some pretrained networks (models trained by others on large data sets, which you "
       "download and reuse) expect, such as MobileNetV2 in `keras.applications`.",
       "`Rescaling` has no weights and needs no data.")
def test_mobilenet_v2_expects_minus_one_to_one_and_rescaling_has_no_weights():
    import keras
    import numpy as np

    pixels = np.array([0.0, 127.5, 255.0], dtype="float32")
    expected = keras.layers.Rescaling(1 / 127.5, offset=-1)(pixels)
    assert np.allclose(keras.applications.mobilenet_v2.preprocess_input(pixels.copy()), expected)
    layer = keras.layers.Rescaling(1 / 255)
    layer(pixels)
    assert layer.weights == [] and not hasattr(layer, "adapt")


@claim("reference/preprocessing-layers.md",
       "The layer's statistics are weights, listed as **non-trainable** (training does not "
       "change them)",
       "Keras 3 keeps it only so that files saved by older versions load, and `adapt()` leaves "
       "it at 0:")
def test_normalization_statistics_stay_fixed_in_training_and_count_is_legacy():
    import inspect

    import keras
    import numpy as np
    from keras.src.layers.preprocessing import normalization

    source = inspect.getsource(normalization.Normalization.build)
    assert "# For backwards compatibility with older saved models." in source
    assert source.index("backwards compatibility") < source.index('name="count"')
    rng = np.random.default_rng(0)
    x, y = rng.normal(3, 2, (64, 5)).astype("float32"), rng.integers(0, 2, 64)
    normalize = keras.layers.Normalization()
    normalize.adapt(x)
    before = [np.array(w) for w in normalize.weights]
    model = keras.Sequential([keras.Input(shape=(5,)), normalize, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert all(not w.trainable for w in normalize.weights)
    assert all(np.array_equal(b, w) for b, w in zip(before, normalize.weights))
    assert int(normalize.count) == 0


@claim("reference/preprocessing-layers.md",
       "The random layers (`RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomTranslation`, "
       "`RandomContrast` and others) alter their input only when called in **training mode**",
       "Called directly **without** a `training` argument, these layers default to training "
       "mode and do alter the images:")
@pytest.mark.parametrize("name", RANDOM_LAYERS)
def test_random_layers_alter_only_in_training_mode_which_is_their_default(name):
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    layer, x = random_layer(name), images()
    assert np.array_equal(layer(x, training=False), x)
    assert not np.array_equal(layer(x, training=True), x)
    assert not np.array_equal(layer(x), x)


@claim("reference/preprocessing-layers.md",
       "`fit()` calls the model in training mode, and `evaluate()` and `predict()` in "
       "inference mode, so the images change during training only.")
def test_fit_trains_evaluate_and_predict_infer():
    import keras
    import numpy as np

    seen = []

    class Probe(keras.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)  # runs when the step is traced
            return inputs

    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    model = keras.Sequential([keras.Input(shape=(3,)), Probe(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    modes = []
    for run in ("fit", "evaluate", "predict"):
        seen.clear()
        if run == "fit":
            model.fit(x, y, verbose=0)
        elif run == "evaluate":
            model.evaluate(x, y, verbose=0)
        else:
            model.predict(x, verbose=0)
        modes.append(set(seen))
    assert modes == [{True}, {False}, {False}]


@claim("reference/preprocessing-layers.md",
       "The one `fit()` logs is measured on augmented images, in training mode, and it is the "
       "mean over the epoch's batches, taken while the weights were still improving;")
def test_fit_reports_the_mean_over_batches_in_training_mode():
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(256, 8)).astype("float32"), rng.integers(0, 2, 256)

    def run(rate, learning_rate):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dropout(rate),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate),
                      loss="binary_crossentropy", metrics=["accuracy"],
                      run_eagerly=True)  # eager: no tracing, faster for 8 steps
        logged = model.fit(x, y, epochs=1, batch_size=32, shuffle=False,
                           verbose=0).history["accuracy"][0]
        return logged, model.evaluate(x, y, verbose=0)[1]

    # weights that do not move, nothing random: the logged value is the accuracy itself,
    # averaged over the batches
    logged, measured = run(0.0, 0.0)
    assert np.isclose(logged, measured, atol=1e-6)
    # training mode (Dropout on) changes what is measured
    logged, measured = run(0.9, 0.0)
    assert not np.isclose(logged, measured, atol=1e-3)
    # weights that move during the epoch: the mean differs from the final weights' accuracy
    logged, measured = run(0.0, 1.0)
    assert not np.isclose(logged, measured, atol=1e-3)


@claim("reference/preprocessing-layers.md",
       "An alternative is to augment in the input pipeline, the code that feeds batches to "
       "`fit()` (with TensorFlow's `tf.data` library, in a `dataset.map` step), which keeps the "
       "random layers out of the saved model;")
def test_random_layers_run_in_a_tf_data_map():
    import keras
    import numpy as np
    import tensorflow as tf

    flip = keras.layers.RandomFlip("horizontal", seed=1)
    x = images()
    dataset = tf.data.Dataset.from_tensor_slices((x, np.zeros(4))).batch(4)
    augmented = dataset.map(lambda images, labels: (flip(images, training=True), labels))
    batch = next(iter(augmented))[0].numpy()
    assert batch.shape == x.shape and not np.array_equal(batch, x)
    model = keras.Sequential([keras.Input(shape=(16, 16, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(augmented, epochs=1, shuffle=False, verbose=0)
    assert not any(isinstance(layer, keras.layers.RandomFlip) for layer in model.layers)


@claim("reference/preprocessing-layers.md",
       "The optimizer is plain **stochastic gradient descent** (`SGD`): each step moves every "
       "weight against its gradient, by the **learning rate** "
       "([glossary](../glossary.md#learning-rate)) times the gradient.")
def test_sgd_step_is_learning_rate_times_gradient():
    import keras
    import numpy as np
    import tensorflow as tf

    weight = keras.Variable(np.array([0.5, -1.5], "float32"))
    gradient = tf.constant([2.0, -4.0])
    keras.optimizers.SGD(learning_rate=0.1).apply([gradient], [weight])
    assert np.allclose(weight.numpy(), [0.5 - 0.2, -1.5 + 0.4])
    assert keras.optimizers.SGD().get_config()["momentum"] == 0.0  # plain: no momentum
