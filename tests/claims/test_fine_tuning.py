"""Claims of docs/reference/fine-tuning.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "reference/fine-tuning.md"


@claim(PAGE,
       "Setting `layer.trainable = False` **freezes** a layer: all its weights become "
       "non-trainable.")
def test_freezing_makes_every_weight_non_trainable():
    import keras

    norm = keras.layers.BatchNormalization()
    norm.build((None, 4))
    norm.trainable = False
    assert norm.trainable_weights == [] and len(norm.non_trainable_weights) == 4


@claim(PAGE,
       "Every optimizer on this page is plain **stochastic gradient descent** (`SGD`): each "
       "step moves every trainable weight against its gradient, by the learning rate times "
       "the gradient.",
       "A small model on all ten digits shows it (`optimizer=\"sgd\"` is `SGD` with its default "
       "`learning_rate=0.01`);")
def test_sgd_step_and_default():
    import keras
    import numpy as np

    weight = keras.Variable([1.0, -2.0])
    keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
        [(np.array([0.5, -3.0], "float32"), weight)])
    assert np.allclose(weight.numpy(), [1.0 - 0.05, -2.0 + 0.3])
    sgd = keras.optimizers.get("sgd")
    assert type(sgd) is keras.optimizers.SGD
    assert abs(float(sgd.learning_rate) - 0.01) < 1e-9 and sgd.momentum == 0.0


@claim(PAGE,
       "`BatchNormalization` behaves differently in training, where it normalises with the "
       "statistics of the current batch, and in inference (prediction, see "
       "[training mode, inference mode](../glossary.md#training-mode-inference-mode)), where "
       "it uses its moving averages.")
def test_batch_normalization_modes():
    import keras
    import numpy as np

    norm = keras.layers.BatchNormalization(epsilon=1e-6)
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 4)).astype("float32")
    norm.build(x.shape)
    trained = norm(x, training=True).numpy()
    assert np.allclose(trained.mean(axis=0), 0, atol=1e-4)  # the batch's own statistics
    assert np.allclose(trained.std(axis=0), 1, atol=1e-3)
    mean, variance = norm.moving_mean.numpy(), norm.moving_variance.numpy()
    inferred = norm(x, training=False).numpy()
    assert np.allclose(inferred, (x - mean) / np.sqrt(variance + 1e-6), atol=1e-4)


@claim(PAGE,
       "So `fit()` on a model with a frozen base neither uses batch statistics nor updates "
       "the moving averages: the base computes exactly what it computed when it was frozen "
       "(phase 1 of the recipe below checks that its weights stay the same).")
def test_frozen_batch_normalization_in_fit():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    norm = keras.layers.BatchNormalization()
    model = keras.Sequential([keras.Input(shape=(4,)), norm, keras.layers.Dense(1)])
    norm.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(5.0, 3.0, size=(32, 4)).astype("float32")
    before = norm(x, training=False).numpy()
    model.fit(x, np.ones((32, 1)), batch_size=8, epochs=2, verbose=0)
    assert np.allclose(norm.moving_mean.numpy(), 0) and np.allclose(norm.moving_variance, 1)
    assert np.array_equal(norm(x, training=True), before)


@claim(PAGE,
       "The first `fit()` after `compile()` builds the training step (a TensorFlow graph: the "
       "step's operations, recorded once and then rerun as they are) with the list of "
       "trainable weights at that moment, and keeps it.",
       "Change `trainable` later and `fit()` still updates the old list, until `compile()` "
       "throws the step away (or data of another structure makes TensorFlow build a new step, "
       "as shown below); the model's `trainable_weights`, meanwhile, already reports the new "
       "setting.")
def test_compile_throws_the_training_step_away():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model.train_function is None
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    step = model.train_function
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    assert step is not None and model.train_function is step  # kept
    model.compile(optimizer="sgd", loss="mse")
    assert model.train_function is None  # thrown away



@claim(PAGE,
       "A layer unfrozen since the first `fit()` makes the new step raise "
       "`ValueError: Unknown variable` instead, because the optimizer was built for the old "
       "list.")
def test_new_trace_after_unfreezing_raises():
    import keras
    import numpy as np
    import pytest

    keras.utils.set_random_seed(0)
    hidden = keras.layers.Dense(4, name="hidden")
    model = keras.Sequential([keras.Input(shape=(3,)), hidden, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    hidden.trainable = False
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    model.fit(x, y, batch_size=8, verbose=0)
    hidden.trainable = True
    model.fit(x, y, batch_size=8, verbose=0)  # the old step: no error
    with pytest.raises(ValueError, match="Unknown variable: <Variable path=.*hidden/kernel"):
        model.fit(x, y, batch_size=8, verbose=0, sample_weight=np.ones(8))


@claim(PAGE,
       "This page uses scikit-learn's handwritten digits (1,797 images of 8 x 8 pixels, its "
       "copy of the test set of the UCI Machine Learning Repository's optical handwritten "
       "digits, see [compile()](../training/compile.md)):")
def test_digits_provenance():
    from sklearn.datasets import load_digits

    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8)
    assert "copy of the test set of the UCI ML hand-written digits" in digits.DESCR
