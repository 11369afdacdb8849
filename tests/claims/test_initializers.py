"""Claims of docs/reference/initializers.md that its code does not show."""

import pytest

from tests.claims.claims import claim


# Keras converts variables with np.array(..., copy=False), which NumPy 2 reports as
# deprecated from inside Keras; Python's default filters hide it from a reader's script.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def kernel(initializer, fan_in=400, fan_out=600):
    import numpy as np

    return np.asarray(initializer((fan_in, fan_out)))


@claim("reference/initializers.md",
       "Initial values are random, so this page fixes the random seed first: with the same "
       "seed, every run draws the same weights.")
def test_the_same_seed_draws_the_same_weights():
    import keras
    import numpy as np

    drawn = []
    for seed in (0, 0, 1):
        keras.utils.set_random_seed(seed)
        layer = keras.layers.Dense(8)
        layer.build((None, 4))
        drawn.append(layer.get_weights()[0])
    assert np.array_equal(drawn[0], drawn[1]) and not np.array_equal(drawn[0], drawn[2])


@claim("reference/initializers.md",
       "A layer's configuration (`get_config()`, the dictionary Keras saves with a model) "
       "names its initialisers:")
def test_the_saved_config_names_the_initialisers(tmp_path):
    import json
    import zipfile

    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        saved = json.loads(archive.read("config.json"))
    dense = saved["config"]["layers"][-1]["config"]
    assert dense == {**dense, **model.layers[-1].get_config()}
    assert dense["kernel_initializer"]["class_name"] == "GlorotUniform"


@claim("reference/initializers.md",
       "a kernel with variance `1 / fan_in` keeps the variance of the outputs equal to that of "
       "the inputs on the way forward, and one with variance `1 / fan_out` does the same for "
       "the [gradients](../glossary.md#gradient) on the way back, in training.",
       "`2 / (fan_in + fan_out)` equals both only when `fan_in` equals `fan_out`; otherwise it "
       "lies between them, a compromise between the two directions.")
def test_glorot_averages_the_forward_and_backward_conditions():
    import keras
    import numpy as np
    import tensorflow as tf

    fan_in, fan_out = 400, 100
    x = np.random.default_rng(0).standard_normal((2000, fan_in)).astype("float32")
    upstream = np.random.default_rng(1).standard_normal((2000, fan_out)).astype("float32")
    for mode, forward_kept, backward_kept in [("fan_in", True, False),
                                              ("fan_out", False, True)]:
        layer = keras.layers.Dense(fan_out, use_bias=False, kernel_initializer=(
            keras.initializers.VarianceScaling(1.0, mode=mode, distribution="normal", seed=2)))
        inputs = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = layer(inputs)
        gradient = tape.gradient(outputs, inputs, output_gradients=tf.constant(upstream))
        assert np.isclose(np.var(outputs), np.var(x), rtol=0.1) == forward_kept
        assert np.isclose(np.var(gradient), np.var(upstream), rtol=0.1) == backward_kept
    glorot = keras.initializers.GlorotUniform()
    average = 2 / (fan_in + fan_out)
    assert 1 / fan_in < average < 1 / fan_out
    assert np.isclose(np.var(kernel(keras.initializers.GlorotUniform(seed=0), fan_in, fan_out)),
                      average, rtol=0.05)
    assert np.isclose(np.var(kernel(keras.initializers.GlorotUniform(seed=0), 300, 300)),
                      1 / 300, rtol=0.05)
    assert isinstance(glorot, keras.initializers.VarianceScaling) and glorot.mode == "fan_avg"


@claim("reference/initializers.md",
       "The usual names, and the activation of the layers each was made for:")
@pytest.mark.parametrize("name, variance", [
    ("glorot_uniform", lambda i, o: 2 / (i + o)),
    ("glorot_normal", lambda i, o: 2 / (i + o)),
    ("he_normal", lambda i, o: 2 / i),
    ("he_uniform", lambda i, o: 2 / i),
    ("lecun_normal", lambda i, o: 1 / i),
])
def test_the_table_of_variances(name, variance):
    import keras
    import numpy as np

    values = kernel(keras.initializers.get({"class_name": name, "config": {"seed": 0}}))
    assert np.isclose(np.var(values), variance(400, 600), rtol=0.05)


