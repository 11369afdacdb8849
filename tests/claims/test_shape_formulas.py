"""Claims of docs/reference/shape-formulas.md that its code does not show.

(The page's own random-configuration check lives in tests/test_shape_formulas.py.)
"""

from tests.claims.claims import claim

PAGE = "reference/shape-formulas.md"


@claim(PAGE,
       "`compute_output_shape` takes an input shape (batch size `None`, height, width, "
       "channels) and returns the layer's output shape without running it.")
def test_compute_output_shape_runs_nothing():
    import keras
    import numpy as np

    conv = keras.layers.Conv2D(8, 3)
    assert conv.compute_output_shape((None, 28, 28, 1)) == (None, 26, 26, 8)
    assert not conv.built and conv.weights == []  # no weights created, nothing computed
    # the shape it reports is the shape a real call gives (the random-configuration check
    # on the page compares the formulas with compute_output_shape)
    rng = np.random.default_rng(0)
    for _ in range(5):
        n, k, s = int(rng.integers(7, 30)), int(rng.integers(1, 7)), int(rng.integers(1, 4))
        padding = ["valid", "same"][int(rng.integers(2))]
        for layer in (keras.layers.Conv2D(2, k, strides=s, padding=padding),
                      keras.layers.MaxPooling2D(k, strides=s, padding=padding),
                      keras.layers.AveragePooling2D(k, padding=padding)):
            x = np.zeros((1, n, n + 3, 2), "float32")
            reported = layer.compute_output_shape(x.shape)
            assert tuple(layer(x).shape) == (1, *reported[1:]), (layer, n, k, s, padding)


@claim(PAGE,
       "`same` padding pads the edges of the input (with zeros for a convolution; a pooling "
       "layer ignores the padded positions) so that the window never runs out of input; only "
       "the stride shrinks the axis, whatever the window size:")
def test_same_padding_zeros_for_conv_ignored_by_pooling():
    import keras
    import numpy as np

    ones = np.ones((1, 3, 3, 1), "float32")
    conv = keras.layers.Conv2D(1, 3, padding="same", kernel_initializer="ones", use_bias=False)
    summed = conv(ones)[0, :, :, 0].numpy()
    assert summed[0, 0] == 4 and summed[1, 1] == 9  # a corner window holds 5 padded zeros
    average = keras.layers.AveragePooling2D(3, strides=1, padding="same")(ones)
    assert np.allclose(average, 1.0)  # a padded zero counted would lower the corners
    maximum = keras.layers.MaxPooling2D(3, strides=1, padding="same")(-ones)
    assert np.allclose(maximum, -1.0)  # a padded zero counted would raise the edges to 0
    for k in (1, 3, 5, 7):
        layer = keras.layers.Conv2D(1, k, strides=2, padding="same")
        assert layer.compute_output_shape((None, 9, 9, 1)) == (None, 5, 5, 1)


@claim(PAGE,
       "One difference: a pooling layer's `strides` default to the pool size, not 1.")
def test_pooling_strides_default_to_pool_size_conv_to_one():
    import keras

    assert keras.layers.MaxPooling2D(pool_size=4).strides == (4, 4)
    assert keras.layers.AveragePooling2D(pool_size=(2, 3)).strides == (2, 3)
    assert keras.layers.Conv2D(1, 4).strides == (1, 1)


@claim(PAGE,
       "The image size does not appear: the same 448 weights slide over a 32 x 32 image or a "
       "1000 x 1000 one.")
def test_conv_weights_do_not_depend_on_image_size():
    import keras
    import numpy as np

    conv = keras.layers.Conv2D(16, 3)
    conv(np.zeros((1, 32, 32, 3), "float32"))
    assert conv.count_params() == 448
    out = conv(np.zeros((1, 1000, 1000, 3), "float32"))
    assert out.shape == (1, 998, 998, 16) and conv.count_params() == 448


@claim(PAGE,
       "`dilation_rate=d` spreads a kernel's positions `d` apart (the "
       "[convolution page](convolution.md#dilation-no-bias-and-transposed-convolutions) "
       "shows one): a window of `k` positions then spans",
       "with the same `k x k` weights per channel. In the `valid` formula the span takes "
       "the place of `k`:",
       "The `same` formula does not change: Keras pads enough for the wider window, and "
       "the size is still `ceil(n / s)`.")
def test_dilation_spreads_the_kernel_and_same_pads_for_the_span():
    import keras
    import numpy as np

    assert keras.layers.Conv2D(1, 3).dilation_rate == (1, 1)  # the default
    # a dilated 3 x 3 kernel of rate 2 reads the corners of a 5 x 5 window, nothing between
    x = np.zeros((1, 5, 5, 1), "float32")
    x[0, 0, 4, 0] = 1.0
    x[0, 1, 1, 0] = 100.0  # between taps: not read
    dilated = keras.layers.Conv2D(1, 3, dilation_rate=2, kernel_initializer="ones",
                                  use_bias=False)
    assert float(dilated(x)[0, 0, 0, 0]) == 1.0
    plain = keras.layers.Conv2D(1, 3, use_bias=False)
    plain(x)
    assert dilated.count_params() == plain.count_params() == 3 * 3
    for n, k, d in [(28, 3, 2), (28, 3, 3), (20, 5, 2), (9, 2, 4), (7, 1, 3)]:
        span = d * (k - 1) + 1
        layer = keras.layers.Conv2D(1, k, dilation_rate=(d, 1))
        assert layer.compute_output_shape((None, n, n, 1)) == (None, n - span + 1, n - k + 1, 1)
        same = keras.layers.Conv2D(1, k, dilation_rate=d, padding="same")
        assert tuple(same(np.zeros((1, n, n + 1, 1), "float32")).shape) == (1, n, n + 1, 1)
    # same padding pads by the span: zeros around a 5 x 5 input of ones, rate 2, 3 x 3
    ones = np.ones((1, 5, 5, 1), "float32")
    padded = keras.layers.Conv2D(1, 3, dilation_rate=2, padding="same",
                                 kernel_initializer="ones", use_bias=False)(ones)[0, :, :, 0]
    assert float(padded[2, 2]) == 9 and float(padded[0, 0]) == 4  # corner: taps off the edge read zeros


