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