@claim("reference/initializers.md",
       "`selu`, which the [activations page](activations.md) does not cover, is the *scaled "
       "exponential linear unit*: `scale * x` for positive inputs and "
       "`scale * alpha * (exp(x) - 1)` for negative ones, with two fixed constants chosen so "
       "that, with `lecun_normal` kernels, a stack of `selu` layers keeps its outputs near "
       "mean 0 and variance 1 by itself.")
def test_selu_keeps_a_lecun_normal_stack_standardised():
    import keras
    import numpy as np

    alpha, scale = 1.6732632423543772, 1.0507009873554805
    x = np.linspace(-4, 4, 81).astype("float32")
    formula = np.where(x > 0, scale * x, scale * alpha * (np.exp(x) - 1))
    assert np.allclose(keras.activations.selu(x), formula, atol=1e-5)
    keras.utils.set_random_seed(0)
    outputs = np.random.default_rng(0).standard_normal((1000, 256)).astype("float32")
    for _ in range(10):
        outputs = keras.layers.Dense(256, activation="selu",
                                     kernel_initializer="lecun_normal")(outputs)
    outputs = np.asarray(outputs)
    assert abs(outputs.mean()) < 0.1 and 0.8 < outputs.var() < 1.2


@claim("reference/initializers.md",
       "[ReLU](activations.md#relu) sets every negative input to 0, which, for inputs spread "
       "evenly around 0, halves the mean of the squared outputs.",
       "`he_normal`, with a standard deviation of `sqrt(2 / fan_in)`, makes up for it.")
def test_relu_halves_the_mean_square_and_he_normal_doubles_the_variance():
    import keras
    import numpy as np

    x = np.random.default_rng(0).standard_normal(200_000).astype("float32")
    squares = np.mean(np.asarray(keras.activations.relu(x)) ** 2)
    assert np.isclose(squares, np.mean(x**2) / 2, rtol=0.02)
    he = kernel(keras.initializers.HeNormal(seed=0))
    assert np.isclose(he.std(), np.sqrt(2 / 400), rtol=0.03)


@claim("reference/initializers.md", "A function cannot carry settings into a saved model.")
def test_a_function_initialiser_is_saved_by_name_only():
    import functools

    import keras

    def uniform(shape, dtype=None, limit=0.01):
        return keras.random.uniform(shape, -limit, limit, dtype=dtype)

    config = keras.layers.Dense(2, kernel_initializer=uniform).get_config()
    assert config["kernel_initializer"]["config"] == "uniform"  # its name, nothing more
    with_setting = functools.partial(uniform, limit=0.5)
    with pytest.raises(TypeError, match="Cannot serialize"):
        keras.layers.Dense(2, kernel_initializer=with_setting).get_config()


@claim("reference/initializers.md",
       "Registering the class (`register_keras_serializable`) lets `load_model` find it by "
       "name:",
       "Without `get_config()`, the base class returns `{}` and the restored layer would "
       "quietly use `ScaledNormal()` with the default scale, 1.")
def test_registration_and_get_config_are_both_needed(tmp_path):
    import keras

    class Unregistered(keras.initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return keras.ops.zeros(shape, dtype=dtype)

    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(2, kernel_initializer=Unregistered())])
    model.save(tmp_path / "unregistered.keras")
    with pytest.raises(TypeError, match="Unregistered"):
        keras.models.load_model(tmp_path / "unregistered.keras")

    @keras.saving.register_keras_serializable(package="claims")
    class Forgetful(keras.initializers.Initializer):
        def __init__(self, scale=1.0):
            self.scale = scale

        def __call__(self, shape, dtype=None):
            return keras.random.normal(shape, stddev=self.scale, dtype=dtype)

    assert Forgetful(0.5).get_config() == {}
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(2, kernel_initializer=Forgetful(0.5))])
    model.save(tmp_path / "forgetful.keras")
    restored = keras.models.load_model(tmp_path / "forgetful.keras")
    assert restored.layers[0].kernel_initializer.scale == 1.0


