"""Claims of docs/reference/pooling.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "reference/pooling.md"


@claim(PAGE, "It has no weights to learn.")
def test_pooling_layers_have_no_weights():
    import keras
    import numpy as np

    x = np.ones((1, 4, 4, 3), "float32")
    for layer in [keras.layers.MaxPooling2D(2), keras.layers.AveragePooling2D(2),
                  keras.layers.GlobalAveragePooling2D(), keras.layers.GlobalMaxPooling2D()]:
        layer(x)
        assert layer.weights == [] and layer.count_params() == 0


@claim(PAGE, "Channels are pooled separately and their number does not change.")
def test_channels_are_pooled_separately():
    import keras
    import numpy as np

    x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
    pool = keras.layers.MaxPooling2D(2)
    together = pool(x).numpy()
    assert together.shape == (2, 3, 3, 3)
    for channel in range(3):
        alone = pool(x[..., channel:channel + 1]).numpy()
        assert np.array_equal(together[..., channel:channel + 1], alone)


@claim(PAGE,
       "The padding is split between the two edges, the odd one out going to the end, so "
       "here one padded row goes above the image and one below it, and one padded column on "
       "each side: every window moves up one row and left one column, and the first and the "
       "last are both partial.")
def test_same_padding_is_split_between_the_edges():
    import keras
    import numpy as np

    def window_rows(n, k):
        """The rows each window covers, read from which value it picks as the maximum."""
        rows = np.arange(n, dtype="float32")  # each row holds its own index
        x = np.repeat(rows[:, None], n, axis=1).reshape(1, n, n, 1)
        last = keras.layers.MaxPooling2D(k, padding="same")(x)[0, :, 0, 0].numpy()
        first = -keras.layers.MaxPooling2D(k, padding="same")(-x)[0, :, 0, 0].numpy()
        return [(int(a), int(b)) for a, b in zip(first, last)]

    # 10 in windows of 3: 2 padded rows, 1 above, 1 below; first and last windows partial
    assert window_rows(10, 3) == [(0, 1), (2, 4), (5, 7), (8, 9)]
    # 11 in windows of 3: 1 padded row, the odd one out, below
    assert window_rows(11, 3) == [(0, 2), (3, 5), (6, 8), (9, 10)]
    # columns: the same split (the transposed image gives the same windows)
    x = np.arange(100, dtype="float32").reshape(1, 10, 10, 1)
    pool = keras.layers.MaxPooling2D(3, padding="same")
    assert np.array_equal(pool(x.transpose(0, 2, 1, 3)), pool(x).numpy().transpose(0, 2, 1, 3))


@claim(PAGE,
       "With `padding=\"same\"` Keras pads the edges so that the windows cover every row and "
       "column (the size is rounded up: four windows).",
       "The padded positions take no part in the maximum or the mean "
       "([padding](../glossary.md#padding)):")
def test_same_padding_ignores_padded_positions():
    import keras
    import numpy as np

    # all values -1 on 10 x 10: a padded zero taking part would give 0 (max) or more
    # than -1 (mean) in the last, partial window
    x = -np.ones((1, 10, 10, 1), "float32")
    for pooling in [keras.layers.MaxPooling2D, keras.layers.AveragePooling2D]:
        out = pooling(3, padding="same")(x).numpy()
        assert out.shape == (1, 4, 4, 1)
        assert np.allclose(out, -1.0)


@claim(PAGE,
       "A 10 x 10 input in 3 x 3 windows: three windows fit, the last row and column are left "
       "out (the size is rounded down): that is the default, `padding=\"valid\"`.",
       "The pixels a `valid` pooling leaves out are simply not seen by later layers: with 3 x 3 "
       "pooling on 10 x 10, the last row and the last column.")
def test_valid_pooling_ignores_the_last_row_and_column():
    import keras
    import numpy as np

    assert keras.layers.MaxPooling2D(3).padding == "valid"
    assert keras.layers.AveragePooling2D(3).padding == "valid"

    x = np.random.default_rng(0).normal(size=(1, 10, 10, 2)).astype("float32")
    changed = x.copy()
    changed[:, 9, :, :] = 100.0
    changed[:, :, 9, :] = 100.0
    pool = keras.layers.MaxPooling2D(3)
    assert np.array_equal(pool(x), pool(changed))
    changed[:, 8, 8, :] = 100.0  # inside the last whole window: seen
    assert not np.array_equal(pool(x), pool(changed))


@claim(PAGE,
       "`GlobalAveragePooling2D` (or `GlobalMaxPooling2D`) pools each channel over the whole "
       "image, keeping one number per channel.")
def test_global_pooling_is_mean_or_max_per_channel():
    import keras
    import numpy as np

    x = np.random.default_rng(0).normal(size=(2, 5, 7, 3)).astype("float32")
    assert np.allclose(keras.layers.GlobalAveragePooling2D()(x), x.mean(axis=(1, 2)), atol=1e-6)
    assert np.array_equal(keras.layers.GlobalMaxPooling2D()(x), x.max(axis=(1, 2)))


@claim(PAGE,
       "Global pooling also lets one model accept images of any size (declared as "
       "`keras.Input(shape=(None, None, 16))`), since its output size depends only on the "
       "number of channels.")
def test_global_pooling_accepts_any_image_size():
    import keras
    import numpy as np

    model = keras.Sequential([
        keras.Input(shape=(None, None, 16)),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10),
    ])
    for size in [(7, 7), (12, 30)]:
        assert model.predict_on_batch(np.zeros((1, *size, 16), "float32")).shape == (1, 10)
    flat = keras.Sequential([keras.Input(shape=(None, None, 16)), keras.layers.Flatten()])
    assert flat.output_shape == (None, None)  # Flatten's size is unknown without a fixed image


@claim(PAGE,
       "`relu` and `softmax` are its [activations](activations.md); they add no weights")
def test_activations_add_no_weights():
    import keras

    relu = keras.layers.Dense(4, activation="relu")
    softmax = keras.layers.Dense(4, activation="softmax")
    plain = keras.layers.Dense(4)
    for layer in (relu, softmax, plain):
        layer.build((None, 3))
    assert relu.count_params() == softmax.count_params() == plain.count_params() == 16
