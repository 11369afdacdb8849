"""Claims of docs/reference/convolution.md that its own code does not show."""

import os
from pathlib import Path

import numpy as np

from tests.claims.claims import claim

PAGE = "reference/convolution.md"


@claim(PAGE,
       "With `padding=\"same\"` Keras pads the border with zeros so that, at stride 1, "
       "the output is as large as the input.")
def test_same_padding_pads_with_zeros():
    import keras
    from keras import layers

    conv = layers.Conv2D(1, 3, padding="same", use_bias=False, kernel_initializer="ones")
    out = np.asarray(conv(np.ones((1, 5, 5, 1), "float32")))[0, :, :, 0]
    assert out.shape == (5, 5)
    # a corner sees 4 image pixels and 5 zeros, an edge 6, the inside 9
    assert out[0, 0] == 4 and out[0, 2] == 6 and out[2, 2] == 9


@claim(PAGE, "`kernel_size=3` is short for `(3, 3)`; a non-square kernel such as `(1, 5)` "
             "works too.")
def test_kernel_size_int_and_tuple():
    import keras
    from keras import layers

    assert layers.Conv2D(4, 3).kernel_size == (3, 3)
    conv = layers.Conv2D(4, (1, 5))
    assert tuple(conv(np.zeros((1, 8, 8, 2), "float32")).shape) == (1, 8, 4, 4)
    assert tuple(conv.kernel.shape) == (1, 5, 2, 4)


@claim(PAGE,
       "Keras expects images as `(height, width, channels)`: "
       "`data_format=\"channels_last\"`, the default.")
def test_channels_last_is_the_default():
    import keras
    from keras import layers

    assert keras.config.image_data_format() == "channels_last"
    assert layers.Conv2D(4, 3).data_format == "channels_last"
    assert layers.MaxPooling2D().data_format == "channels_last"


def avx_flags():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    flags = next(line for line in cpuinfo.splitlines() if line.startswith("flags"))
    return set(flags.split(":", 1)[1].split())


@claim(PAGE,
       "On Linux x86-64, TensorFlow uses oneDNN by default only on CPUs with AVX512-VNNI, "
       "AVX512-BF16, AVX-VNNI or AMX (see `DefaultOneDnnPolicy` in TensorFlow's "
       "`tensorflow/core/util/port.cc`); on CPUs with AVX2 only, as in many laptops and CI "
       "runners, it uses its own kernels.",
       "The environment variable `TF_ENABLE_ONEDNN_OPTS` (`1` or `0`) overrides the "
       "choice, and TensorFlow reads it once, at import, so one process cannot try both.")
def test_onednn_default_follows_the_cpu_and_is_read_once(monkeypatch):
    import platform

    from tensorflow.python.framework.test_util import IsMklEnabled

    assert platform.machine() == "x86_64"
    setting = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if setting is None:  # the default rule, on this machine's CPU flags
        wanted = {"avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8",
                  "amx_bf16"}
        expected = bool(avx_flags() & wanted)
    else:
        expected = setting.lower() in ("1", "true")
    assert IsMklEnabled() == expected
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0" if expected else "1")
    assert IsMklEnabled() == expected  # read once: changing it now changes nothing


@claim(PAGE, "`MaxPooling2D` keeps the largest value of each 3 x 3 block;")
def test_max_pooling_keeps_the_largest_value():
    import keras
    from keras import layers

    image = np.arange(36, dtype="float32").reshape(1, 6, 6, 1)
    pooled = np.asarray(layers.MaxPooling2D((3, 3))(image))[0, :, :, 0]
    blocks = image[0, :, :, 0].reshape(2, 3, 2, 3).max(axis=(1, 3))
    assert np.array_equal(pooled, blocks)


@claim("reference/convolution.md",
       "With `same` padding the output is exactly the input times the stride; with `valid` "
       "padding it is `(input - 1) x strides + kernel_size` when the kernel is at least as "
       "wide as the stride:")
def test_transposed_convolution_output_sizes():
    import keras

    def size(n, kernel, stride, padding):
        layer = keras.layers.Conv2DTranspose(1, kernel, strides=stride, padding=padding)
        return layer.compute_output_shape((None, n, n, 1))[1]

    for n in (1, 5, 14):
        for kernel in (1, 2, 3, 5):
            for stride in (1, 2, 3):
                assert size(n, kernel, stride, "same") == n * stride
                if kernel >= stride:
                    assert size(n, kernel, stride, "valid") == (n - 1) * stride + kernel
    # the condition matters: a kernel narrower than the stride leaves gaps, not overlaps
    assert size(5, 2, 3, "valid") != (5 - 1) * 3 + 2


@claim("reference/convolution.md",
       "it places one copy of its kernel, weighted by each input pixel, per input pixel, "
       "`strides` pixels apart in the output, and adds up where they overlap.")
def test_transposed_convolution_is_kernel_copies_added_up():
    import keras
    import numpy as np

    layer = keras.layers.Conv2DTranspose(1, 3, strides=2, use_bias=False)
    x = np.random.default_rng(0).normal(size=(1, 4, 4, 1)).astype("float32")
    y = np.asarray(layer(x))[0, :, :, 0]
    kernel = np.asarray(layer.kernel)[:, :, 0, 0]
    expected = np.zeros(((4 - 1) * 2 + 3,) * 2, "float32")
    for i in range(4):
        for j in range(4):
            expected[2 * i:2 * i + 3, 2 * j:2 * j + 3] += x[0, i, j, 0] * kernel
    assert np.allclose(y, expected, atol=1e-5)


@claim("reference/convolution.md",
       "Convolutions followed by `BatchNormalization` usually do")
def test_keras_applications_drop_the_bias_before_batch_normalization():
    """The usual practice, as Keras's own applications write it (their code is read, no
    weights downloaded): in MobileNetV2, EfficientNet, DenseNet and Inception V3, each
    convolution that feeds a BatchNormalization has use_bias=False. ("Usually": Keras's
    ResNet50 is an exception, which keeps the bias on those convolutions.)"""
    import keras

    from keras.src.applications import densenet, efficientnet, inception_v3, mobilenet_v2

    builders = [(mobilenet_v2.MobileNetV2, {}), (efficientnet.EfficientNetB0, {}),
                (densenet.DenseNet121, {}), (inception_v3.InceptionV3, {"input_shape": (75, 75, 3)})]
    for build, kwargs in builders:
        model = build(weights=None, include_top=False, **kwargs)
        convs_before_bn = []
        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                source = layer._inbound_nodes[0].input_tensors[0]._keras_history[0]
                if isinstance(source, keras.layers.Conv2D):
                    convs_before_bn.append(source)
        assert convs_before_bn, build.__name__
        assert all(not conv.use_bias for conv in convs_before_bn), build.__name__
        keras.utils.clear_session()
