"""Claims of docs/reference/functional-api.md that its own code does not show."""

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/functional-api.md"


def two_output_model(keras, digit_name="digit_softmax", even_name="even_sigmoid",
                     as_list=False):
    from keras import layers

    inputs = keras.Input(shape=(64,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    digit = layers.Dense(10, activation="softmax", name=digit_name)(hidden)
    even = layers.Dense(1, activation="sigmoid", name=even_name)(hidden)
    outputs = [digit, even] if as_list else {"digit": digit, "even": even}
    return keras.Model(inputs=inputs, outputs=outputs)


def data(n=10):
    rng = np.random.default_rng(0)
    x = rng.random((n, 64), dtype="float32")
    labels = np.arange(n) % 10
    return x, labels, (labels % 2 == 0).astype("float32")


@claim(PAGE,
       "`keras.Input` also creates an `InputLayer`: a layer with no weights that stands "
       "for the model's input and passes it on unchanged.",
       "A `Sequential` model leaves it out of its `layers` and its summary; a functional "
       "model lists it, so its summary has one more row.",
       "For a plain chain like this one the table keeps the three columns of a "
       "`Sequential` model's summary; the models with branches below add a fourth:")
def test_input_layer_listed_by_functional_models_only(capsys):
    import keras
    from keras import layers

    inputs = keras.Input(shape=(4,))
    functional = keras.Model(inputs, layers.Dense(2)(inputs))
    input_layer = functional.layers[0]
    assert type(input_layer).__name__ == "InputLayer"
    assert input_layer.weights == []
    x = np.arange(8, dtype="float32").reshape(2, 4)
    assert np.array_equal(keras.Model(inputs, inputs)(x), x)

    sequential = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
    assert [type(layer).__name__ for layer in sequential.layers] == ["Dense"]
    capsys.readouterr()
    sequential.summary()
    table = capsys.readouterr().out
    assert "InputLayer" not in table
    columns = ["Layer (type)", "Output Shape", "Param #"]
    assert all(c in table for c in columns) and "Connected to" not in table
    functional.summary()
    table = capsys.readouterr().out
    assert "InputLayer" in table
    assert all(c in table for c in columns) and "Connected to" not in table
    # a branch (one tensor read by two layers) adds the fourth column
    branch = layers.Dense(2)(inputs)
    joined = layers.Concatenate()([layers.Dense(2)(branch), branch])
    keras.Model(inputs, joined).summary()
    assert "Connected to" in capsys.readouterr().out


@claim(PAGE,
       "A `KerasTensor` is not a TensorFlow tensor: it has no values, only a shape and a "
       "type.",
       "Keras layers accept it, and so do the functions of `keras.ops` (Keras's NumPy-like "
       "operations), but TensorFlow's own functions (`tf.square`, `tf.reduce_mean` and the "
       "rest) refuse it:")
def test_tensorflow_functions_refuse_keras_tensors():
    import keras
    import tensorflow as tf

    inputs = keras.Input(shape=(4,))
    assert type(inputs).__name__ == "KerasTensor" and not tf.is_tensor(inputs)
    assert tuple(inputs.shape) == (None, 4) and inputs.dtype == "float32"
    for function in (tf.square, tf.reduce_mean, tf.nn.relu):
        with pytest.raises(ValueError, match="KerasTensor cannot be used"):
            function(inputs)
    assert type(keras.ops.mean(inputs, axis=-1)).__name__ == "KerasTensor"
    assert type(keras.layers.Dense(2)(inputs)).__name__ == "KerasTensor"


@claim(PAGE,
       "calling the model (or `predict()`) returns one array per output, in a dictionary "
       "with the same keys.")
def test_predict_returns_a_dictionary_of_arrays():
    import keras

    model = two_output_model(keras)
    predicted = model.predict(data()[0], verbose=0)
    assert isinstance(predicted, dict) and sorted(predicted) == ["digit", "even"]
    assert predicted["digit"].shape == (10, 10) and predicted["even"].shape == (10, 1)


def per_sample_losses(keras, model, x, labels, even):
    predicted = model.predict(x, verbose=0)
    digit = keras.losses.SparseCategoricalCrossentropy(reduction=None)(
        labels, predicted["digit"])
    even = keras.losses.BinaryCrossentropy(reduction=None)(
        even[:, None], predicted["even"])
    return np.asarray(digit), np.asarray(even)


@claim(PAGE,
       "Each batch's total loss is the sum of its two output losses, but the history "
       "averages the batches in two ways.",
       "`loss` is a mean over images, so the last, short batch of 5 counts for 5 images; "
       "each output's loss is a plain mean of the batch values, so that batch counts as "
       "much as a full one.",
       "When every batch has the same size, the two ways agree and `loss` is the sum of "
       "the output losses.")
def test_history_averages_total_and_output_losses_differently():
    import keras

    x, labels, even = data(10)
    targets = {"digit": labels, "even": even}
    for batch_size, batches in [(4, [slice(0, 4), slice(4, 8), slice(8, 10)]),
                                (5, [slice(0, 5), slice(5, 10)])]:
        keras.utils.set_random_seed(0)
        model = two_output_model(keras)
        # a learning rate of 0 keeps the weights, so predict() gives each batch's values
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                      loss={"digit": "sparse_categorical_crossentropy",
                            "even": "binary_crossentropy"})
        history = model.fit(x, targets, batch_size=batch_size, shuffle=False,
                            verbose=0).history
        digit, even_loss = per_sample_losses(keras, model, x, labels, even)
        batch_means = lambda values: np.mean([values[b].mean() for b in batches])
        assert np.isclose(history["loss"][0], (digit + even_loss).mean(), rtol=1e-5)
        assert np.isclose(history["digit_loss"][0], batch_means(digit), rtol=1e-5)
        assert np.isclose(history["even_loss"][0], batch_means(even_loss), rtol=1e-5)
        total = history["digit_loss"][0] + history["even_loss"][0]
        if batch_size == 5:  # equal batches
            assert np.isclose(history["loss"][0], total, rtol=1e-5)
        else:
            assert not np.isclose(history["loss"][0], total, rtol=1e-4)


@claim(PAGE,
       "(With a list of outputs, `outputs=[digit, even]`, there are no keys, and a "
       "dictionary of losses is keyed by the output layers' names.)")
def test_list_outputs_key_losses_by_layer_names():
    import keras

    x, labels, even = data()
    model = two_output_model(keras, as_list=True)
    model.compile(optimizer="sgd", loss={"digit_softmax": "sparse_categorical_crossentropy",
                                         "even_sigmoid": "binary_crossentropy"})
    history = model.fit(x, [labels, even], verbose=0).history
    assert sorted(history) == ["digit_softmax_loss", "even_sigmoid_loss", "loss"]


@claim(PAGE,
       "(A `Sequential` model can list one layer object twice, when the layer's output "
       "fits its own input, and so apply the same weights twice one after the other; it "
       "cannot apply one layer to two inputs.)")
def test_sequential_repeats_a_layer_but_takes_one_input():
    import keras
    from keras import layers

    repeated = layers.Dense(4)
    model = keras.Sequential([keras.Input(shape=(4,)), repeated, repeated])
    assert model.count_params() == repeated.count_params() == 20
    x = np.ones((1, 4), dtype="float32")
    assert np.allclose(model(x), repeated(repeated(x)))
    assert len(model.inputs) == 1
    with pytest.raises(ValueError, match="already been configured"):
        keras.Sequential([keras.Input(shape=(4,)), keras.Input(shape=(4,)), repeated])


@claim(PAGE, "Two separate `Dense(16)` layers would have twice the 528 parameters.")
def test_two_dense_layers_double_the_parameters():
    import keras
    from keras import layers

    top, bottom = keras.Input(shape=(32,)), keras.Input(shape=(32,))
    first, second = layers.Dense(16), layers.Dense(16)
    joined = layers.Concatenate()([first(top), second(bottom)])
    model = keras.Model([top, bottom], joined)
    assert model.count_params() == 2 * 528


@claim(PAGE,
       "`shared[0][0]` and `shared[1][0]` are the outputs of the layer's first and second "
       "call: `joined` reads both.")
def test_connected_to_names_the_calls_of_a_shared_layer():
    import keras
    from keras import layers

    top, bottom = keras.Input(shape=(32,)), keras.Input(shape=(32,))
    shared = layers.Dense(16)
    first, second = shared(top), shared(bottom)
    nodes = shared._inbound_nodes  # Keras internals: one node per call
    assert nodes[0].output_tensors[0] is first and nodes[1].output_tensors[0] is second


@claim(PAGE, "The `Add` layer needs tensors of the same shape:")
def test_add_refuses_different_shapes():
    import keras
    from keras import layers

    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([keras.Input(shape=(32,)), keras.Input(shape=(16,))])


@claim(PAGE,
       "A `Sequential` model is itself a layer, so it can be one step of a functional "
       "model (and a functional model one layer of a `Sequential` one).",
       "The weights are shared: `mixed` uses the `sequential` model's own layers, not "
       "copies.")
def test_models_nest_both_ways_and_share_weights():
    import keras
    from keras import layers

    sequential = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
    assert isinstance(sequential, layers.Layer)
    inputs = keras.Input(shape=(4,))
    mixed = keras.Model(inputs, sequential(inputs))
    assert any(layer is sequential for layer in mixed.layers)
    assert all(a is b for a, b in zip(mixed.weights, sequential.weights))

    functional = keras.Model(inputs, layers.Dense(2)(inputs))
    outer = keras.Sequential([keras.Input(shape=(4,)), functional, layers.Dense(1)])
    assert outer(np.ones((2, 4), dtype="float32")).shape == (2, 1)


@claim(PAGE,
       "The total loss is a plain sum of the output losses unless `compile()` gets "
       "`loss_weights=`, a dictionary with the same keys: the total becomes the weighted "
       "sum, and training then minimises that.",
       "The output losses are still reported unweighted.",
       "The weights set how far each output's loss pulls the layers the two outputs share")
def test_loss_weights_weight_the_total_that_training_minimises():
    import keras
    import tensorflow as tf

    x, labels, even = data(10)
    targets = {"digit": labels, "even": even}
    losses = {"digit": "sparse_categorical_crossentropy", "even": "binary_crossentropy"}
    weights = {"digit": 1.0, "even": 0.2}

    keras.utils.set_random_seed(0)
    model = two_output_model(keras)
    start = [w.numpy() for w in model.trainable_weights]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=losses,
                  loss_weights=weights, run_eagerly=True)
    evaluated = model.evaluate(x, targets, batch_size=10, verbose=0, return_dict=True)
    digit, even_loss = per_sample_losses(keras, model, x, labels, even)
    assert np.isclose(evaluated["digit_loss"], digit.mean(), rtol=1e-5)
    assert np.isclose(evaluated["even_loss"], even_loss.mean(), rtol=1e-5)
    assert np.isclose(evaluated["loss"], digit.mean() + 0.2 * even_loss.mean(), rtol=1e-5)

    # one step of plain SGD on one batch moves every weight, the shared layer's too, by
    # the gradient of the weighted sum
    with tf.GradientTape() as tape:
        predicted = model(x)
        total = (keras.losses.SparseCategoricalCrossentropy()(labels, predicted["digit"])
                 + 0.2 * keras.losses.BinaryCrossentropy()(even[:, None], predicted["even"]))
    gradients = tape.gradient(total, model.trainable_weights)
    model.fit(x, targets, batch_size=10, epochs=1, shuffle=False, verbose=0)
    for before, gradient, after in zip(start, gradients, model.trainable_weights):
        assert np.allclose(after.numpy(), before - 0.1 * gradient.numpy(), atol=1e-6)


