"""Claims of docs/reference/preprocessing-layers.md that its code does not show."""

import numpy as np
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


def _photos():
    from sklearn.datasets import load_sample_images

    return np.stack(load_sample_images().images)[:, ::4, ::4]  # 107 x 160, uint8


@claim("reference/preprocessing-layers.md",
       "Called directly, it keeps an integer dtype: the 8-bit photos come back as `uint8`, "
       "the interpolated values rounded.",
       "Floating point input of any precision comes back as the layer's `float32`.")
def test_resizing_keeps_the_input_dtype_and_rounds():
    import keras

    photos = _photos()
    resized = np.asarray(keras.layers.Resizing(30, 45)(photos))
    from_float = np.asarray(keras.layers.Resizing(30, 45)(photos.astype("float32")))
    assert resized.dtype == np.uint8
    for integer in ("int32", "int64"):
        assert np.asarray(keras.layers.Resizing(30, 45)(photos.astype(integer))).dtype == integer
    # floats are cast to the layer's compute dtype as they enter, like any layer's
    for floating in ("float16", "float64"):
        out = np.asarray(keras.layers.Resizing(30, 45)(photos.astype(floating)))
        assert out.dtype == np.float32
    assert np.array_equal(resized, np.clip(np.round(from_float), 0, 255).astype("uint8"))
    assert not np.array_equal(resized, from_float.astype("uint8"))  # rounded, not cut


@claim("reference/preprocessing-layers.md",
       "In a model the output is `float32`: `keras.Input` is `float32` by default and converts "
       "the photos as they enter.",
       "And wherever TensorFlow runs the layer as a graph (in `predict()` and `fit()`, or in a "
       "`tf.data` pipeline with `dataset.map`), the layer converts its input to its own dtype, "
       "`float32`, before resizing, whatever the input's dtype.")
def test_resizing_dtype_in_a_model_and_in_a_graph():
    import keras
    import tensorflow as tf

    photos = _photos()
    assert keras.Input(shape=(2,)).dtype == "float32"
    as_float = keras.Sequential([keras.Input(shape=(None, None, 3)), keras.layers.Resizing(8, 8)])
    as_uint8 = keras.Sequential([keras.Input(shape=(None, None, 3), dtype="uint8"),
                                 keras.layers.Resizing(8, 8)])
    assert np.asarray(as_float(photos)).dtype == np.float32
    assert np.asarray(as_uint8(photos)).dtype == np.uint8  # called eagerly: kept
    assert as_uint8.predict(photos, verbose=0).dtype == np.float32  # in a graph: converted
    resize = keras.layers.Resizing(8, 8)
    assert resize.compute_dtype == "float32"
    assert tf.function(resize)(tf.constant(photos)).dtype == tf.float32
    assert np.allclose(as_uint8.predict(photos, verbose=0), resize(photos.astype("float32")))


@claim("reference/preprocessing-layers.md",
       "`Resizing` is not random: unlike the augmentation layers below, it does the same in "
       "training and in inference, so `predict()` resizes too.")
def test_resizing_is_the_same_in_fit_and_predict():
    import keras

    photos = _photos().astype("float32")
    model = keras.Sequential([keras.Input(shape=(None, None, 3)), keras.layers.Resizing(8, 8)])
    expected = np.asarray(keras.layers.Resizing(8, 8)(photos))
    assert np.allclose(model.predict(photos, verbose=0), expected)
    assert np.array_equal(model(photos, training=True), model(photos, training=False))


@claim("reference/preprocessing-layers.md",
       "`crop_to_aspect_ratio=True` first cuts the largest central part with the target's "
       "aspect ratio, here a 427 x 427 square; `pad_to_aspect_ratio=True` instead adds rows of "
       "`fill_value` (0 by default), as many above as below, to reach that aspect ratio "
       "(to within a row), so nothing is lost (an image taller than the target gets "
       "columns, left and right):")
