"""Claims of docs/reference/learning-rate-schedules.md that its own code does not show."""

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/learning-rate-schedules.md"

# Keras's callbacks read the rate through np.array(variable), which NumPy 2 flags
# (hidden from a reader by Python's default filters; pytest here turns warnings to errors)
KERAS_NUMPY_COPY = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def tiny_model(keras, learning_rate):
    from keras import layers

    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


XY = (np.ones((8, 2), dtype="float32"), np.zeros((8, 1), dtype="float32"))


@claim(PAGE, "The values are float32 (32-bit floating-point numbers, precise to about one "
             "part in ten million), so they are compared with the formula to float32 "
             "precision rather than printed in full:")
def test_schedule_values_are_float32():
    from keras.optimizers import schedules

    assert np.finfo(np.float32).bits == 32
    assert 0.5e-7 < np.finfo(np.float32).eps / 2 < 2e-7  # relative rounding error

    value = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)(50)
    assert str(value.dtype) in ("float32", "<dtype: 'float32'>")


@claim(PAGE, "The optimizer calls it with its own step count before each update.")
def test_optimizer_calls_schedule_with_its_step_count():
    import keras

    class Recording(keras.optimizers.schedules.LearningRateSchedule):
        def __init__(self):
            self.steps = []

        def __call__(self, step):
            self.steps.append(step)
            return 0.01 * keras.ops.power(0.5, keras.ops.cast(step, "float32"))

    schedule = Recording()
    model = tiny_model(keras, schedule)
    model.set_weights([np.array([[0.5], [0.25]], "float32"), np.zeros(1, "float32")])
    model.fit(*XY, batch_size=4, epochs=1, verbose=0, shuffle=False)  # two updates
    assert schedule.steps, "the schedule was never called"
    # by hand: all inputs 1 and targets 0, so the mse gradient is 2 * output for the bias
    # and for each kernel entry; the rates are the schedule's at steps 0 and 1
    kernel, bias = np.array([[0.5], [0.25]]), 0.0
    for rate in (0.01, 0.005):
        output = kernel.sum() + bias
        kernel, bias = kernel - rate * 2 * output, bias - rate * 2 * output
    assert np.allclose(model.layers[0].kernel.numpy(), kernel, atol=1e-6)
    assert np.allclose(model.layers[0].bias.numpy(), bias, atol=1e-6)


@claim(PAGE,
       "`keras.callbacks.LearningRateScheduler` takes a function of the epoch's index "
       "(from 0) and the current rate (a function of the index alone works too), calls it "
       "at the start of each epoch and sets the optimizer's rate to what it returns;",
       "the callback changes it only between epochs, but its function can be any Python "
       "code.")
