"""Claims of docs/get-started.md that its code does not show."""

import importlib.metadata
import re

import pytest

from tests.claims.claims import claim


# Keras converts variables with np.array(..., copy=False), which NumPy 2 reports as
# deprecated from inside Keras; Python's default filters hide it from a reader's script.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def small_model(metrics=("accuracy",)):
    import keras

    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=list(metrics))
    return model


def digits():
    import numpy as np
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    return (images / 16).astype("float32"), labels


@claim("get-started.md",
       "Installing TensorFlow installs it too, as a dependency, and `tf.keras` gives you its "
       "classes under another name, plus some Keras 2 names that `import keras` no longer has")
def test_tensorflow_depends_on_keras_and_tf_keras_renames_it():
    import keras
    import tensorflow as tf

    requirements = importlib.metadata.requires("tensorflow")
    assert any(re.match(r"keras\b", r) and "extra ==" not in r for r in requirements)
    assert tf.keras.layers.Dense is keras.layers.Dense
    assert tf.keras.Sequential is keras.Sequential
    assert hasattr(tf.keras.backend, "mean") and not hasattr(keras.backend, "mean")


@claim("get-started.md",
       "the first loads a small set of real handwritten digits that ships with it (no "
       "download)")
def test_load_digits_reads_a_file_shipped_with_scikit_learn():
    from importlib import resources

    import sklearn.datasets

    shipped = resources.files(sklearn.datasets) / "data" / "digits.csv.gz"
    assert shipped.is_file()
    images, labels = digits()
    assert images.shape == (1797, 64)


@claim("get-started.md",
       "Most of them start at random values, and training shuffles the data, so the results "
       "depend on chance.",
       "`set_random_seed(0)` fixes the random number generators of Python, NumPy and Keras, so "
       "every run of this page on one machine prints the same numbers")
def test_set_random_seed_fixes_python_numpy_and_keras():
    import inspect
    import random

    import keras
    import numpy as np

    dense = keras.layers.Dense(3)
    dense.build((None, 4))
    kernel, bias = dense.get_weights()
    assert len(np.unique(kernel)) == kernel.size and not bias.any()  # random, and zeros
    assert inspect.signature(keras.Model.fit).parameters["shuffle"].default is True

    def draw():
        return (random.random(), np.random.rand(), float(keras.random.uniform(())),
                float(keras.layers.Dense(1, kernel_initializer="glorot_uniform")(
                    np.ones((1, 3), "float32"))[0, 0]))

    keras.utils.set_random_seed(0)
    first = draw()
    keras.utils.set_random_seed(0)
    assert draw() == first


@claim("get-started.md",
       "The pixel values run from 0 to 16; dividing by 16 scales them to the range 0 to 1,",
       "`float32` is the number type Keras computes in.")
def test_pixels_run_from_0_to_16_and_keras_computes_in_float32():
    import keras
    from sklearn.datasets import load_digits

    raw = load_digits().data
    assert raw.min() == 0 and raw.max() == 16
    assert keras.config.floatx() == "float32"
    assert keras.layers.Dense(2).compute_dtype == "float32"


@claim("get-started.md",
       "`stratify=labels` keeps the share of each digit the same in both parts; "
       "`random_state=0` makes the split the same on every run.")
def test_the_split_is_stratified_and_repeatable():
    import numpy as np
    from sklearn.model_selection import train_test_split

    images, labels = digits()
    splits = [train_test_split(images, labels, test_size=0.2, stratify=labels, random_state=0)
              for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(*splits))
    _, _, y_train, y_test = splits[0]
    shares = np.bincount(y_train) / len(y_train) - np.bincount(y_test) / len(y_test)
    assert np.abs(shares).max() < 0.005


@claim("get-started.md",
       "`Dense(32, activation=\"relu\")` is a **hidden layer** (between the input and the "
       "output) of 32 **units**, each computing a weighted sum of the 64 inputs plus a "
       "constant (the bias), then the **activation** `relu`, which keeps positive values and "
       "turns negative ones into 0",
       "the softmax turns the ten outputs into probabilities that add up to 1.")
def test_dense_relu_and_softmax():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(5, 64)).astype("float32")
    hidden = keras.layers.Dense(32, activation="relu", bias_initializer="random_normal")
    output = keras.layers.Dense(10, activation="softmax")
    h = np.asarray(hidden(x))
    kernel, bias = hidden.get_weights()
    assert np.allclose(h, np.maximum(0, x @ kernel + bias), atol=1e-5)
    assert np.allclose(np.asarray(output(h)).sum(axis=1), 1, atol=1e-6)


@claim("get-started.md",
       "`compile()` sets how the model will be trained; nothing is trained yet.")
def test_compile_changes_no_weight():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    before = model.get_weights()
    model.compile(optimizer="adam", loss="mse")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert not model.optimizer.built and int(model.optimizer.iterations) == 0


@claim("get-started.md",
       "`0.01` is ten times Adam's default (`optimizer=\"adam\"` gives the default)")
def test_adams_default_learning_rate():
    import keras

    assert keras.optimizers.Adam().get_config()["learning_rate"] == pytest.approx(0.001)
    model = small_model()
    assert type(model.optimizer) is keras.optimizers.Adam
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)


@claim("get-started.md",
       "`sparse_categorical_crossentropy` is the loss for one class per example, given as an "
       "integer label")
