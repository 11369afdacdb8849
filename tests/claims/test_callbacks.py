"""Claims of docs/reference/callbacks.md that its code does not show."""

import pytest

from tests.claims.claims import claim

PAGE = "reference/callbacks.md"

# Saving converts Keras variables with np.array(), which NumPy 2 flags with a
# DeprecationWarning (hidden by Python's default filters, as on the pages).
saving = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def model_and_data(learning_rate=0.01):
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model, x, y


@claim(PAGE,
       "A callback is an object `fit()` calls at set points: the start and end of training, "
       "of each [epoch](../glossary.md#epoch) (one pass over the training data), of each "
       "[batch](../glossary.md#batch-step).")
def test_callback_hooks_are_called_in_order():
    import keras

    calls = []

    class Recording(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch {epoch} begin")

        def on_train_batch_begin(self, batch, logs=None):
            calls.append(f"batch {batch} begin")

        def on_train_batch_end(self, batch, logs=None):
            calls.append(f"batch {batch} end")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch {epoch} end")

        def on_train_end(self, logs=None):
            calls.append("train end")

    model, x, y = model_and_data()
    model.fit(x, y, epochs=2, batch_size=20, verbose=0, callbacks=[Recording()])
    epoch = ["batch 0 begin", "batch 0 end", "batch 1 begin", "batch 1 end"]
    assert calls == (["train begin", "epoch 0 begin", *epoch, "epoch 0 end",
                      "epoch 1 begin", *epoch, "epoch 1 end", "train end"])


@saving
@claim(PAGE,
       "The warning concerns the optimizer's variables, which the file also holds and which a "
       "fresh optimizer has not created yet; the [saving page](saving.md#weights-only) "
       "explains it.")
def test_weights_file_holds_optimizer_variables(tmp_path):
    import warnings

    import h5py
    import keras
    import numpy as np

    def with_adam():  # as on the page: Adam keeps two variables per weight
        model, x, y = model_and_data()
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
        return model, x, y

    model, x, y = with_adam()
    model.fit(x, y, epochs=1, batch_size=20, verbose=0)
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    with h5py.File(path) as weights_file:
        assert "optimizer" in weights_file
    fresh, _, _ = with_adam()  # its optimizer has not created its variables: the warning
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        fresh.load_weights(path)
    restored, _, _ = with_adam()
    restored.optimizer.build(restored.trainable_variables)  # created first: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        restored.load_weights(path)
    assert int(restored.optimizer.iterations) == 2
    assert len(restored.optimizer.variables) == len(model.optimizer.variables) == 6
    assert all(np.array_equal(a.numpy(), b.numpy())  # the file held them all
               for a, b in zip(restored.optimizer.variables, model.optimizer.variables))


@saving
@claim(PAGE,
       "`save_best_only=True` writes only when the monitored value improves.")
def test_save_best_only_skips_epochs_that_do_not_improve(tmp_path, capsys):
    import os

    import keras

    model, x, y = model_and_data(learning_rate=0.0)  # nothing changes: no improvement
    path = str(tmp_path / "best.keras")
    best = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True,
                                           verbose=1)
    model.fit(x, y, epochs=1, batch_size=40, validation_data=(x, y), verbose=0,
              callbacks=[best])
    written = os.stat(path).st_mtime_ns
    os.utime(path, ns=(0, 0))  # mark the file: a later write would change this
    model.fit(x, y, epochs=1, batch_size=40, validation_data=(x, y), verbose=0,
              callbacks=[best])
    assert os.stat(path).st_mtime_ns == 0 != written
    assert "val_loss did not improve" in capsys.readouterr().out


@saving
@claim(PAGE,
       "Without `save_weights_only` it saves the whole model, so the name must end in "
       "`.keras` (or `.h5`, the older format, which Keras 3 still writes with a warning).")
def test_whole_model_checkpoint_names(tmp_path, caplog):
    import logging

    import keras

    with pytest.raises(ValueError, match="must end in `.keras`"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "best"))
    model, x, y = model_and_data()
    with caplog.at_level(logging.WARNING):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[keras.callbacks.ModelCheckpoint(str(tmp_path / "old.h5"))])
    assert (tmp_path / "old.h5").exists()
    assert "This file format is considered legacy" in caplog.text
    reloaded = keras.models.load_model(str(tmp_path / "old.h5"))
    assert len(reloaded.layers) == 1  # the whole model, not only weights


@claim(PAGE,
       "`logs` holds the metrics of the epoch (or, in `on_train_end`, of the last one).")