@claim("reference/initializers.md",
       "The kernel starts at zero here on purpose, so that the first predictions come from the "
       "bias alone.",
       "That is safe in a model without hidden layers:")
def test_a_zero_kernel_still_learns_without_hidden_layers():
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 5)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")[:, None]
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="zeros", bias_initializer="zeros")])
    assert np.allclose(model(x), 0.5)  # the bias alone: sigmoid(0)
    with tf.GradientTape() as tape:
        loss = keras.losses.BinaryCrossentropy()(y, model(x))
    kernel_gradient = tape.gradient(loss, model.layers[0].kernel)
    assert np.abs(np.asarray(kernel_gradient)).max() > 0.01  # every input weight can move


@claim("reference/initializers.md",
       "every hidden unit outputs `relu(0) = 0` for every image, so the output layer sees only "
       "zeros, and the [gradient](../glossary.md#gradient) of every weight except the output "
       "biases is zero.",
       "Any constant start (zero or not) leaves the units of a hidden layer identical for good;")
def test_constant_starts_keep_hidden_units_identical():
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(3)
    x, y = rng.random((96, 6), dtype="float32"), rng.integers(0, 3, 96)
    for start in ("zeros", keras.initializers.Constant(0.1)):
        keras.utils.set_random_seed(3)  # another seed than the page's
        model = keras.Sequential([
            keras.Input(shape=(6,)),
            keras.layers.Dense(5, activation="relu", kernel_initializer=start),
            keras.layers.Dense(3, activation="softmax", kernel_initializer=start),
        ])
        if start == "zeros":
            with tf.GradientTape() as tape:
                loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x))
            gradients = tape.gradient(loss, model.trainable_variables)
            *others, output_bias = [np.abs(np.asarray(g)).max() for g in gradients]
            assert max(others) == 0 and output_bias > 0
        model.compile(optimizer=keras.optimizers.Adam(0.01),
                      loss="sparse_categorical_crossentropy", run_eagerly=True)
        model.fit(x, y, epochs=3, batch_size=32, verbose=0)
        hidden = model.layers[0].get_weights()[0]
        assert np.allclose(hidden, hidden[:, :1], atol=1e-5)  # every column the same


@claim("reference/initializers.md",
       "An initialiser object draws its seed once, when it is created (a random one if you "
       "give it none), and starts from that seed again on every call.",
       "two such layers that read the same input (two branches of a "
       "[functional model](functional-api.md)) also start out computing the same outputs.")
def test_an_initialiser_object_repeats_its_draw():
    import keras
    import numpy as np

    for initializer in (keras.initializers.GlorotUniform(),
                        keras.initializers.GlorotUniform(seed=5)):
        assert isinstance(initializer.seed, int)
        assert np.array_equal(initializer((4, 3)), initializer((4, 3)))
    other = keras.initializers.GlorotUniform()
    assert other.seed != keras.initializers.GlorotUniform().seed  # a new random seed each
    shared = keras.initializers.HeNormal()
    inputs = keras.Input(shape=(6,))
    branches = [keras.layers.Dense(4, activation="relu", kernel_initializer=shared)(inputs)
                for _ in range(2)]
    model = keras.Model(inputs, branches)
    first, second = model(np.random.default_rng(0).random((5, 6), dtype="float32"))
    assert np.array_equal(first, second)


@claim("reference/initializers.md",
       "An **initialiser** chooses those values when a layer is built.")
def test_the_initialiser_runs_when_the_layer_is_built():
    import keras
    import numpy as np

    calls = []

    def recorded(shape, dtype=None):
        calls.append(tuple(shape))
        return keras.ops.full(shape, 0.5, dtype=dtype)

    layer = keras.layers.Dense(3, kernel_initializer=recorded)
    assert calls == [] and not layer.weights
    layer.build((None, 2))
    assert calls == [(2, 3)] and np.all(layer.get_weights()[0] == 0.5)
