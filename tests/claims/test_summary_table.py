"""Claims of docs/reference/summary-table.md that its code does not show."""

import contextlib
import io

from tests.claims.claims import claim

PAGE = "reference/summary-table.md"


def summary_of(model) -> str:
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        model.summary(line_length=80)
    return text.getvalue()


@claim(PAGE,
       "3 x 3 windows with [strides](../glossary.md#stride) of 3 (steps of 3 pixels, the "
       "default for pooling) fit 30 // 3 = 10 times along each axis.")
def test_pooling_strides_default_to_the_window():
    import keras

    assert keras.layers.MaxPooling2D(pool_size=(3, 3)).strides == (3, 3)


@claim(PAGE,
       "The `_1` is Keras's automatic name for the second `Dense` layer of the session "
       "(since the program started, or since `keras.utils.clear_session()` last ran).")
def test_automatic_names_count_per_session():
    import keras

    keras.utils.clear_session()
    first, second = keras.layers.Dense(1), keras.layers.Dense(1)
    keras.layers.Dense(1, name="named")  # a given name takes no number
    third = keras.layers.Dense(1)
    assert (first.name, second.name, third.name) == ("dense", "dense_1", "dense_2")
    keras.utils.clear_session()  # a new session counts from the start again
    assert keras.layers.Dense(1).name == "dense"
    keras.utils.clear_session()


@claim(PAGE,
       "The size is the memory the weights take: float32 values (32-bit floating-point "
       "numbers) of 4 bytes each, in units of 1,024 bytes:")
def test_summary_size_is_four_bytes_per_parameter():
    import keras

    model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(100)])
    # 1,100 float32 parameters: 4,400 bytes = 4.30 KB of 1,024 bytes
    assert " Total params: 1,100 (4.30 KB)" in summary_of(model)
    half = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(100, dtype="float16")])
    assert " Total params: 1,100 (2.15 KB)" in summary_of(half)  # the size follows the dtype


@claim(PAGE,
       "Freezing a layer moves its weights to the non-trainable line; the total stays the "
       "same.")
def test_freezing_moves_weights_to_the_non_trainable_line():
    import keras

    model = keras.Sequential([
        keras.Input(shape=(10,)), keras.layers.Dense(100), keras.layers.Dense(3)
    ])
    model.layers[0].trainable = False
    text = summary_of(model)
    assert " Total params: 1,403 " in text
    assert " Trainable params: 303 " in text
    assert " Non-trainable params: 1,100 " in text


@claim(PAGE,
       "After `compile()` and `fit()` the summary adds one more line, *Optimizer params*: the "
       "state kept by the [optimizer](../glossary.md#optimizer), the algorithm that updates "
       "the weights (for Adam, two moving averages per weight, plus the step count and the "
       "learning rate).",
       "*Total params* then counts that state too, so it is no longer the sum of the rows.")
def test_optimizer_line_after_fit_adam_keeps_two_averages_per_weight():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    assert "Optimizer params" not in summary_of(model)  # compile() alone: not yet
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    # 8 weights: a first and a second moment each, plus the step count and learning rate
    text = summary_of(model)
    assert " Optimizer params: 18 " in text
    assert " Total params: 26 " in text and " Trainable params: 8 " in text  # 8 + 18
    names = [v.name for v in model.optimizer.variables]
    assert sorted(names)[:2] == ["iteration", "learning_rate"], names
    assert sum(name.endswith("_momentum") for name in names) == 2  # one per weight tensor
    assert sum(name.endswith("_velocity") for name in names) == 2


@claim(PAGE,
       "A 3 x 3 kernel (the filter's window of weights) fits 32 - 3 + 1 = 30 times along each "
       "axis (`valid` [padding](../glossary.md#padding): only where it fits whole), and 16 "
       "filters make 16 channels.")
def test_conv2d_pads_nothing_by_default():
    import keras

    conv = keras.layers.Conv2D(16, 3)
    assert conv.padding == "valid" and conv.strides == (1, 1)
    assert conv.compute_output_shape((None, 32, 32, 3)) == (None, 30, 30, 16)
