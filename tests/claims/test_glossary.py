"""Claims of docs/glossary.md: the definitions that state how Keras behaves."""

import math

import pytest

from tests.claims.claims import claim


# Keras converts variables with np.array(..., copy=False), which NumPy 2 reports as
# deprecated from inside Keras; Python's default filters hide it from a reader's script.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def fitted(examples, batch_size=None, epochs=1, **fit_arguments):
    """Train a one-layer model eagerly; return the number of steps run and the history."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.random((examples, 3), dtype="float32"), rng.random((examples, 1))
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    before = int(model.optimizer.iterations)
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, **fit_arguments)
    return int(model.optimizer.iterations) - before, history


@claim("glossary.md",
       "one **step** computes the loss on one batch and updates the weights once.",
       "An epoch has `ceil(examples / batch_size)` steps.",
       "How many examples go into each batch: `fit(batch_size=...)`, 32 by default.")
def test_steps_per_epoch_and_the_default_batch_size():
    assert fitted(100, batch_size=16)[0] == math.ceil(100 / 16)
    assert fitted(100)[0] == math.ceil(100 / 32)


@claim("glossary.md",
       "`fit(epochs=10)` makes ten passes.")
def test_epochs_is_the_number_of_passes():
    steps, history = fitted(64, batch_size=32, epochs=10)
    assert steps == 20 and len(history.history["loss"]) == 10


@claim("glossary.md",
       "The value a unit adds after its weighted sum, one per unit; it starts at zero unless a "
       "`bias_initializer` says otherwise.",
       "`Dense(64)` has 64 units.")
def test_one_bias_per_unit_starting_at_zero():
    import keras
    import numpy as np

    layer = keras.layers.Dense(64)
    layer.build((None, 5))
    assert layer.bias.shape == (64,) and layer.kernel.shape == (5, 64)
    assert np.all(np.asarray(layer.bias) == 0)
    other = keras.layers.Dense(4, bias_initializer="ones")
    other.build((None, 5))
    assert np.all(np.asarray(other.bias) == 1)


@claim("glossary.md",
       "An object that `fit()` calls at fixed points of training (the end of each epoch or "
       "batch) to act on it: save the weights, stop early, change the learning rate, log "
       "numbers.")
def test_fit_calls_callbacks_at_batch_and_epoch_ends():
    import keras

    calls = []

    class Recorder(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            calls.append("batch")

        def on_epoch_end(self, epoch, logs=None):
            calls.append("epoch")

    fitted(64, batch_size=32, epochs=2, callbacks=[Recorder()])
    assert calls == ["batch", "batch", "epoch"] * 2


@claim("glossary.md",
       "Keras keeps the channels on the last axis by default: `(height, width, channels)`.")
def test_channels_last_by_default():
    import keras

    assert keras.config.image_data_format() == "channels_last"
    layer = keras.layers.Conv2D(16, 3)
    assert layer.data_format == "channels_last"
    assert layer.compute_output_shape((None, 10, 12, 3)) == (None, 8, 10, 16)


@claim("glossary.md",
       "The usual classification loss: minus the log of the probability the model gives the "
       "true class, averaged over the examples; near 0 for confident right answers, large for "
       "confident wrong ones.",
       "`binary_crossentropy` suits sigmoid outputs (one per label), "
       "`sparse_categorical_crossentropy` and `categorical_crossentropy` a softmax.",
       "A label written as a row with a 1 in its class's column and 0 elsewhere; the format "
       "`categorical_crossentropy` expects.")
def test_cross_entropy_is_mean_minus_log_of_true_class_probability():
    import keras
    import numpy as np

    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.98, 0.01, 0.01]])
    labels = np.array([0, 2, 1])
    expected = -np.log(probabilities[np.arange(3), labels]).mean()
    sparse = float(keras.losses.sparse_categorical_crossentropy(labels, probabilities).numpy()
                   .mean())
    one_hot = keras.utils.to_categorical(labels, 3)
    assert np.array_equal(one_hot, np.eye(3)[labels])
    dense = float(keras.losses.CategoricalCrossentropy()(one_hot, probabilities))
    assert np.isclose(sparse, expected, atol=1e-6) and np.isclose(dense, expected, atol=1e-6)
    confident = np.array([[0.999, 0.0005, 0.0005]])
    right = float(keras.losses.SparseCategoricalCrossentropy()(np.array([0]), confident))
    wrong = float(keras.losses.SparseCategoricalCrossentropy()(np.array([1]), confident))
    assert right < 0.01 and wrong > 7
    binary = float(keras.losses.BinaryCrossentropy()([[1.0], [0.0]], [[0.9], [0.3]]))
    assert np.isclose(binary, -(np.log(0.9) + np.log(0.7)) / 2, atol=1e-6)
    labels = float(keras.losses.BinaryCrossentropy()([[1.0, 0.0]], [[0.9, 0.3]]))  # two labels
    assert np.isclose(labels, binary, atol=1e-6)


@claim("glossary.md",
       "`Conv2D(16, 3)` has 16 filters of 3 x 3.",
       "for `Conv2D`, each filter's window of weights, one per window position and input "
       "channel.")
def test_conv2d_filters_and_kernel():
    import keras

    layer = keras.layers.Conv2D(16, 3)
    layer.build((None, 28, 28, 5))
    assert layer.kernel.shape == (3, 3, 5, 16) and layer.bias.shape == (16,)


@claim("glossary.md",
       "The default way Keras chooses the starting kernel values of `Dense` and convolution "
       "layers (`glorot_uniform`, also called Xavier): uniformly random within "
       "`±sqrt(6 / (fan_in + fan_out))`, where `fan_in` and `fan_out` are a `Dense` layer's "
       "numbers of inputs and units.",
       "Not every layer uses it: `Embedding` starts uniformly within `±0.05`, and an `LSTM`'s "
       "recurrent kernel starts orthogonal.")
def test_glorot_uniform_defaults_and_exceptions():
    import keras
    import numpy as np

    for layer in (keras.layers.Dense(4), keras.layers.Conv1D(4, 3), keras.layers.Conv2D(4, 3),
                  keras.layers.Conv3D(4, 3)):
        assert type(layer.kernel_initializer) is keras.initializers.GlorotUniform
    dense = keras.layers.Dense(300)
    dense.build((None, 500))
    values = np.asarray(dense.kernel)
    limit = math.sqrt(6 / 800)
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.99 * limit
    embedding = keras.layers.Embedding(10, 4).embeddings_initializer
    assert type(embedding) is keras.initializers.RandomUniform
    assert (embedding.minval, embedding.maxval) == (-0.05, 0.05)
    cell = keras.layers.LSTM(4).cell
    assert type(cell.kernel_initializer) is keras.initializers.GlorotUniform
    assert type(cell.recurrent_initializer) is keras.initializers.Orthogonal


@claim("glossary.md",
       "For each weight, how much the loss changes when that weight changes a little; the "
       "optimizer moves each weight against its gradient.",
       "How large a step the optimizer takes at each update: it scales how far each weight "
       "moves against its gradient.")
def test_sgd_moves_each_weight_against_its_gradient():
    import keras
    import numpy as np
    import tensorflow as tf

    weight = keras.Variable(np.array([1.0, -2.0, 3.0], "float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(weight**2)
    gradient = tape.gradient(loss, weight).numpy()
    bumped = np.array([1.001, -2.0, 3.0], "float32")
    assert np.isclose((np.sum(bumped**2) - 14) / 0.001, gradient[0], rtol=1e-2)
    keras.optimizers.SGD(learning_rate=0.1).apply([tf.constant(gradient)], [weight])
    assert np.allclose(weight.numpy(), np.array([1.0, -2.0, 3.0]) - 0.1 * gradient)


@claim("glossary.md", "Every optimizer takes `learning_rate=`.")
def test_every_optimizer_takes_a_learning_rate():
    import inspect

    import keras

    optimizers = [cls for cls in vars(keras.optimizers).values()
                  if inspect.isclass(cls) and issubclass(cls, keras.optimizers.Optimizer)
                  and cls is not keras.optimizers.Optimizer
                  and cls.__name__ not in ("LossScaleOptimizer", "MultiOptimizer")]  # wrap others
    assert len(optimizers) >= 10
    for cls in optimizers:
        assert float(cls(learning_rate=0.125).learning_rate) == 0.125, cls.__name__


@claim("glossary.md",
       "for a sigmoid, it is the log-odds of the probability.",
       "`1 / (1 + e^-x)`: squeezes a logit into a probability between 0 and 1;")
def test_sigmoid_and_log_odds():
    import keras
    import numpy as np

    logits = np.linspace(-6, 6, 25).astype("float32")
    p = np.asarray(keras.activations.sigmoid(logits))
    assert np.allclose(p, 1 / (1 + np.exp(-logits)), atol=1e-6)
    assert np.all((p > 0) & (p < 1))
    assert np.allclose(np.log(p / (1 - p)), logits, atol=1e-3)


@claim("glossary.md",
       "A number reported during training and evaluation but not minimised, such as accuracy.")
def test_metrics_do_not_change_training():
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x, y = rng.random((64, 3), dtype="float32"), rng.integers(0, 2, 64)
    weights = []
    for metrics in ([], ["accuracy", "auc"]):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input(shape=(3,)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=metrics,
                      run_eagerly=True)
        history = model.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
        weights.append(model.get_weights())
        scores = model.evaluate(x, y, verbose=0, return_dict=True)
        assert set(history.history) == set(scores) == {"loss", *(
            "auc" if m == "auc" else m for m in metrics)}
    assert all(np.array_equal(a, b) for a, b in zip(*weights))


@claim("glossary.md",
       "`count_params()` and the summary table count them.")
def test_count_params_counts_every_kernel_and_bias_value():
    import keras

    model = keras.Sequential([keras.Input(shape=(7,)), keras.layers.Dense(5),
                              keras.layers.Dense(2)])
    assert model.count_params() == 7 * 5 + 5 + 5 * 2 + 2
    assert model.count_params() == sum(int(w.numpy().size) for w in model.weights)
    printed = []
    model.summary(print_fn=lambda line, **_: printed.append(line))
    table = "\n".join(printed)
    assert "Total params: 52 " in table  # the summary's count, kernels and biases
    assert [row.split("│")[-2].strip() for row in table.splitlines() if "(Dense)" in row] == [
        "40", "12"]


@claim("glossary.md",
       "`padding=\"valid\"` (the default) uses only windows that fit inside, so the output "
       "shrinks; `padding=\"same\"` pads the edges (with zeros, for a convolution) so that "
       "with stride 1 the output keeps the input's size.",
       "`strides=2` roughly halves each axis.",
       "`Conv2D` moves 1 pixel at a time by default, a pooling layer by its pool size.")
def test_padding_and_strides():
    import keras
    import numpy as np

    conv = keras.layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False)
    assert conv.padding == "valid" and conv.strides == (1, 1)
    assert conv.compute_output_shape((None, 9, 9, 1)) == (None, 7, 7, 1)
    same = keras.layers.Conv2D(1, 3, padding="same", kernel_initializer="ones",
                               use_bias=False)
    ones = np.ones((1, 5, 5, 1), "float32")
    out = np.asarray(same(ones))[0, :, :, 0]
    assert out.shape == (5, 5) and out[0, 0] == 4 and out[2, 2] == 9  # zeros at the edges
    assert keras.layers.Conv2D(1, 3, strides=2, padding="same").compute_output_shape(
        (None, 9, 10, 1)) == (None, 5, 5, 1)
    pool = keras.layers.MaxPooling2D(3)
    assert pool.strides == (3, 3)


@claim("glossary.md",
       "The rectified linear unit, `max(0, x)`: the usual activation for hidden layers.",
       "Turns a row of logits into probabilities that are positive and add up to 1;")
def test_relu_and_softmax():
    import keras
    import numpy as np

    x = np.linspace(-3, 3, 13).astype("float32")
    assert np.array_equal(keras.activations.relu(x), np.maximum(0, x))
    rows = np.random.default_rng(0).normal(size=(4, 6)).astype("float32") * 10
    p = np.asarray(keras.activations.softmax(rows))
    assert np.all(p > 0) and np.allclose(p.sum(axis=1), 1, atol=1e-6)


@claim("glossary.md",
       "Splitting data so that each part keeps the share of each class of the whole, as "
       "`train_test_split(..., stratify=labels)` does.")
def test_stratify_keeps_class_shares():
    import numpy as np
    from sklearn.model_selection import train_test_split

    labels = np.repeat([0, 1, 2], [500, 300, 200])
    train, test = train_test_split(labels, test_size=0.2, stratify=labels, random_state=0)
    assert np.array_equal(np.bincount(test), [100, 60, 40])
    assert np.array_equal(np.bincount(train), [400, 240, 160])


@claim("glossary.md",
       "Keras layers take and return tensors, and NumPy arrays convert to and from them.")
def test_layers_take_numpy_and_return_tensors():
    import keras
    import numpy as np
    import tensorflow as tf

    out = keras.layers.Dense(2)(np.ones((3, 4), "float32"))
    assert isinstance(out, tf.Tensor) and isinstance(np.asarray(out), np.ndarray)
    assert isinstance(keras.ops.convert_to_tensor(np.ones(3)), tf.Tensor)


@claim("glossary.md",
       "`fit()` calls the model with `training=True`, `predict()` and `evaluate()` with "
       "`training=False` (inference mode).",
       "A plain call, `model(x)`, passes neither, and each layer then uses its own default: "
       "inference mode for `Dropout` and `BatchNormalization`, training mode for the random "
       "augmentation layers such as `RandomFlip`",
       "`BatchNormalization` uses the statistics of the current batch.")
def test_training_mode_defaults():
    import keras
    import numpy as np

    seen = []

    class Probe(keras.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    x = np.random.default_rng(0).normal(3, 2, (8, 4)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(4,)), Probe(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    modes = []
    for run in (lambda: model.fit(x, x[:, :1], verbose=0),
                lambda: model.predict(x, verbose=0),
                lambda: model.evaluate(x, x[:, :1], verbose=0),
                lambda: model(x)):
        seen.clear()
        run()
        modes.append(set(seen))
    assert modes == [{True}, {False}, {False}, {None}]

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dropout(0.5),
                              keras.layers.BatchNormalization()])
    assert np.array_equal(model(x), model(x, training=False))
    batch_statistics = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-3)
    assert np.allclose(model.layers[1](x, training=True), batch_statistics, atol=1e-4)
    assert not np.allclose(model.layers[1](x), batch_statistics, atol=1e-2)
    flip = keras.layers.RandomFlip(seed=1)
    images = np.random.default_rng(0).random((4, 6, 6, 1), dtype="float32")
    assert not np.array_equal(flip(images), images)


@claim("glossary.md",
       "The share of the training arrays that `fit(validation_split=...)` holds out, taken "
       "from the end of the arrays before any shuffling, and measured after every epoch.")
def test_validation_split_takes_the_end_before_shuffling():
    import keras
    import numpy as np
    import tensorflow as tf

    x = np.arange(20, dtype="float32").reshape(20, 1)
    seen = []

    class Probe(keras.layers.Layer):
        def call(self, inputs, training=None):
            if tf.executing_eagerly():  # not while Keras infers the output shape
                seen.append((bool(training), inputs.numpy().ravel().tolist()))
            return inputs

    model = keras.Sequential([keras.Input(shape=(1,)), Probe(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    history = model.fit(x, x, epochs=2, batch_size=20, validation_split=0.2, verbose=0)
    trained = sorted(v for training, values in seen if training for v in values)
    validated = [values for training, values in seen if not training]
    assert trained == sorted(list(range(16)) * 2)  # the first four fifths, each epoch
    assert validated == [[16.0, 17.0, 18.0, 19.0]] * 2  # the last fifth
    # measured after every epoch: each epoch's training batch, then its validation batch
    # (not all of the validation after the last epoch, nor before each epoch's training)
    assert [training for training, _ in seen] == [True, False] * 2
    assert len(history.history["val_loss"]) == 2


@claim("glossary.md",
       "In training mode, each value is zeroed with probability `0.5` and the survivors are "
       "multiplied by `1 / (1 - 0.5) = 2`, so the expected sum stays the same.",
       "`Dropout` zeroes a random share of its inputs and scales up the rest,")
def test_dropout_zeroes_half_and_doubles_the_rest():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    out = np.asarray(keras.layers.Dropout(0.5)(np.ones((100, 100), "float32"), training=True))
    assert set(np.unique(out)) == {0.0, 2.0}
    assert abs(np.mean(out == 0) - 0.5) < 0.02 and abs(out.mean() - 1) < 0.04


@claim("glossary.md",
       "One output of a `Dense` layer (also called a neuron): a weighted sum of all the "
       "layer's inputs plus a bias, passed through the activation.",
       "for `Dense`, a matrix with one weight per input-unit pair;")
def test_a_unit_is_a_weighted_sum_plus_bias_through_the_activation():
    import keras
    import numpy as np

    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    layer = keras.layers.Dense(4, activation="tanh", bias_initializer="random_normal")
    out = np.asarray(layer(x))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (5, 4)
    assert np.allclose(out[:, 2], np.tanh(x @ kernel[:, 2] + bias[2]), atol=1e-6)
