"""Claims of docs/training/compile.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "training/compile.md"


def tiny_model():
    import keras

    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])


@claim(PAGE, "Nothing is trained yet.")
def test_compile_changes_no_weight():
    import numpy as np

    model = tiny_model()
    before = model.get_weights()
    model.compile(optimizer="adam", loss="mse")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert not model.optimizer.built  # not even the optimizer's state exists yet


@claim(PAGE,
       "`keras.optimizers.get` and `keras.losses.get` resolve a string the way `compile()` "
       "does:")
def test_compile_resolves_strings_like_get():
    import keras
    import numpy as np

    model = tiny_model()
    model.compile(optimizer="rmsprop", loss="mae")
    expected = keras.optimizers.get("rmsprop")
    assert type(model.optimizer) is type(expected)
    assert model.optimizer.get_config() == {**expected.get_config(), "name": model.optimizer.name}
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = np.random.default_rng(1).normal(size=(8, 2)).astype("float32")
    reported = model.evaluate(x, y, batch_size=8, verbose=0)
    by_get = float(np.mean(keras.losses.get("mae")(y, model.predict_on_batch(x))))
    assert np.isclose(reported, by_get, atol=1e-6)


@claim(PAGE,
       "`SGD` (stochastic gradient descent: each step moves every weight against its "
       "[gradient](../glossary.md#gradient) on one [batch](../glossary.md#batch-step)) also "
       "takes `momentum`, which carries part of each step into the next ones, and `nesterov`, "
       "a variant of momentum that looks one step ahead:")
def test_sgd_momentum_and_nesterov_steps():
    import keras
    import numpy as np

    def steps(**settings):
        weight = keras.Variable([0.0])
        optimizer = keras.optimizers.SGD(learning_rate=0.1, **settings)
        moves = []
        for _ in range(2):  # the same gradient, 1.0, twice
            before = float(weight.numpy()[0])
            optimizer.apply_gradients([(np.array([1.0], "float32"), weight)])
            moves.append(float(weight.numpy()[0]) - before)
        return np.array(moves)

    assert np.allclose(steps(), [-0.1, -0.1])  # against the gradient, learning rate x gradient
    assert np.allclose(steps(momentum=0.9), [-0.1, -0.19])  # 0.9 of the first step carried
    # Nesterov: the step taken is the one after next, seen from the current velocity
    assert np.allclose(steps(momentum=0.9, nesterov=True), [-0.19, -0.271])


@claim(PAGE, "`Adam`, `RMSprop` and `Adadelta` adapt the step size for each weight.")
def test_adaptive_optimizers_scale_each_weight_separately():
    import keras
    import numpy as np

    gradient = np.array([100.0, 0.01], "float32")  # very different scales
    for optimizer in [keras.optimizers.Adam(0.1), keras.optimizers.RMSprop(0.1),
                      keras.optimizers.Adadelta(1.0)]:
        weight = keras.Variable([0.0, 0.0])
        for _ in range(3):
            optimizer.apply_gradients([(gradient, weight)])
        moved = np.abs(weight.numpy())
        # plain SGD would move the first weight 10,000 times as far as the second
        assert moved[0] / moved[1] < 10, (type(optimizer).__name__, moved)


@claim(PAGE,
       "`Adadelta`'s 0.001 is not the paper's setting: Keras's own documentation says to use "
       "1.0 to match the original algorithm.")
def test_adadelta_docstring_recommends_one():
    import re

    import keras

    doc = re.sub(r"\s+", " ", keras.optimizers.Adadelta.__doc__)
    assert "To match the exact form in the original paper, use 1.0." in doc
    assert abs(float(keras.optimizers.Adadelta().learning_rate) - 0.001) < 1e-9


@claim(PAGE,
       "Cross-entropy, the classification loss, is minus the log of the probability the model "
       "gives the true class, averaged over the examples; `mse` and `mae` are the mean squared "
       "and the mean absolute error.")
def test_loss_definitions():
    import keras
    import numpy as np

    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], "float32")
    labels = np.array([0, 2])
    cross_entropy = float(keras.losses.SparseCategoricalCrossentropy()(labels, probabilities))
    assert np.isclose(cross_entropy, -np.mean(np.log([0.7, 0.6])), atol=1e-6)
    y, p = np.array([[1.0], [3.0]]), np.array([[2.0], [0.0]])
    assert np.isclose(float(keras.losses.MeanSquaredError()(y, p)), (1 + 9) / 2)
    assert np.isclose(float(keras.losses.MeanAbsoluteError()(y, p)), (1 + 3) / 2)


@claim(PAGE,
       "A binary problem, on scikit-learn's breast cancer data (569 tumours, 30 measurements, "
       "label 1 for benign), uses one sigmoid unit and `binary_crossentropy`:",
       "A regression, on scikit-learn's diabetes data (442 patients, 10 measurements, a number "
       "measuring disease progression a year later), ends in one linear unit and uses `mse`, "
       "here with mean absolute error as a metric:")
def test_scikit_learn_data_sets_are_as_described():
    from sklearn.datasets import load_breast_cancer, load_diabetes

    cancer = load_breast_cancer()
    assert list(cancer.target_names) == ["malignant", "benign"]
    diabetes = load_diabetes()
    assert "disease progression one year after baseline" in diabetes.DESCR


@claim(PAGE,
       "An untrained model predicts values near 0 for targets in the hundreds: its errors "
       "average about 150 (the `mae`), and `mse`, the mean of their squares, is in the tens "
       "of thousands.")
def test_untrained_regression_predicts_near_zero():
    import keras
    import numpy as np
    from sklearn.datasets import load_diabetes

    x, y = load_diabetes(return_X_y=True)
    assert y.min() >= 25 and np.median(y) > 100  # targets in the hundreds
    for seed in range(5):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([
            keras.Input(shape=(10,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ])
        predictions = model.predict_on_batch(x.astype("float32"))
        assert np.abs(predictions).max() < 2  # near 0, against targets of 25 to 346


@claim(PAGE,
       "`BinaryAccuracy(threshold=0.7)` counts a prediction as class 1 only above 0.7 (a "
       "score of exactly 0.7 counts as class 0),")
def test_binary_accuracy_threshold_is_strict():
    import keras
    import numpy as np

    metric = keras.metrics.BinaryAccuracy(threshold=0.7)
    # exactly 0.7 counts as class 0 (right for label 0), just above counts as class 1
    metric.update_state(np.array([0, 1]), np.array([0.7, 0.7001], "float32"))
    assert float(metric.result()) == 1.0


@claim(PAGE,
       "Despite the name, it does not count the arguments the optimizer was created with "
       "(hyperparameters such as `learning_rate` and `momentum`): it counts the optimizer's "
       "variables, the state it keeps from one step to the next, once training has built the "
       "optimizer.",
       "SGD with momentum keeps one velocity per weight (the running step that momentum "
       "carries forward), plus two scalars (the step count, and "
       "the learning rate, which Keras keeps in a variable so that it can be changed during "
       "training):")
def test_optimizer_params_are_its_variables():
    import contextlib
    import io

    import keras
    import numpy as np

    def summary(model):
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            model.summary()
        return text.getvalue()

    model = tiny_model()  # 8 weights
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    assert "Optimizer params" not in summary(model)
    before = model.get_weights()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)  # one step
    assert " Optimizer params: 10 " in summary(model)
    velocities = [v for v in model.optimizer.variables if v.name.endswith("_momentum")]
    steps = [after - b for after, b in zip(model.get_weights(), before)]
    assert len(velocities) == 2 and all(  # the velocity is the step just taken
        np.allclose(v.numpy(), step, atol=1e-7) for v, step in zip(velocities, steps))
    doc = " ".join(keras.optimizers.SGD.__doc__.split())  # Keras's name for it
    assert "velocity = momentum * velocity - learning_rate * g" in doc
    names = sorted(v.name for v in model.optimizer.variables)
    assert names[:2] == ["iteration", "learning_rate"], names
    model.optimizer.learning_rate = 0.5  # changed in place, during training if need be
    assert float(model.optimizer.learning_rate) == 0.5
    assert " Optimizer params: 10 " in summary(model)


@claim(PAGE,
       "`\"accuracy\"` is special: Keras picks the accuracy class only when it sees the labels "
       "and outputs.")
def test_accuracy_string_depends_on_labels_and_outputs():
    import keras
    import numpy as np

    def accuracy_class(units, labels):
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(units)])
        model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
        model.evaluate(np.ones((2, 3)), labels, verbose=0)
        return [type(m).__name__ for m in model.metrics[-1].metrics]

    assert accuracy_class(1, np.ones((2, 1))) == ["BinaryAccuracy"]
    assert accuracy_class(4, np.eye(4)[:2]) == ["CategoricalAccuracy"]
    assert accuracy_class(4, np.array([[1], [2]])) == ["SparseCategoricalAccuracy"]


@claim(PAGE, "Every optimizer takes a `learning_rate`.")
def test_every_optimizer_takes_a_learning_rate():
    import inspect

    import keras

    optimizers = [
        cls for _, cls in inspect.getmembers(keras.optimizers, inspect.isclass)
        if issubclass(cls, keras.optimizers.Optimizer) and cls is not keras.optimizers.Optimizer
        and cls.__name__ not in ("LossScaleOptimizer", "MultiOptimizer")  # wrap others
    ]
    assert len(optimizers) >= 10
    for cls in optimizers:
        assert abs(float(cls(learning_rate=0.123).learning_rate) - 0.123) < 1e-6, cls


@claim(PAGE,
       "*Total params* counts the optimizer's variables too: 513 weights and 515 optimizer "
       "variables make 1,028, though the model needs only its 513 weights to predict.")
def test_total_counts_optimizer_variables_prediction_needs_only_weights():
    import contextlib
    import io

    import keras
    import numpy as np

    model = tiny_model()  # 8 weights
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    model.fit(x, np.ones((4, 2)), verbose=0)
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        model.summary()
    assert " Total params: 18 " in text.getvalue()  # 8 weights + 10 optimizer variables
    bare = tiny_model()  # never compiled: no optimizer at all
    bare.set_weights(model.get_weights())
    assert np.array_equal(bare.predict_on_batch(x), model.predict_on_batch(x))
