"""Claims of docs/reference/training-loop.md that its own code does not show."""

import warnings

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/training-loop.md"


@claim(PAGE,
       "With a buffer as large as the data set the shuffle is uniform, and by default "
       "each pass over the dataset (each `for` loop over it) gets a new order.")
def test_shuffle_gives_each_pass_a_new_order():
    import tensorflow as tf

    def passes(seed):
        dataset = tf.data.Dataset.range(20).shuffle(20, seed=seed)
        return [[int(v) for v in dataset] for _ in range(3)]

    first = passes(0)
    assert all(sorted(p) == list(range(20)) for p in first)
    assert first[0] != first[1] != first[2]
    assert passes(0) == first  # the sequence of orders repeats with the seed
    # uniform: with the whole data set in the buffer, the first element can be any
    starts = {int(next(iter(tf.data.Dataset.range(20).shuffle(20, seed=s))))
              for s in range(100)}
    assert len(starts) == 20


@claim(PAGE,
       "`batch(128)` groups 128 samples per step; when the samples do not divide evenly, "
       "the last batch holds what is left.")
def test_last_batch_holds_the_rest():
    import tensorflow as tf

    sizes = [int(b.shape[0]) for b in tf.data.Dataset.range(300).batch(128)]
    assert sizes == [128, 128, 44]


@claim(PAGE,
       "`prefetch(tf.data.AUTOTUNE)` prepares the next batches while the current one "
       "trains.")
def test_prefetch_is_documented_to_overlap():
    import tensorflow as tf

    doc = " ".join(tf.data.Dataset.prefetch.__doc__.split())
    assert "while the current element is being processed" in doc
    dataset = tf.data.Dataset.range(10).batch(4)
    assert [list(b.numpy()) for b in dataset.prefetch(tf.data.AUTOTUNE)] == \
        [list(b.numpy()) for b in dataset]


@claim(PAGE,
       "`update_state()` adds a batch, `result()` reads the value so far, "
       "`reset_state()` starts again.",
       "`Mean` averages what it is given; `SparseCategoricalAccuracy` counts correct "
       "predictions for integer labels.",
       "Without `reset_state()` each epoch's numbers would be averages over all epochs so "
       "far.")
def test_metric_objects_accumulate_until_reset():
    import keras

    mean = keras.metrics.Mean()
    mean.update_state([1.0, 2.0])
    assert float(mean.result()) == 1.5
    mean.update_state([6.0])  # the next "epoch" without a reset: 3.0 over all values
    assert float(mean.result()) == 3.0
    mean.reset_state()
    mean.update_state([6.0])
    assert float(mean.result()) == 6.0
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state([0, 2], [[0.9, 0.1, 0.0], [0.8, 0.1, 0.1]])
    assert float(accuracy.result()) == 0.5


@claim(PAGE,
       "A metric's `update_state()` takes a `sample_weight`, how much the value counts in "
       "the metric's mean; given the batch size, it makes each batch count as many times "
       "as it has samples, so the epoch's value is the mean over all samples, as `fit()` "
       "computes it:")
def test_sample_weight_and_fit_average_over_samples():
    import keras
    from keras import layers

    mean = keras.metrics.Mean()
    mean.update_state(1.0, sample_weight=3)
    mean.update_state(5.0, sample_weight=1)
    assert float(mean.result()) == 2.0

    # fit()'s loss with a short last batch (4 + 4 + 2 samples) is the mean over samples
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((10, 4), dtype="float32")
    y = np.arange(10) % 3
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss="sparse_categorical_crossentropy")
    loss = model.fit(x, y, batch_size=4, shuffle=False, verbose=0).history["loss"][0]
    per_sample = keras.losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0))
    per_sample = np.asarray(per_sample)
    assert np.isclose(loss, per_sample.mean(), rtol=1e-5)
    batch_means = np.mean([per_sample[s].mean() for s in (slice(0, 4), slice(4, 8), slice(8, 10))])
    assert not np.isclose(loss, batch_means, rtol=1e-4)


@claim(PAGE,
       "The training step calls the model with `training=True` (layers such as `Dropout` "
       "behave differently in training)")
def test_dropout_depends_on_training():
    import keras
    from keras import layers

    dropout = layers.Dropout(0.5, seed=0)
    x = np.ones((1, 100), dtype="float32")
    assert np.array_equal(dropout(x, training=False), x)
    assert not np.array_equal(dropout(x, training=True), x)


@claim(PAGE,
       "Here every training batch has 128 samples, so one shape; a smaller last batch "
       "would be a new shape, traced again.")
def test_new_batch_shape_traces_again():
    import tensorflow as tf

    @tf.function
    def double(x):
        return 2 * x

    double(tf.zeros((128, 64)))
    double(tf.ones((128, 64)))
    assert double.experimental_get_tracing_count() == 1
    double(tf.zeros((16, 64)))
    assert double.experimental_get_tracing_count() == 2