@claim(PAGE,
       "The refusal covers any mix of the two axes (a stride of 2 down the rows with a rate "
       "of 2 across the columns is refused too), and `Conv1D`, `Conv3D` and the transposed "
       "convolutions (`Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`) refuse the "
       "same.")
def test_strides_with_dilation_refused_on_any_axis_and_by_other_convolutions():
    import keras
    import pytest

    message = "not supported in conjunction with `dilation_rate"
    with pytest.raises(ValueError, match=message):
        keras.layers.Conv2D(1, 3, strides=(2, 1), dilation_rate=(1, 2))
    with pytest.raises(ValueError, match=message):
        keras.layers.Conv2D(1, 3, strides=(1, 3), dilation_rate=(3, 1))
    for layer in (keras.layers.Conv1D, keras.layers.Conv3D, keras.layers.Conv1DTranspose,
                  keras.layers.Conv2DTranspose, keras.layers.Conv3DTranspose):
        with pytest.raises(ValueError, match=message):
            layer(1, 3, strides=2, dilation_rate=2)
        layer(1, 3, strides=2)  # either alone is accepted
        layer(1, 3, dilation_rate=2)


@claim(PAGE,
       "The depthwise and separable convolutions (`DepthwiseConv1D`, `DepthwiseConv2D`, "
       "`SeparableConv1D`, `SeparableConv2D`) accept the combination (with `valid` padding "
       "they compute the stride-1 dilated convolution and keep every `s`-th position), and "
       "the two formulas above, with the span and the stride, give their output sizes too.",
       "Pooling layers have no `dilation_rate` argument.")
def test_depthwise_and_separable_accept_strides_with_dilation():
    import math

    import keras
    import numpy as np
    import pytest

    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 20, 17, 2)).astype("float32")
    for make in (lambda **kw: keras.layers.DepthwiseConv2D(3, **kw),
                 lambda **kw: keras.layers.SeparableConv2D(3, 3, **kw)):
        for padding in ("valid", "same"):
            strided = make(strides=2, dilation_rate=2, padding=padding)
            y = strided(x).numpy()
            plain = make(strides=1, dilation_rate=2, padding=padding)
            plain(x)
            plain.set_weights(strided.get_weights())
            if padding == "valid":
                assert np.allclose(y, plain(x).numpy()[:, ::2, ::2, :], atol=1e-5)
                assert y.shape[1:3] == ((20 - 5) // 2 + 1, (17 - 5) // 2 + 1)
            else:
                assert y.shape[1:3] == (math.ceil(20 / 2), math.ceil(17 / 2))
        for n, k, s, d in [(23, 2, 3, 3), (9, 4, 2, 2), (16, 3, 3, 2)]:
            span = d * (k - 1) + 1
            layer = keras.layers.DepthwiseConv2D(k, strides=s, dilation_rate=d)
            assert layer.compute_output_shape((None, n, n, 1))[1] == (n - span) // s + 1
    # the 1D forms, on a sequence of 20 steps
    seq = rng.normal(size=(1, 20, 2)).astype("float32")
    for make in (lambda **kw: keras.layers.DepthwiseConv1D(3, **kw),
                 lambda **kw: keras.layers.SeparableConv1D(3, 3, **kw)):
        strided = make(strides=2, dilation_rate=2)
        y = strided(seq).numpy()
        plain = make(dilation_rate=2)
        plain(seq)
        plain.set_weights(strided.get_weights())
        assert np.allclose(y, plain(seq).numpy()[:, ::2, :], atol=1e-5)
        assert y.shape[1] == (20 - 5) // 2 + 1
        same = make(strides=2, dilation_rate=2, padding="same")
        assert same(seq).shape[1] == math.ceil(20 / 2)
    for pooling in (keras.layers.MaxPooling1D, keras.layers.MaxPooling2D,
                    keras.layers.AveragePooling2D, keras.layers.MaxPooling3D):
        with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
            pooling(2, dilation_rate=2)


@claim(PAGE,
       "The formulas assume channels last; with `data_format=\"channels_first\"` the same "
       "sizes appear in other positions of the shape.")
def test_channels_first_moves_the_sizes():
    import keras

    assert keras.config.image_data_format() == "channels_last"
    first = keras.layers.Conv2D(8, 3, strides=2, data_format="channels_first")
    assert first.compute_output_shape((None, 1, 28, 28)) == (None, 8, 13, 13)
    pool = keras.layers.MaxPooling2D(2, data_format="channels_first")
    assert pool.compute_output_shape((None, 3, 7, 7)) == (None, 3, 3, 3)
