"""Claims of docs/training/fit.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "training/fit.md"


def recording_model(seen):
    """A model whose first layer notes, for every batch, the sample ids it received and
    whether it ran in training mode (samples carry their index as their one feature)."""
    import keras

    class Recorder(keras.layers.Layer):
        def call(self, x, training=None):
            seen.append((bool(training), [int(v) for v in x.numpy()[:, 0]]))
            return x

        def compute_output_shape(self, input_shape):
            return input_shape

    model = keras.Sequential(
        [keras.Input(shape=(1,)), Recorder(), keras.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    return model


@claim(PAGE,
       "`batch_size` samples go into each step (32 unless you say otherwise), so an epoch has "
       "`ceil(samples / batch_size)` steps; the last batch may be smaller:")
def test_default_batch_size_and_short_last_batch():
    import numpy as np

    seen = []
    model = recording_model(seen)
    x = np.arange(70, dtype="float32").reshape(-1, 1)
    history = model.fit(x, x, epochs=1, verbose=0)
    assert history.params["steps"] == 3  # ceil(70 / 32)
    assert [len(ids) for _, ids in seen] == [32, 32, 6]


@claim(PAGE,
       "`validation_split=0.2` holds out **the last 20% of the arrays, before any "
       "shuffling**.",
       "(`fit()` also shuffles the *training samples* before cutting them into batches, "
       "`shuffle=True` by default.",
       "Without a seed, every epoch gets a new order.",
       "After `keras.utils.set_random_seed()`, as on this page, `fit()` on NumPy arrays "
       "repeats one shuffled order in every epoch: its shuffle is a TensorFlow operation "
       "that starts again from the same seed each time the data is read.",
       "The split is made before any shuffling and does not change.)")
def test_validation_split_takes_the_tail_and_how_training_is_shuffled():
    import keras
    import numpy as np
    import tensorflow as tf

    def epochs_seen(seed):
        if seed is None:
            tf.random.set_seed(None)  # as in a fresh process that sets no seed
        else:
            keras.utils.set_random_seed(seed)
        seen = []
        model = recording_model(seen)
        x = np.arange(50, dtype="float32").reshape(-1, 1)
        model.fit(x, x, epochs=3, batch_size=10, validation_split=0.2, verbose=0)
        training = [ids for mode, ids in seen if mode]
        validation = [ids for mode, ids in seen if not mode]
        assert validation == [list(range(40, 50))] * 3  # the last 10 of 50, unshuffled
        epochs = [sum(training[i:i + 4], []) for i in (0, 4, 8)]
        assert all(sorted(epoch) == list(range(40)) for epoch in epochs)
        assert epochs[0] != list(range(40))  # shuffled
        return epochs

    try:
        unseeded = epochs_seen(None)
        assert unseeded[0] != unseeded[1] != unseeded[2]  # a new order every epoch
        seeded = epochs_seen(0)
        assert seeded[0] == seeded[1] == seeded[2]  # one order, repeated
        no_validation = []
        keras.utils.set_random_seed(0)
        model = recording_model(no_validation)
        x = np.arange(40, dtype="float32").reshape(-1, 1)
        model.fit(x, x, epochs=2, batch_size=10, verbose=0)
        ids = [batch for _, batch in no_validation]
        assert sum(ids[:4], []) == sum(ids[4:], [])  # without validation data: the same
    finally:
        tf.random.set_seed(None)


@claim(PAGE,
       "`accuracy` and `loss` are averages over that epoch's samples (each batch counts by "
       "its size, so the short last batch counts less), measured while the weights were "
       "still changing.",
       "`val_accuracy` and `val_loss` are measured on the held-out samples after the epoch.")
def test_epoch_loss_is_running_mean_and_val_loss_uses_final_weights():
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 4)).astype("float32")  # batches of 32, 32 and 16
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0]) > 0).astype("int64")
    x_val, y_val = x[:32] + 0.1, y[:32]

    batch_losses, batch_correct, sizes = [], [], []
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    class Batches(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            start = batch * 32  # shuffle=False below: batch i holds samples 32i..32i+31
            # (not evaluate(): it would reset the epoch's running mean)
            predictions = self.model(x[start:start + 32])
            batch_losses.append(float(loss_fn(y[start:start + 32], predictions)))
            batch_correct.append(int(np.sum(np.argmax(predictions, axis=1) == y[start:start + 32])))
            sizes.append(len(predictions))

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss_fn, metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, shuffle=False, verbose=0,
                        validation_data=(x_val, y_val), callbacks=[Batches()])
    assert sizes == [32, 32, 16]
    # each batch's loss at the weights it met, averaged over samples
    loss = history.history["loss"][0]
    assert np.isclose(loss, np.average(batch_losses, weights=sizes), rtol=1e-5)
    assert not np.isclose(loss, np.mean(batch_losses), rtol=1e-3)  # not a mean of batches
    assert np.isclose(history.history["accuracy"][0], sum(batch_correct) / 80, atol=1e-6)
    after_loss, after_accuracy = model.evaluate(x, y, verbose=0)
    assert after_loss < 0.8 * loss  # not the loss of the final weights
    assert np.allclose([history.history["val_loss"][0], history.history["val_accuracy"][0]],
                       model.evaluate(x_val, y_val, verbose=0), rtol=1e-6)


@claim(PAGE,
       "The full MNIST set, 60,000 training images, comes from "
       "`keras.datasets.mnist.load_data()`, which downloads it.")
def test_mnist_load_data_downloads_sixty_thousand_images():
    import re

    import keras

    doc = re.sub(r"\s+", " ", keras.datasets.mnist.load_data.__doc__)
    assert "a dataset of 60,000 28x28 grayscale images" in doc
    assert "storage.googleapis.com" in keras.datasets.mnist.load_data.__code__.co_consts or (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        in keras.datasets.mnist.load_data.__code__.co_consts)