@claim(PAGE, "The two accuracies were not asked for here: a `compile()` without `metrics=` "
             "(or `weighted_metrics=`) keeps the metrics of the model's previous `compile()`, "
             "and `evaluate()` measures them again on these images.")
def test_compile_without_metrics_keeps_the_previous_metrics():
    import keras

    x, labels, even = data(10)
    targets = {"digit": labels, "even": even}
    losses = {"digit": "sparse_categorical_crossentropy", "even": "binary_crossentropy"}
    keras.utils.set_random_seed(0)
    model = two_output_model(keras)
    model.compile(loss=losses, metrics={"digit": ["accuracy"], "even": ["accuracy"]},
                  run_eagerly=True)
    model.evaluate(x[:5], {k: v[:5] for k, v in targets.items()}, verbose=0)
    model.compile(loss=losses, loss_weights={"digit": 1.0, "even": 0.2}, run_eagerly=True)
    results = model.evaluate(x, targets, batch_size=10, verbose=0, return_dict=True)
    predicted = model(x)
    assert np.isclose(results["digit_accuracy"],
                      np.mean(np.asarray(predicted["digit"]).argmax(axis=1) == labels))
    assert np.isclose(results["even_accuracy"],
                      np.mean((np.asarray(predicted["even"])[:, 0] > 0.5) == even))
    # a fresh model compiled the same way reports the losses only
    fresh = two_output_model(keras)
    fresh.compile(loss=losses, loss_weights={"digit": 1.0, "even": 0.2}, run_eagerly=True)
    assert sorted(fresh.evaluate(x, targets, verbose=0, return_dict=True)) == [
        "digit_loss", "even_loss", "loss"]
    # metrics= replaces them
    model.compile(loss=losses, metrics={"digit": ["accuracy"]}, run_eagerly=True)
    assert "even_accuracy" not in model.evaluate(x, targets, verbose=0, return_dict=True)
