"""The formulas of docs/reference/shape-formulas.md on its worked examples.

The formulas and their random-configuration check against Keras live in the snippet the
page includes (snippets/shape-formulas/random_check.py), so that a reader runs the code
the page shows; that fence runs in the suite like every other. Here the same functions
are loaded from the snippet, without running its check, and held to the page's examples;
two more Hypothesis checks cover what the page says about dilation beyond shapes that
`compute_output_shape` reports: the shape a real call gives, and which stride and rate
combinations Keras refuses.
"""

from __future__ import annotations

import ast
from pathlib import Path

SNIPPET = Path(__file__).resolve().parents[1] / "snippets" / "shape-formulas" / "random_check.py"


def _formulas() -> dict:
    """The snippet's definitions (imports, functions, strategies), without its last lines
    that run the check and print."""
    tree = ast.parse(SNIPPET.read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if not isinstance(n, (ast.Expr, ast.Assign)) or
                 (isinstance(n, ast.Assign) and not any(
                     isinstance(c, ast.Call) and getattr(c.func, "id", "") == "check_random_configurations"
                     for c in ast.walk(n)))]
    namespace: dict = {}
    exec(compile(tree, str(SNIPPET), "exec"), namespace)
    return namespace


def test_worked_examples():
    f = _formulas()
    assert f["output_size"](32, 3, 1, "valid") == 30
    assert f["output_size"](28, 3, 2, "same") == 14
    assert f["output_size"](28, 3, 2, "valid") == 13
    assert f["output_size"](28, 3, 1, "valid", 2) == 24  # span 5
    assert f["output_size"](28, 3, 1, "same", 2) == 28
    assert f["output_size"](20, 3, 2, "valid", 2) == 8  # DepthwiseConv2D takes both
    assert f["conv2d_params"](3, 3, 3, 16) == 448
    assert f["dense_params"](1600, 64) == 102_464


def test_dilated_formula_matches_a_real_call():
    """The snippet's formula with a dilation rate against the shape a call on data gives
    (the page's check compares with compute_output_shape, which computes nothing)."""
    import keras
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    f = _formulas()

    @settings(max_examples=20, derandomize=True, database=None, deadline=None)
    @given(padding=f["paddings"], data=st.data(), steps=f["strides_or_rates"])
    def check(padding, data, steps):
        sh, sw, dh, dw = steps
        (h, kh), (w, kw) = data.draw(f["axis"](padding, dh)), data.draw(f["axis"](padding, dw))
        conv = keras.layers.Conv2D(1, (kh, kw), strides=(sh, sw), dilation_rate=(dh, dw),
                                   padding=padding)
        out = conv(np.zeros((1, h, w, 1), "float32"))
        assert tuple(out.shape) == (1, f["output_size"](h, kh, sh, padding, dh),
                                    f["output_size"](w, kw, sw, padding, dw), 1)

    check()


def test_conv2d_refuses_exactly_strides_with_dilation():
    """Conv2D is refused at creation exactly when some stride and some rate exceed 1, on
    any axes; DepthwiseConv2D takes every combination, and the formula gives its shape."""
    import keras
    from hypothesis import given, settings
    from hypothesis import strategies as st

    f = _formulas()
    steps, rates = st.integers(1, 4), st.integers(1, 3)

    @settings(max_examples=60, derandomize=True, database=None, deadline=None)
    @given(sh=steps, sw=steps, dh=rates, dw=rates, k=st.integers(1, 4),
           n=st.integers(13, 40), padding=f["paddings"])
    def check(sh, sw, dh, dw, k, n, padding):
        refused = max(sh, sw) > 1 and max(dh, dw) > 1
        try:
            keras.layers.Conv2D(1, k, strides=(sh, sw), dilation_rate=(dh, dw))
        except ValueError as error:
            assert refused and "not supported in conjunction with `dilation_rate" in str(error)
        else:
            assert not refused
        depthwise = keras.layers.DepthwiseConv2D(k, strides=(sh, sw), dilation_rate=(dh, dw),
                                                 padding=padding)
        assert depthwise.compute_output_shape((None, n, n + 1, 1)) == (
            None, f["output_size"](n, k, sh, padding, dh),
            f["output_size"](n + 1, k, sw, padding, dw), 1)

    check()
