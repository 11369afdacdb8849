"""Claims of docs/training/evaluate-predict.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "training/evaluate-predict.md"


def small_model(metrics=()):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=list(metrics))
    return model


def data(n=40):
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)).astype("float32"), rng.integers(0, 3, n)


@claim(PAGE,
       "A list: the loss first, then each metric **in the order given to `compile()`**.",
       "(A model compiled with no metrics gets the loss alone, a plain number.)")
def test_evaluate_lists_loss_then_metrics_in_compile_order():
    import keras

    x, y = data()
    alone = small_model().evaluate(x, y, verbose=0)
    assert type(alone) is float
    for metrics in (["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")],
                    [keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2"), "accuracy"]):
        model = small_model(metrics)
        listed = model.evaluate(x, y, verbose=0)
        named = model.evaluate(x, y, verbose=0, return_dict=True)
        order = ["loss"] + [m if isinstance(m, str) else m.name for m in metrics]
        assert listed == [named[name] for name in order]
        assert listed[1] != listed[2]  # the two metrics differ, so the order is visible


@claim(PAGE,
       "With the default `verbose=\"auto\"`, which Keras treats as `verbose=1`, it also prints "
       "a progress line:")
def test_verbose_auto_prints_as_verbose_one(capsys):
    import inspect
    import re

    import keras

    assert inspect.signature(keras.Model.evaluate).parameters["verbose"].default == "auto"
    x, y = data()
    model = small_model(["accuracy"])

    def progress(**kwargs):
        model.evaluate(x, y, **kwargs)
        text = capsys.readouterr().out.split("\r")[-1]  # the bar's final state
        text = re.sub(r"\d+m?s(/step)?", "", text)  # step times differ between runs
        return re.sub(r"\s+", " ", text)

    default = progress()
    assert "2/2" in default and "accuracy:" in default
    assert default == progress(verbose=1)


@claim(PAGE,
       "`x_test[0][np.newaxis]` or `x_test[0:1]` adds the batch axis back.")
def test_newaxis_or_slice_restores_the_batch_axis():
    import numpy as np

    x, _ = data()
    model = small_model()
    assert x[0][np.newaxis].shape == x[0:1].shape == (1, 4)
    assert model.predict(x[0][np.newaxis], verbose=0).shape == (1, 3)
    assert np.array_equal(model.predict(x[0:1], verbose=0),
                          model.predict(x[0][np.newaxis], verbose=0))


@claim(PAGE,
       "`predict()` works through the data in batches of `batch_size` (32 by default), keeps "
       "the output of every batch and joins them into one NumPy array: at the end, the outputs "
       "for all the samples are in memory at once.")
def test_predict_batches_of_32_joined_into_one_array():
    import keras
    import numpy as np

    sizes = []

    class Sizes(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            sizes.append(len(logs["outputs"]))

    x, _ = data(70)
    out = small_model().predict(x, verbose=0, callbacks=[Sizes()])
    assert sizes == [32, 32, 6]
    assert isinstance(out, np.ndarray) and out.shape == (70, 3)


@claim(PAGE,
       "`training=False` asks for [inference mode](../glossary.md#training-mode-inference-mode), "
       "as `predict()` uses (layers such as Dropout behave differently while training):")
def test_predict_runs_in_inference_mode():
    import numpy as np

    x, _ = data()
    model = small_model()
    predicted = model.predict(x, verbose=0)
    assert np.allclose(predicted, model(x, training=False), atol=1e-6)
    assert not np.allclose(model(x, training=True), model(x, training=False), atol=1e-3)


@claim(PAGE,
       "compute one batch at a time with `predict_on_batch` (or a direct call with "
       "`training=False`),",
       "a NumPy array: one row of class probabilities per sample")
def test_predict_on_batch_returns_numpy_in_inference_mode():
    import numpy as np

    x, _ = data()
    model = small_model()
    out = model.predict_on_batch(x)
    assert isinstance(out, np.ndarray) and out.shape == (40, 3)  # a row per sample
    assert np.all(out >= 0) and np.allclose(out.sum(axis=1), 1, atol=1e-6)  # probabilities
    assert np.allclose(out, model(x, training=False), atol=1e-6)


@claim(PAGE,
       "`stratify=y` keeps the share of each digit the same in both parts, as nearly as "
       "whole images allow:")
def test_stratified_test_set_takes_each_digit_as_nearly_as_whole_images_allow():
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    *_, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
    wanted = 0.2 * np.bincount(y)  # 178 images of one digit cannot give exactly 35.6
    assert not np.allclose(wanted, np.round(wanted))
    assert np.all(np.abs(np.bincount(y_test) - wanted) < 1)  # within one image of it


@claim(PAGE,
       "So that this page runs in seconds, training is kept short: 3 "
       "[epochs](../glossary.md#epoch) (passes over the training images) of 23 batches of up "
       "to 64 images ([batch, step](../glossary.md#batch-step)), with a "
       "[learning rate](../glossary.md#learning-rate) of `0.01`, ten times Adam's default.")
def test_steps_and_adam_default():
    import math

    import keras

    assert math.ceil(1437 / 64) == 23  # 1,437 training images, printed on the page
    assert abs(float(keras.optimizers.Adam().learning_rate) - 0.001) < 1e-9
