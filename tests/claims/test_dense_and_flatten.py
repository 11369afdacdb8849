"""Claims of docs/reference/dense-and-flatten.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "reference/dense-and-flatten.md"


@claim(PAGE,
       "`Dense` is the fully connected layer: every output [unit](../glossary.md#unit) is a "
       "weighted sum of every input value, plus a [bias](../glossary.md#bias), passed through "
       "the layer's [activation](../glossary.md#activation) if it has one.",
       "the output is `inputs @ kernel + bias`, where `@` is Python's matrix "
       "multiplication operator (as in NumPy):")
def test_dense_is_matmul_plus_bias_then_activation():
    import keras
    import numpy as np

    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    plain = keras.layers.Dense(5, bias_initializer="random_normal")
    with_tanh = keras.layers.Dense(5, activation="tanh")
    plain.build(x.shape)
    with_tanh.build(x.shape)
    with_tanh.set_weights(plain.get_weights())
    kernel, bias = plain.get_weights()
    assert np.allclose(plain(x), x @ kernel + bias, atol=1e-6)
    assert np.allclose(with_tanh(x), np.tanh(x @ kernel + bias), atol=1e-6)


@claim(PAGE,
       "`Flatten` has nothing to learn; it only reshapes.",
       "The order is row by row (C order), the same as NumPy's `reshape`:")
def test_flatten_has_no_weights_and_reshapes_in_c_order():
    import keras
    import numpy as np

    flatten = keras.layers.Flatten()
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype("float32")
    assert np.array_equal(flatten(x), x.reshape(2, -1))
    assert flatten.weights == [] and flatten.count_params() == 0


@claim(PAGE,
       "The layer creates its weights when it first learns the shape of its input (here, on "
       "its first call; in a model that starts with `keras.Input`, as below, when the model "
       "is built), since only then does it know `features`.")
def test_dense_creates_weights_on_first_call():
    import keras
    import numpy as np

    dense = keras.layers.Dense(5)
    assert not dense.built and dense.weights == []
    dense(np.ones((1, 7), "float32"))
    assert dense.built and tuple(dense.kernel.shape) == (7, 5)
    in_model = keras.layers.Dense(5)
    keras.Sequential([keras.Input(shape=(7,)), in_model])  # no data passed
    assert in_model.built and tuple(in_model.kernel.shape) == (7, 5)


@claim(PAGE,
       "`Dense` works on the **last axis** only.",
       "Given `(batch, 10, 3)`, it applies the same 3 x 5 kernel to each of the 10 rows, so "
       "the output is `(batch, 10, 5)` and the weights do not grow with the 10:")
def test_dense_applies_one_kernel_to_every_row():
    import keras
    import numpy as np

    x = np.random.default_rng(1).normal(size=(2, 10, 3)).astype("float32")
    dense = keras.layers.Dense(5)
    y = dense(x).numpy()
    for row in range(10):
        assert np.allclose(y[:, row], dense(x[:, row]), atol=1e-6)
    assert dense.count_params() == 3 * 5 + 5


@claim(PAGE,
       "Without a bias (`use_bias=False`, common before a `BatchNormalization` layer, which "
       "adds its own offset) the `+ units` goes away:")
def test_batch_normalization_has_its_own_offset():
    import keras

    norm = keras.layers.BatchNormalization()
    norm.build((None, 4))
    assert [w.name for w in norm.trainable_weights] == ["gamma", "beta"]  # beta: the offset


@claim(PAGE,
       "The number of samples never enters the count, and neither does the batch size: the "
       "same 100,480 weights serve one image or a million.")
def test_parameter_count_does_not_depend_on_batch():
    import keras
    import numpy as np

    hidden = keras.layers.Dense(128)
    hidden(np.zeros((1, 784), "float32"))
    hidden(np.zeros((1000, 784), "float32"))
    assert hidden.count_params() == 100_480
