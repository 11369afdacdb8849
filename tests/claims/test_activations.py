"""Claims of docs/reference/activations.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "reference/activations.md"


@claim(PAGE,
       "Without an activation (the default, called `linear`), a stack of `Dense` layers can only "
       "compute a linear function of its inputs (one weighted sum plus a constant), however "
       "deep it is; the activation between layers is what lets a network compute anything "
       "else.")
def test_a_stack_without_activations_is_one_affine_map():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    stack = keras.Sequential(
        [keras.Input(shape=(4,))]
        + [keras.layers.Dense(6, bias_initializer="random_normal") for _ in range(4)]
    )
    assert all(layer.activation is keras.activations.linear for layer in stack.layers)
    kernel, bias = np.eye(4), np.zeros(4)
    for layer in stack.layers:  # compose the four maps into one
        k, b = layer.get_weights()
        kernel, bias = kernel @ k, bias @ k + b
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    assert np.allclose(stack(x), x @ kernel + bias, atol=1e-4)
    with_relu = keras.Sequential(
        [keras.Input(shape=(4,))] + [keras.layers.Dense(6, activation="relu") for _ in range(4)]
    )
    design = np.c_[x, np.ones(64)]  # the best affine map, by least squares
    fitted = design @ np.linalg.lstsq(design, with_relu(x).numpy(), rcond=None)[0]
    assert not np.allclose(fitted, with_relu(x), atol=1e-3)  # no affine map fits it


@claim(PAGE,
       "The string given to a layer names a function in `keras.activations`.",
       "keras.activations.get(name) is the function behind activation=name")
def test_activation_strings_name_functions():
    import keras

    for name in ["relu", "sigmoid", "tanh", "softmax", "linear"]:
        layer = keras.layers.Dense(2, activation=name)
        assert layer.activation is keras.activations.get(name)
        assert layer.activation is getattr(keras.activations, name)


@claim(PAGE,
       "It is the default activation inside Keras's recurrent layers (`LSTM`, `GRU`, which "
       "read sequences step by step), and can serve in hidden layers;")
def test_tanh_is_the_recurrent_default():
    import keras

    for layer in [keras.layers.LSTM(3), keras.layers.GRU(3)]:
        assert layer.cell.activation is keras.activations.tanh


@claim(PAGE,
       "It acts on the last axis, so each example's row sums to 1 separately.")
def test_softmax_acts_on_the_last_axis():
    import keras
    import numpy as np

    scores = np.random.default_rng(0).normal(size=(3, 4, 5)).astype("float32")
    out = np.asarray(keras.layers.Dense(5, activation="softmax")(scores))
    assert np.allclose(out.sum(axis=-1), 1.0, atol=1e-6)
    direct = np.asarray(keras.activations.softmax(scores))
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    assert np.allclose(direct, shifted / shifted.sum(axis=-1, keepdims=True), atol=1e-6)


@claim(PAGE,
       "Binary cross-entropy, the usual loss for a yes/no output, is `-ln` of the probability "
       "the model gives the true label, averaged over the examples.")
def test_binary_crossentropy_is_mean_minus_log_of_true_label_probability():
    import keras
    import numpy as np

    labels = np.array([0.0, 1.0, 1.0, 0.0])
    probabilities = np.array([0.2, 0.7, 0.9, 0.4])
    true_label = np.where(labels == 1, probabilities, 1 - probabilities)
    loss = float(keras.losses.BinaryCrossentropy()(labels, probabilities))
    assert np.isclose(loss, -np.log(true_label).mean(), atol=1e-6)


@claim(PAGE,
       "The loss is the same, computed in a way that is numerically safer for large logits:")
def test_from_logits_is_safer_for_large_logits():
    import keras
    import numpy as np

    labels = np.array([0.0])
    logits = np.array([40.0])  # sigmoid(40) rounds to exactly 1.0 in float32
    on_logits = float(keras.losses.BinaryCrossentropy(from_logits=True)(labels, logits))
    on_probabilities = float(
        keras.losses.BinaryCrossentropy()(labels, keras.activations.sigmoid(logits))
    )
    assert np.isclose(on_logits, 40.0, atol=1e-4)  # the true loss, -ln(1 - sigmoid(40))
    assert on_probabilities < 17  # clipped at -ln(1e-7): wrong by more than half


@claim(PAGE,
       "Ten sigmoid layers in a row multiply the gradient that reaches the first one by their "
       "slopes, at most 0.25 each time: a factor below a millionth from the activations alone.",
       "This *vanishing gradient* is why the early layers of a deep sigmoid network barely "
       "learn.")
def test_deep_sigmoid_networks_have_vanishing_gradients():
    import keras
    import numpy as np
    import tensorflow as tf

    assert 0.25**10 < 1e-6
    x = np.linspace(-10, 10, 201, dtype="float32")
    with tf.GradientTape() as tape:
        inputs = tf.constant(x)
        tape.watch(inputs)
        outputs = keras.activations.sigmoid(inputs)
    assert float(tf.reduce_max(tape.gradient(outputs, inputs))) <= 0.25
    ratios = {}
    for activation, seeds in [("sigmoid", range(5)), ("relu", range(2))]:
        ratios[activation] = []
        for seed in seeds:
            keras.utils.set_random_seed(seed)
            deep = keras.Sequential(
                [keras.Input(shape=(20,))]
                + [keras.layers.Dense(20, activation=activation) for _ in range(10)]
                + [keras.layers.Dense(1)]
            )
            rng = np.random.default_rng(seed)
            xs = rng.normal(size=(64, 20)).astype("float32")
            ys = rng.normal(size=(64, 1)).astype("float32")
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(keras.losses.mean_squared_error(ys, deep(xs)))
            kernels = tape.gradient(loss, deep.trainable_weights)[0::2]
            # the first hidden layer's kernel gradient against the tenth's
            ratios[activation].append(float(tf.norm(kernels[0]) / tf.norm(kernels[9])))
    assert max(ratios["sigmoid"]) < 1e-4, ratios
    assert min(ratios["relu"]) > 0.1, ratios


@claim(PAGE,
       "The same functions also exist as layers, for when you want the activation as a "
       "separate step, for example after `BatchNormalization` (a layer that rescales its "
       "inputs): `layers.Activation(\"relu\")` or `layers.ReLU()`.")
def test_activation_layers_compute_the_same():
    import keras
    import numpy as np

    x = np.linspace(-3, 3, 7, dtype="float32").reshape(1, 7)
    expected = np.asarray(keras.activations.relu(x))
    assert np.array_equal(keras.layers.Activation("relu")(x), expected)
    assert np.array_equal(keras.layers.ReLU()(x), expected)


@claim(PAGE,
       "Each is a function in `keras.activations`, so a layer takes its name as a string.",
       "`gelu`, `silu` (or `swish`) and `leaky_relu` go in `activation=` like any other "
       "name.")
def test_relu_variants_are_activation_names():
    import keras
    import numpy as np

    x = np.linspace(-3, 3, 13, dtype="float32").reshape(1, 13)
    for name, function in [("gelu", keras.activations.gelu),
                           ("silu", keras.activations.silu),
                           ("swish", keras.activations.silu),
                           ("leaky_relu", keras.activations.leaky_relu)]:
        layer = keras.layers.Dense(13, activation=name)
        assert layer.activation is function
        plain = keras.layers.Activation(name)
        assert np.allclose(plain(x), function(x))


@claim(PAGE,
       "and `keras.applications`' ConvNeXt models use it too.")
def test_convnext_uses_gelu():
    import keras

    model = keras.applications.ConvNeXtTiny(weights=None, include_top=False,
                                            input_shape=(32, 32, 3))
    used = [layer.activation.__name__ for layer in model.layers
            if getattr(layer, "activation", None) is not None]
    assert used.count("gelu") >= 18, used  # one in each ConvNeXt block
    assert set(used) <= {"gelu", "linear"}, used


@claim(PAGE,
       "`activation=\"gelu\"` computes it exactly, with `erf`; `keras.activations.gelu(x, "
       "approximate=True)` gives the tanh approximation some of those models were trained "
       "with.")
def test_gelu_exact_and_approximate():
    import math

    import keras
    import numpy as np

    x = np.linspace(-4, 4, 81, dtype="float32")
    exact = x * (1 + np.vectorize(math.erf)(x / np.sqrt(2))) / 2
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    assert np.abs(exact - tanh_form).max() > 1e-4  # the two forms differ
    layer = keras.layers.Activation("gelu")
    assert np.allclose(layer(x), exact, atol=1e-6)
    assert np.allclose(keras.layers.Dense(1, activation="gelu").activation(x), exact,
                       atol=1e-6)
    assert np.allclose(keras.activations.gelu(x, approximate=True), tanh_form, atol=1e-6)


@claim(PAGE,
       "The EfficientNet models in `keras.applications` use it in their hidden layers.")
def test_efficientnet_uses_silu():
    import keras

    for build in [keras.applications.EfficientNetB0, keras.applications.EfficientNetV2B0]:
        model = build(weights=None, include_top=False, input_shape=(32, 32, 3))
        used = {layer.activation.__name__ for layer in model.layers
                if getattr(layer, "activation", None) is not None}
        assert "silu" in used, used
        assert used <= {"silu", "sigmoid", "linear"}, used  # sigmoid: the SE gates


@claim(PAGE,
       "ReLU's slope is 0 for every negative input, so a unit whose weighted sum is "
       "negative for every example outputs 0 and its weights get a gradient of 0 from every "
       "example (a \"dead\" unit); leaky ReLU's slope there is `negative_slope`, never 0.",
       "GELU's and SiLU's slopes there are small, some negative, fading towards 0 far to the "
       "left and exactly 0 only at the bottom of their dip:")
def test_dead_relu_units_and_the_variants_slopes():
    import keras
    import numpy as np
    import tensorflow as tf

    xs = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    ys = np.random.default_rng(1).normal(size=(32, 1)).astype("float32")
    gradients = {}
    for name in ["relu", "leaky_relu"]:
        unit = keras.layers.Dense(1, activation=name, bias_initializer="zeros")
        unit.build((None, 4))
        unit.set_weights([np.ones((4, 1), "float32"), np.array([-100.0], "float32")])
        with tf.GradientTape() as tape:
            outputs = unit(xs)
            loss = tf.reduce_mean((outputs - ys) ** 2)
        if name == "relu":
            assert np.all(outputs.numpy() == 0)
        gradients[name] = [g.numpy() for g in tape.gradient(loss, unit.trainable_weights)]
    assert all(np.all(g == 0) for g in gradients["relu"])
    assert all(np.all(g != 0) for g in gradients["leaky_relu"])

    negative = tf.constant(np.linspace(-5, -0.01, 2000, dtype="float32"))
    for name in ["gelu", "silu"]:
        with tf.GradientTape() as tape:
            tape.watch(negative)
            outputs = keras.activations.get(name)(negative)
        slope = tape.gradient(outputs, negative).numpy()
        values = outputs.numpy()
        assert np.abs(slope).max() < 0.5  # small
        assert slope.min() < 0  # some negative
        # fading towards 0 far to the left
        assert abs(slope[0]) < 0.05 and abs(slope[0]) < np.abs(slope).max() / 2
        bottom = int(np.argmin(values))  # the bottom of the dip
        assert 0 < bottom < len(values) - 1
        assert np.all(slope[: bottom - 1] < 0) and np.all(slope[bottom + 2:] > 0)


@claim(PAGE,
       "Keras 2 code names the slope `alpha`; Keras 3 still accepts it, with a warning:")
def test_keras_2_names_the_slope_alpha():
    import inspect

    import numpy as np
    import tf_keras

    parameters = inspect.signature(tf_keras.layers.LeakyReLU.__init__).parameters
    assert "alpha" in parameters and "negative_slope" not in parameters
    assert float(tf_keras.layers.LeakyReLU(alpha=0.1)(-1.0)) == float(np.float32(-0.1))