@KERAS_NUMPY_COPY
def test_learning_rate_scheduler_calls_at_epoch_start():
    import keras

    calls, rates_in_batches = [], []

    def schedule(epoch, rate):
        calls.append((epoch, round(float(rate), 6)))
        return rate / 10

    class BatchRates(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rates_in_batches.append(float(self.model.optimizer.learning_rate))

    model = tiny_model(keras, 1.0)
    model.fit(*XY, batch_size=2, epochs=3, verbose=0,
              callbacks=[keras.callbacks.LearningRateScheduler(schedule), BatchRates()])
    assert calls == [(0, 1.0), (1, 0.1), (2, 0.01)]
    per_epoch = [rates_in_batches[i:i + 4] for i in range(0, 12, 4)]
    assert [set(np.round(r, 6)) for r in per_epoch] == [{0.1}, {0.01}, {0.001}]

    def of_the_index_alone(epoch):
        return 0.5 ** epoch

    model = tiny_model(keras, 1.0)
    history = model.fit(*XY, batch_size=4, epochs=3, verbose=0, callbacks=[
        keras.callbacks.LearningRateScheduler(of_the_index_alone)]).history
    assert np.allclose(history["learning_rate"], [1.0, 0.5, 0.25])


@claim(PAGE,
       "Like `ReduceLROnPlateau` below, it sets the optimizer's rate, so it needs an "
       "optimizer created with a plain number as its learning rate.")
def test_learning_rate_scheduler_refuses_a_schedule():
    import keras

    model = tiny_model(keras, keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        model.fit(*XY, epochs=1, verbose=0,
                  callbacks=[keras.callbacks.LearningRateScheduler(lambda e, r: 0.01)])


def plateau_rates(keras, losses, patience=0, **options):
    """The rate ReduceLROnPlateau leaves after each epoch for these monitored values."""
    model = tiny_model(keras, 1.0)
    callback = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5,
                                                 patience=patience, **options)
    callback.set_model(model)
    callback.on_train_begin()
    rates = []
    for epoch, loss in enumerate(losses):
        callback.on_epoch_end(epoch, {"loss": loss})
        rates.append(round(float(model.optimizer.learning_rate), 6))
    return rates


@claim(PAGE,
       "An improvement must exceed `min_delta` (default `1e-4`) to count, and `min_lr` "
       "sets a floor.",
       "`cooldown=N` (default 0) holds the next reduction back by N - 1 epochs, not N: "
       "Keras counts the epoch of the reduction as the first of the N, so `cooldown=1` "
       "changes nothing.")
@KERAS_NUMPY_COPY
def test_reduce_lr_on_plateau_options():
    import keras

    assert keras.callbacks.ReduceLROnPlateau().min_delta == 1e-4
    # an improvement of 5e-5 does not count, one of 2e-4 does
    assert plateau_rates(keras, [1.0, 1.0 - 5e-5]) == [1.0, 0.5]
    assert plateau_rates(keras, [1.0, 1.0 - 2e-4]) == [1.0, 1.0]
    # exceed, not reach: an improvement of exactly min_delta (exact in binary) does not count
    assert plateau_rates(keras, [1.0, 0.75], min_delta=0.25) == [1.0, 0.5]
    assert plateau_rates(keras, [1.0, 0.74], min_delta=0.25) == [1.0, 1.0]
    # no improvement at all: halved every epoch, or every other with cooldown=2
    flat = [1.0] * 5
    assert plateau_rates(keras, flat) == [1.0, 0.5, 0.25, 0.125, 0.0625]
    assert plateau_rates(keras, flat, cooldown=2) == [1.0, 0.5, 0.5, 0.25, 0.25]
    assert plateau_rates(keras, flat, min_lr=0.3) == [1.0, 0.5, 0.3, 0.3, 0.3]
    assert keras.callbacks.ReduceLROnPlateau().cooldown == 0

    def reductions(patience, cooldown):  # the epochs at whose end the rate fell
        rates = plateau_rates(keras, [1.0] * 10, patience=patience, cooldown=cooldown)
        return [e for e in range(1, 10) if rates[e] < rates[e - 1]]

    for patience in (1, 2):
        without = reductions(patience, 0)
        assert np.all(np.diff(without) == patience)
        assert reductions(patience, 1) == without
        for cooldown in (2, 3):
            assert np.all(np.diff(reductions(patience, cooldown)) == patience + cooldown - 1)


@claim(PAGE,
       "each update moves a weight by the learning rate times a quantity computed from its "
       "[gradient](../glossary.md#gradient) (the gradient itself for plain SGD).")
def test_sgd_step_is_learning_rate_times_gradient():
    import keras

    weight = keras.Variable(np.array([1.0, -2.0], "float32"))
    gradient = np.array([0.5, -4.0], "float32")
    keras.optimizers.SGD(learning_rate=0.5).apply_gradients([(gradient, weight)])
    assert np.allclose(weight.numpy(), [1.0 - 0.25, -2.0 + 2.0])
    # Adam's step also scales with the rate: twice the rate, twice the first step
    steps = []
    for rate in (0.1, 0.2):
        weight = keras.Variable(np.array([1.0, -2.0], "float32"))
        keras.optimizers.Adam(learning_rate=rate).apply_gradients([(gradient, weight)])
        steps.append(weight.numpy() - np.array([1.0, -2.0]))
    assert np.allclose(steps[1], 2 * steps[0], rtol=1e-5)


@claim(PAGE, "With two boundaries it needs three values;")
def test_piecewise_needs_one_value_more_than_boundaries():
    from keras.optimizers import schedules

    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay(boundaries=[100, 200], values=[0.1, 0.01])


@KERAS_NUMPY_COPY
@claim(PAGE,
       "Here `min_delta=1.0` counts every epoch after the first as no improvement, so the "
       "callback tries at the end of epoch 2 (it watches the training `loss`, as no "
       "validation data is given):")
def test_reduction_with_a_schedule_fails_at_the_end_of_epoch_two():
    import keras

    ended = []

    class Ended(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            ended.append(epoch + 1)

    model = tiny_model(keras, keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    # as on the page (a trained model, loss well below 1), no epoch can improve by 1.0;
    # random starting weights could give a first loss above 1 and an "improvement"
    model.set_weights([np.zeros((2, 1), "float32"), np.array([0.5], "float32")])
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=1.0)
    with pytest.raises(TypeError, match="not settable"):
        model.fit(*XY, epochs=5, verbose=0, callbacks=[Ended(), reduce])
    assert ended == [1, 2]  # Ended runs first: epoch 2 ended, then the reduction failed


@claim(PAGE,
       "The callback adds `learning_rate` to the history: the rate each epoch trained with, "
       "recorded before the callback lowers it at that epoch's end:")
@KERAS_NUMPY_COPY
def test_reduce_lr_on_plateau_adds_the_rate_to_the_history():
    import keras

    rates_in_batches = []

    class BatchRates(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rates_in_batches.append(float(self.model.optimizer.learning_rate))

    assert "learning_rate" not in tiny_model(keras, 1.0).fit(*XY, verbose=0).history
    model = tiny_model(keras, 1.0)
    model.set_weights([np.zeros((2, 1), "float32"), np.array([0.5], "float32")])
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=1.0,
                                               factor=0.5)
    history = model.fit(*XY, batch_size=8, epochs=3, verbose=0,
                        callbacks=[BatchRates(), reduce]).history
    assert history["learning_rate"] == rates_in_batches == [1.0, 1.0, 0.5]


@claim(PAGE,
       "The callback writes the rate into each epoch's logs, so `fit()` shows it as "
       "`learning_rate` in the epoch's line and keeps it in the history.")
@KERAS_NUMPY_COPY
def test_learning_rate_scheduler_writes_the_rate_into_the_logs():
    import keras

    seen = []

    class Logs(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(round(logs["learning_rate"], 6))

    model = tiny_model(keras, 1.0)
    history = model.fit(*XY, batch_size=4, epochs=2, verbose=0, callbacks=[
        keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)), Logs()])
    assert seen == [0.1, 0.05]
    assert np.allclose(history.history["learning_rate"], seen)
    assert "learning_rate" not in tiny_model(keras, 1.0).fit(*XY, verbose=0).history