def test_logs_hold_the_epoch_metrics():
    import keras

    seen = {}

    class Recording(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen[epoch] = dict(logs)

        def on_train_end(self, logs=None):
            seen["end"] = dict(logs)

    model, x, y = model_and_data()
    history = model.fit(x, y, epochs=2, batch_size=20, verbose=0, callbacks=[Recording()])
    for epoch in (0, 1):
        assert seen[epoch] == {k: v[epoch] for k, v in history.history.items()}
    assert seen["end"] == seen[1]


@claim(PAGE,
       "With `min_delta=0` (the default), every decrease counts.",
       "Stop when the monitored value has not improved for `patience` epochs and, with "
       "`restore_best_weights=True` (off by default), go back to the weights of the best "
       "epoch.")
def test_early_stopping_defaults():
    import keras
    import numpy as np

    default = keras.callbacks.EarlyStopping()
    assert default.min_delta == 0 and default.restore_best_weights is False

    def epochs_run(**settings):
        model, x, y = model_and_data(learning_rate=0.001)  # tiny steps, tiny decreases
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, **settings)
        history = model.fit(x, y, epochs=4, batch_size=40, validation_data=(x, y),
                            verbose=0, callbacks=[stop])
        assert np.all(np.diff(history.history["val_loss"]) < 0)  # falls every epoch
        return len(history.epoch)

    assert epochs_run() == 4  # every decrease counts: never stops
    assert epochs_run(min_delta=0.01) == 2  # too small to count: stops after patience

    def final_and_per_epoch(restore):
        """The weights fit() leaves, and those at each epoch's end before the callback."""
        model, x, y = model_and_data(learning_rate=0.001)
        seen = []
        snapshots = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=0.01,
                                             restore_best_weights=restore)
        model.fit(x, y, epochs=4, batch_size=40, validation_data=(x, y), verbose=0,
                  callbacks=[snapshots, stop])
        assert len(seen) == 2  # epoch 0 is the best (the only "improvement"), epoch 1 not
        same = lambda a, b: all(np.array_equal(u, v) for u, v in zip(a, b))
        assert not same(seen[0], seen[1])
        return [same(model.get_weights(), epoch_weights) for epoch_weights in seen]

    assert final_and_per_epoch(restore=True) == [True, False]  # back to the best epoch
    assert final_and_per_epoch(restore=False) == [False, True]  # the last epoch's


@claim(PAGE,
       "The [optimizer](../glossary.md#optimizer) Adam runs with a "
       "[learning rate](../glossary.md#learning-rate) of `0.01`, ten times its default, and "
       "`fit()` uses batches of 128, so that a few epochs of 4 steps each suffice:")
def test_adam_default_and_steps():
    import math

    import keras

    assert abs(float(keras.optimizers.Adam().learning_rate) - 0.001) < 1e-9
    assert math.ceil(426 / 128) == 4  # 426 training tumours (569 less a quarter)


@claim(PAGE,
       "Two more runs of two epochs into the same file, the first with the default, the "
       "second appending (the epoch numbers restart, since each `fit()` counts from 0 unless "
       "given `initial_epoch=`):")
def test_csv_epochs_count_from_initial_epoch(tmp_path):
    import keras
    import pandas as pd

    model, x, y = model_and_data()
    path = str(tmp_path / "log.csv")
    for _ in range(2):  # the second fit() replaces the first's rows, and counts from 0
        model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.CSVLogger(path)])
        assert pd.read_csv(path)["epoch"].tolist() == [0, 1]
    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[keras.callbacks.CSVLogger(path, append=True)])
    assert pd.read_csv(path)["epoch"].tolist() == [0, 1, 0, 1]  # restarted at 0
    model.fit(x, y, initial_epoch=2, epochs=4, verbose=0,
              callbacks=[keras.callbacks.CSVLogger(path, append=True)])
    assert pd.read_csv(path)["epoch"].tolist() == [0, 1, 0, 1, 2, 3]


@claim(PAGE,
       "The examples train a small classifier on scikit-learn's breast cancer data (569 "
       "tumours, 30 measurements each), its copy of the Breast Cancer Wisconsin (Diagnostic) "
       "data of the UCI Machine Learning Repository.",
       "The model has one hidden layer with the [ReLU](../glossary.md#relu) "
       "[activation](../glossary.md#activation) and a [sigmoid](../glossary.md#sigmoid) "
       "output, the probability of a benign tumour;")
def test_breast_cancer_provenance_and_labels():
    from sklearn.datasets import load_breast_cancer

    data_set = load_breast_cancer()
    assert data_set.data.shape == (569, 30)
    assert "copy of UCI ML Breast Cancer Wisconsin (Diagnostic)" in data_set.DESCR
    assert list(data_set.target_names) == ["malignant", "benign"]  # label 1: benign


@claim(PAGE,
       "A quarter of the tumours are held out as validation data (`x_val`, `y_val`), measured "
       "after each epoch but never trained on; `stratify=y` keeps the share of malignant "
       "tumours as nearly the same in both parts as their sizes allow "
       "([stratify](../glossary.md#stratify)).")
def test_stratified_split_shares():
    import numpy as np
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    x, y = load_breast_cancer(return_X_y=True)
    _, _, y_train, y_val = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
    share = np.mean(y == 0)
    assert (len(y_train), len(y_val)) == (426, 143)
    # each part's malignant count is its size times the overall share, rounded
    assert abs(np.sum(y_train == 0) - 426 * share) < 1 and abs(np.sum(y_val == 0) - 143 * share) < 1
