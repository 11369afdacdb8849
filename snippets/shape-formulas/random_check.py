"""The four formulas of this page as Python functions, checked against Keras
on random layer configurations with Hypothesis (property-based testing)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st


def output_size(n: int, k: int, s: int, padding: str, d: int = 1) -> int:
    """Size of one spatial axis after a window of size k, stride s and
    dilation rate d."""
    span = d * (k - 1) + 1  # the input positions a dilated window covers
    if padding == "valid":
        return (n - span) // s + 1  # the window must fit: needs n >= span
    return math.ceil(n / s)  # "same": only the stride shrinks the axis


def conv2d_params(kh: int, kw: int, channels: int, filters: int) -> int:
    return kh * kw * channels * filters + filters


def dense_params(inputs: int, units: int) -> int:
    return inputs * units + units


sizes = st.integers(1, 64)
steps = st.integers(1, 4)
rates = st.integers(1, 3)
# Conv2D refuses a stride above one together with a rate above one:
# strides with no dilation, or dilation rates with unit strides
strides_or_rates = st.one_of(
    st.tuples(steps, steps, st.just(1), st.just(1)),
    st.tuples(st.just(1), st.just(1), rates, rates),
)
paddings = st.sampled_from(["valid", "same"])
kinds = st.sampled_from(["max", "average"])


@st.composite
def axis(draw, padding: str, d: int = 1) -> tuple[int, int]:
    """An axis size and a window size whose span fits it when padding is
    valid."""
    n = draw(sizes)
    largest = (n - 1) // d + 1  # the largest window whose span fits
    k = draw(st.integers(1, min(7, largest) if padding == "valid" else 7))
    return n, k


def check_random_configurations(n: int) -> int:
    """Check each formula against Keras on n random configurations; return
    how many ran. An AssertionError names the smallest configuration
    Hypothesis could find on which a formula and Keras disagree."""
    from keras import layers

    checks = settings(
        max_examples=n, derandomize=True, database=None, deadline=None
    )
    checked = 0

    @checks
    @given(padding=paddings, data=st.data(), steps=strides_or_rates)
    def conv2d_shapes(padding, data, steps):
        nonlocal checked
        sh, sw, dh, dw = steps
        h, kh = data.draw(axis(padding, dh))
        w, kw = data.draw(axis(padding, dw))
        conv = layers.Conv2D(4, (kh, kw), strides=(sh, sw),
                             dilation_rate=(dh, dw), padding=padding)
        expected = (None, output_size(h, kh, sh, padding, dh),
                    output_size(w, kw, sw, padding, dw), 4)
        assert conv.compute_output_shape((None, h, w, 3)) == expected
        checked += 1

    @checks
    @given(padding=paddings, data=st.data(), s=st.none() | steps, kind=kinds)
    def pooling_shapes(padding, data, s, kind):
        nonlocal checked
        h, k = data.draw(axis(padding))
        w = data.draw(st.integers(k if padding == "valid" else 1, 64))
        pooling = {"max": layers.MaxPooling2D,
                   "average": layers.AveragePooling2D}[kind]
        pool = pooling(pool_size=k, strides=s, padding=padding)
        stride = k if s is None else s  # strides default to the pool size
        expected = (None, output_size(h, k, stride, padding),
                    output_size(w, k, stride, padding), 2)
        assert pool.compute_output_shape((None, h, w, 2)) == expected
        checked += 1

    @checks
    @given(kh=st.integers(1, 7), kw=st.integers(1, 7),
           channels=st.integers(1, 16), filters=st.integers(1, 32))
    def conv2d_parameters(kh, kw, channels, filters):
        nonlocal checked
        # zeros: cheaper to build than random weights
        conv = layers.Conv2D(filters, (kh, kw), kernel_initializer="zeros")
        conv.build((None, 16, 16, channels))
        assert conv.count_params() == conv2d_params(kh, kw, channels, filters)
        checked += 1

    @checks
    @given(inputs=st.integers(1, 1024), units=st.integers(1, 256))
    def dense_parameters(inputs, units):
        nonlocal checked
        dense = layers.Dense(units, kernel_initializer="zeros")
        dense.build((None, inputs))
        assert dense.count_params() == dense_params(inputs, units)
        checked += 1

    for check in (conv2d_shapes, pooling_shapes,
                  conv2d_parameters, dense_parameters):
        check()
    return checked


checked = check_random_configurations(100)
print(checked, "random configurations, all equal to Keras")