def test_crop_and_pad_to_aspect_ratio():
    import keras

    photos = _photos().astype("float32")  # 107 x 160
    height, width = photos.shape[1:3]
    assert keras.layers.Resizing(4, 4).fill_value == 0.0
    left = (width - height) // 2
    central = photos[:, :, left:left + height]
    cropped = keras.layers.Resizing(20, 20, crop_to_aspect_ratio=True)(photos)
    assert np.allclose(cropped, keras.layers.Resizing(20, 20)(central), atol=1e-3)
    side = (width - height) // 2  # the same number of rows above and below
    padded = np.pad(photos, [(0, 0), (side, side), (0, 0), (0, 0)])
    squared = keras.layers.Resizing(20, 20, pad_to_aspect_ratio=True)(photos)
    assert np.allclose(squared, keras.layers.Resizing(20, 20)(padded), atol=1e-3)
    tall = np.ones((1, 9, 4, 1), "float32")
    padded_tall = np.asarray(keras.layers.Resizing(
        9, 9, pad_to_aspect_ratio=True, interpolation="nearest")(tall))[0, :, :, 0]
    assert padded_tall.all(axis=1).sum() == 0  # no row all of image
    assert (padded_tall == 0).all(axis=0).sum() == 4  # two columns each side
    assert not padded_tall[:, :2].any() and not padded_tall[:, -2:].any()
    from sklearn.datasets import load_sample_images

    # the sizes the sentence gives are the page's photos'
    assert {image.shape[:2] for image in load_sample_images().images} == {(427, 640)}


@claim("reference/preprocessing-layers.md",
       "With `uint8` input, `pad_to_aspect_ratio` fails: the default `fill_value` is the float "
       "`0.0`, which TensorFlow will not convert to `uint8`:",
       "Pass `fill_value=0` (an integer), or convert the images to `float32` first, as above.")
def test_pad_with_uint8_needs_an_integer_fill_value():
    import keras

    photos = _photos()
    with pytest.raises(TypeError, match="Cannot convert 0.0 to EagerTensor of dtype uint8"):
        keras.layers.Resizing(20, 20, pad_to_aspect_ratio=True)(photos)
    fixed = keras.layers.Resizing(20, 20, pad_to_aspect_ratio=True, fill_value=0)(photos)
    as_float = keras.layers.Resizing(20, 20, pad_to_aspect_ratio=True)(photos.astype("float32"))
    assert np.asarray(fixed).dtype == np.uint8
    assert np.array_equal(fixed, np.clip(np.round(as_float), 0, 255).astype("uint8"))


@claim("reference/preprocessing-layers.md",
       "`interpolation` sets how the new pixels are computed from the old ones; the default, "
       "`\"bilinear\"`, blends the four nearest pixels, `\"nearest\"` copies the nearest one, and "
       "`\"bicubic\"` fits a smooth curve through sixteen, which can overshoot the input's range.")
def test_interpolation_methods_are_tf_image_resize():
    import keras
    import tensorflow as tf

    image = np.random.default_rng(0).random((1, 5, 7, 1), dtype="float32")
    assert keras.layers.Resizing(3, 3).interpolation == "bilinear"
    for method in ("bilinear", "nearest", "bicubic"):
        ours = keras.layers.Resizing(9, 11, interpolation=method)(image)
        assert np.allclose(ours, tf.image.resize(image, (9, 11), method=method), atol=1e-5)
    # a bilinear pixel lies within its four neighbours; a bicubic one can leave the range
    steps = np.array([0.0, 0.0, 1.0, 1.0], "float32").reshape(1, 1, 4, 1)
    bicubic = np.asarray(keras.layers.Resizing(1, 16, interpolation="bicubic")(steps))
    bilinear = np.asarray(keras.layers.Resizing(1, 16)(steps))
    assert bicubic.min() < 0 and bicubic.max() > 1
    assert bilinear.min() >= 0 and bilinear.max() <= 1
