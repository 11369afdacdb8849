"""Measurements of Keras that the claims of several pages share (what fit() and
evaluate() do with batches, validation rows and the logged numbers)."""

import warnings

import numpy as np

SHUFFLE_IGNORED = "`shuffle=True` was passed, but will be ignored"


def evaluate_batches(samples, **kwargs):
    """How many batches evaluate() makes of `samples` rows."""
    import keras

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    batches = []
    count = keras.callbacks.LambdaCallback(on_test_batch_end=lambda b, logs: batches.append(b))
    model.evaluate(np.zeros((samples, 2)), np.zeros((samples, 1)), verbose=0,
                   callbacks=[count], **kwargs)
    return len(batches)


def epoch_log_is_running_mean(model, x, y, loss_fn, accuracy_fn, batch_size):
    """Train one epoch, unshuffled, measuring each batch's loss and accuracy just before
    its update (model in training mode, and for contrast in inference mode); return the
    history's numbers, the size-weighted means of the batch measurements and evaluate()
    afterwards. The model is compiled with one metric named "accuracy"."""
    import keras

    seen = {"loss": [], "accuracy": [], "inference_loss": []}

    def measure(batch, logs=None):
        xb = x[batch * batch_size:(batch + 1) * batch_size]
        yb = y[batch * batch_size:(batch + 1) * batch_size]
        outputs = model(xb, training=True)
        seen["loss"].append((len(xb), float(loss_fn(yb, outputs))))
        seen["accuracy"].append((len(xb), float(accuracy_fn(yb, np.asarray(outputs)))))
        seen["inference_loss"].append((len(xb), float(loss_fn(yb, model(xb, training=False)))))

    history = model.fit(
        x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
        validation_data=(x, y),
        callbacks=[keras.callbacks.LambdaCallback(on_train_batch_begin=measure)],
    )
    result = {name: values[0] for name, values in history.history.items()}
    for name, pairs in seen.items():
        result["batches_" + name] = sum(n * v for n, v in pairs) / sum(n for n, _ in pairs)
    result["after_loss"], result["after_accuracy"] = model.evaluate(
        x, y, batch_size=batch_size, verbose=0)
    return result


def held_out_rows(samples, validation_split, batch_size):
    """(training rows, validation rows, steps per epoch) of `fit(validation_split=...)`,
    checking that the validation rows are the last ones. The labels count the rows from
    the end (the last row 1, the one before 2, ...); a model that always predicts 0 (zero
    weights, learning rate 0) then has a validation MAE of (n + 1) / 2 exactly when the
    validation rows are the last n, and a training MAE of the mean of the others."""
    import keras

    x = np.ones((samples, 1), "float32")
    y = np.arange(samples, 0, -1).astype("float32")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0), loss="mean_absolute_error")
    steps = []
    count = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: steps.append(batch))
    history = model.fit(x, y, epochs=1, batch_size=batch_size,
                        validation_split=validation_split, verbose=0, callbacks=[count])
    held_out = round(2 * history.history["val_loss"][0] - 1)
    assert np.isclose(history.history["val_loss"][0], y[samples - held_out:].mean())
    assert np.isclose(history.history["loss"][0], y[:samples - held_out].mean())
    assert int(model.optimizer.iterations) == len(steps)  # one update per batch
    return samples - held_out, held_out, len(steps)


def fit_warnings(model, data, **kwargs) -> list[str]:
    """The warnings model.fit(data, **kwargs) gives, each time it gives them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(data, verbose=0, **kwargs)
    return [str(w.message) for w in caught]