def test_sparse_categorical_crossentropy_takes_integer_labels():
    import keras
    import numpy as np

    probabilities = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    sparse = keras.losses.sparse_categorical_crossentropy(np.array([1, 0]), probabilities)
    dense = keras.losses.categorical_crossentropy(np.eye(3)[[1, 0]], probabilities)
    assert np.allclose(sparse, dense)


@claim("get-started.md",
       "One pass over all the training images is an **epoch**; this trains for 3, of 21 "
       "steps each (1,293 images in batches of 64).",
       "`validation_split=0.1` keeps the last tenth of the training arrays out of training "
       "and measures the model on them after every epoch")
def test_three_epochs_of_21_steps_and_the_last_tenth_validates():
    import keras
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    x = np.arange(1437, dtype="float32").reshape(1437, 1)  # the page's 1,437 images, numbered
    seen = {True: [], False: []}  # training mode -> the images numbers each call saw
    order = []  # the training mode of each call, in turn

    class Probe(keras.layers.Layer):
        def call(self, inputs, training=None):
            if tf.executing_eagerly():  # not while Keras infers the output shape
                seen[bool(training)].append(inputs.numpy().ravel())
                order.append(bool(training))
            return inputs

    model = keras.Sequential([keras.Input(shape=(1,)), Probe(), keras.layers.Dense(10)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(True),
                  run_eagerly=True)
    model.fit(x, np.zeros(1437, "int64"), epochs=3, batch_size=64, validation_split=0.1,
              verbose=0)
    trained, validated = seen[True], np.concatenate(seen[False])
    assert len(trained) == 3 * 21  # steps
    for epoch in range(3):
        images = np.sort(np.concatenate(trained[21 * epoch:21 * (epoch + 1)]))
        assert np.array_equal(images, np.arange(1293))  # the first 1,293, every epoch
    assert np.array_equal(validated, np.tile(np.arange(1293, 1437), 3))  # the last tenth
    # after every epoch: 21 training steps, then the 144 held-out images in 3 batches, in turn
    assert order == ([True] * 21 + [False] * 3) * 3


@claim("get-started.md",
       "`verbose=0` hides the progress bar.",
       "`history.history` is a dictionary with a list for the loss and for each metric, one "
       "value per epoch (`val_` marks those measured on the validation part);")
def test_verbose_0_prints_nothing_and_history_lists_per_epoch(capfd):
    import numpy as np

    images, labels = digits()
    model = small_model()
    history = model.fit(images[:256], labels[:256], epochs=2, batch_size=64,
                        validation_split=0.25, verbose=0)
    assert capfd.readouterr().out == ""
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 2 for values in history.history.values())
    model.fit(images[:64], labels[:64], epochs=1, verbose=1)
    assert "━" in capfd.readouterr().out


@claim("get-started.md",
       "`evaluate()` returns the loss, then each metric in the order given to `compile()`,")
def test_evaluate_returns_loss_then_metrics_in_order():
    import keras

    images, labels = digits()
    top_k = "sparse_top_k_categorical_accuracy"
    for order in (["accuracy", top_k], [top_k, "accuracy"]):
        model = small_model(order)
        values = model.evaluate(images[:64], labels[:64], verbose=0)
        named = model.evaluate(images[:64], labels[:64], verbose=0, return_dict=True)
        assert values == [named["loss"], *(named[m] for m in order)]


@claim("get-started.md",
       "`predict()` takes a **batch**, so one image is passed as `x_test[:1]`, shape "
       "`(1, 64)`, not `x_test[0]`.")
def test_predict_refuses_a_single_unbatched_image():
    images, _ = digits()
    model = small_model()
    assert model.predict(images[:1], verbose=0).shape == (1, 10)
    with pytest.raises(ValueError):
        model.predict(images[0], verbose=0)


@claim("get-started.md",
       "A `.keras` file holds the architecture, the weights, the compile settings and the "
       "optimizer's state (so training can go on where it stopped);")
def test_a_keras_file_holds_the_optimizer_state(tmp_path):
    import keras
    import numpy as np

    images, labels = digits()
    model = small_model()
    model.fit(images[:128], labels[:128], epochs=1, batch_size=64, verbose=0)
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    assert int(restored.optimizer.iterations) == 2
    assert restored.get_compile_config() == model.get_compile_config()
    for mine, theirs in zip(model.optimizer.variables, restored.optimizer.variables):
        assert np.array_equal(mine, theirs)


@claim("get-started.md",
       "(the split above already shuffled them)",
       "`history.epoch` lists the epochs run;")
def test_train_test_split_shuffles_and_history_lists_epochs():
    import inspect

    import numpy as np
    from sklearn.model_selection import train_test_split

    assert inspect.signature(train_test_split).parameters["shuffle"].default is True
    train, _ = train_test_split(np.arange(100), test_size=0.2, random_state=0)
    assert not np.array_equal(train, np.sort(train))
    images, labels = digits()
    history = small_model().fit(images[:64], labels[:64], epochs=3, verbose=0)
    assert history.epoch == [0, 1, 2]


@claim("get-started.md",
       "The digits are scikit-learn's copy of the test set of the UCI Machine Learning "
       "Repository's optical handwritten digits (1,797 images of 8 x 8 pixels, written by 13 "
       "people); the description scikit-learn ships with them names no licence.")
def test_digits_provenance_as_scikit_learn_describes_them():
    from sklearn.datasets import load_digits

    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8)
    assert "copy of the test set of the UCI ML hand-written digits" in digits.DESCR
    assert "different 13\nto the test set" in digits.DESCR
    assert "licen" not in digits.DESCR.lower()