@claim(PAGE,
       "Variables may be created only while a `tf.function` is traced for the first "
       "time, and when that first trace created some, `tf.function` traces the function "
       "once more for the calls that follow.",
       "Plain `SGD` has no variables to create in its first step; `Adam` creates two per "
       "weight (its running averages of the gradients and of their squares).")
def test_variable_creation_traces_twice():
    import keras
    import tensorflow as tf

    traces, created = [], []

    @tf.function
    def make_once(x):
        traces.append(1)
        if not created:
            created.append(tf.Variable(1.0))
        return x * created[0]

    make_once(tf.constant(2.0))
    make_once(tf.constant(3.0))
    assert len(traces) == 2

    @tf.function
    def creates_every_call(x):
        return tf.Variable(x)

    # a function that creates a variable on every trace fails: the second trace refuses it
    with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
        creates_every_call(tf.constant(1.0))

    weights = [keras.Variable(np.ones((3, 2), "float32")), keras.Variable(np.ones(2, "float32"))]
    gradients = [np.ones((3, 2), "float32"), np.ones(2, "float32")]
    for optimizer, new in [(keras.optimizers.SGD(), 0), (keras.optimizers.Adam(), 4)]:
        before = len(optimizer.variables)
        optimizer.apply_gradients(zip(gradients, weights))
        assert len(optimizer.variables) - before == new
    kinds = sorted(v.name.rsplit("_", 1)[-1] for v in optimizer.variables[2:])
    assert kinds == ["momentum", "momentum", "velocity", "velocity"]


@claim(PAGE,
       "`fit()` does not shuffle a `tf.data.Dataset` itself (the pipeline does); "
       "`shuffle=False` says so and avoids a warning:")
def test_fit_warns_that_it_does_not_shuffle_a_dataset():
    import keras
    import tensorflow as tf
    from keras import layers

    x = np.arange(8, dtype="float32").reshape(8, 1)
    dataset = tf.data.Dataset.from_tensor_slices((x, x)).batch(4)
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="will be ignored since the data `x` was provided"):
        model.fit(dataset, verbose=0)
    # and it is ignored: the batches come in the pipeline's order, epoch after epoch
    seen = []

    class Recorder(layers.Layer):
        def call(self, inputs):
            seen.append([int(v) for v in inputs.numpy()[:, 0]])
            return inputs

        def compute_output_shape(self, input_shape):
            return input_shape

    x = np.arange(32, dtype="float32").reshape(32, 1)
    dataset = tf.data.Dataset.from_tensor_slices((x, x)).batch(4)
    recording = keras.Sequential([keras.Input(shape=(1,)), Recorder(), layers.Dense(1)])
    recording.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    with pytest.warns(UserWarning, match="will be ignored"):
        recording.fit(dataset, epochs=2, verbose=0)  # shuffle=True, the default
    assert seen == [list(range(i, i + 4)) for i in range(0, 32, 4)] * 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(dataset, shuffle=False, verbose=0)


@claim(PAGE,
       "The optimizer is plain **stochastic gradient descent** (`SGD`): each step moves "
       "every weight against its gradient, by the **learning rate** "
       "([glossary](../glossary.md#learning-rate)) times the gradient, here `0.5` times:")
def test_sgd_step_is_learning_rate_times_gradient():
    import keras

    weight = keras.Variable(np.array([1.0, -2.0], "float32"))
    gradient = np.array([0.5, -4.0], "float32")
    keras.optimizers.SGD(learning_rate=0.5).apply_gradients([(gradient, weight)])
    assert np.allclose(weight.numpy(), [1.0 - 0.25, -2.0 + 2.0])


@claim(PAGE,
       "Keras 3.15's `fit()` opens a new pass at the end of each epoch and then another at "
       "the start of the next, so after the first epoch it trains on different orders than "
       "a `for` loop over the same pipeline does (this is in Keras's `EpochIterator`).")
def test_fit_opens_a_pass_at_the_end_and_at_the_start_of_each_epoch(monkeypatch):
    import keras
    import tensorflow as tf
    from keras import layers
    # Keras internals: the TensorFlow backend's EpochIterator; each pass opened is one
    # iter() over what _get_iterator() returns
    from keras.src.backend.tensorflow.trainer import TFEpochIterator

    events = []
    opened = TFEpochIterator._get_iterator

    def recording(self):
        events.append("open")
        return opened(self)

    monkeypatch.setattr(TFEpochIterator, "_get_iterator", recording)

    class Epochs(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            events.append("begin")

        def on_epoch_end(self, epoch, logs=None):
            events.append("end")

    x = np.arange(8, dtype="float32").reshape(8, 1)
    dataset = tf.data.Dataset.from_tensor_slices((x, x)).batch(4)
    model = keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(dataset, epochs=2, shuffle=False, verbose=0, callbacks=[Epochs()])
    assert events == ["begin", "open", "open", "end"] * 2
