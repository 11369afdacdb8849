"""Claims of docs/reference/migrating-from-keras-2.md that its own code does not show.

Keras 2 is imported here as the ``tf_keras`` package itself, next to Keras 3, which works
in one process without ``TF_USE_LEGACY_KERAS`` (that variable only decides what
``tf.keras`` names).
"""

import logging
import warnings

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/migrating-from-keras-2.md"


@claim(PAGE,
       "Keras 2's current optimizers log a warning that `lr` is deprecated and then **ignore "
       "it**: `Adam(lr=0.02)` above trains at the default rate, 0.001.",
       "Only the `legacy` optimizers still read `lr`.",
       "**Replacement:** `learning_rate=`, which both versions read.")
def test_keras_2_ignores_lr_except_in_legacy_optimizers(caplog):
    import keras
    import tf_keras

    for name in ("Adam", "SGD", "RMSprop", "Adagrad", "Nadam"):
        current = getattr(tf_keras.optimizers, name)
        legacy = getattr(tf_keras.optimizers.legacy, name)
        default = current().learning_rate.numpy()
        with caplog.at_level(logging.WARNING):
            ignored = current(lr=0.02)
        assert "`lr` is deprecated" in caplog.text
        assert np.isclose(float(ignored.learning_rate), float(default))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert np.isclose(float(legacy(lr=0.02).learning_rate), 0.02)
        assert np.isclose(float(current(learning_rate=0.02).learning_rate), 0.02)
        assert np.isclose(float(getattr(keras.optimizers, name)(learning_rate=0.02)
                                .learning_rate), 0.02)
    assert np.isclose(float(tf_keras.optimizers.Adam().learning_rate), 0.001)


@claim(PAGE,
       "Keras 3 keeps the module name, but every class in it raises, with a message that "
       "points back to `tf_keras`:")
def test_every_keras_3_legacy_optimizer_raises():
    import keras

    names = [n for n in dir(keras.optimizers.legacy) if n[0].isupper()]
    assert {"Adam", "SGD", "RMSprop"} <= set(names)
    for name in names:
        with pytest.raises(ImportError, match="tf_keras"):
            getattr(keras.optimizers.legacy, name)()


@claim(PAGE,
       "A `legacy` optimizer's `decay=` lowers the learning rate at every step, to "
       "`learning_rate / (1 + decay * step)`, counting steps from zero: the three steps "
       "above used the learning rate divided by 1, by 1 + `decay` and by 1 + 2 `decay`.",
       "`InverseTimeDecay` with `decay_steps=1` computes the same formula, and gives the "
       "same three steps as Keras 2:")
def test_legacy_decay_is_inverse_time_decay():
    import keras
    import tensorflow as tf
    import tf_keras

    rate, decay = 0.05, 0.3
    schedule = keras.optimizers.schedules.InverseTimeDecay(rate, decay_steps=1,
                                                           decay_rate=decay)
    w = tf.Variable(0.0)
    sgd = tf_keras.optimizers.legacy.SGD(learning_rate=rate, decay=decay)
    for step in range(6):
        expected = rate / (1 + decay * step)
        before = float(w)
        sgd.apply_gradients([(tf.constant(1.0), w)])
        assert np.isclose(before - float(w), expected, rtol=1e-5)
        assert np.isclose(float(schedule(step)), expected, rtol=1e-5)


def small_data():
    x = np.random.default_rng(0).random((8, 4), dtype="float32")
    return x, np.arange(8) % 2


@claim(PAGE,
       "`fit()` and `evaluate()` take the generator itself, with the same "
       "`steps_per_epoch=` and `steps=`.",
       "`predict_generator` becomes `predict()` the same way, with one difference: where "
       "Keras 2 took a generator of bare input arrays, Keras 3's `predict()` wants each "
       "batch as a tuple, `(x,)`.")
def test_predict_takes_a_generator_of_tuples():
    import keras
    import tf_keras

    x, y = small_data()

    def inputs():
        while True:
            yield x

    def tuples():
        while True:
            yield (x,)

    model_2 = tf_keras.Sequential([tf_keras.layers.Dense(2, input_shape=(4,))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert model_2.predict_generator(inputs(), steps=3, verbose=0).shape == (24, 2)
    assert model_2.predict(inputs(), steps=3, verbose=0).shape == (24, 2)

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    assert not hasattr(model, "predict_generator")
    with pytest.raises(ValueError, match="the generator must return a tuple"):
        model.predict(inputs(), steps=3, verbose=0)
    assert model.predict(tuples(), steps=3, verbose=0).shape == (24, 2)


@claim(PAGE,
       "The history keys did not change: both versions name a metric as `compile()` "
       "received it, here `acc`.",
       "In Keras 2 it lists the loss and each metric, in the order of the list "
       "`evaluate()` returns; in Keras 3 the metrics given to `compile()` are one entry, "
       "`compile_metrics`.")
def test_metric_names_in_both_versions():
    import keras
    import tf_keras

    x, y = small_data()
    metrics = ["accuracy", "acc", keras.metrics.SparseCategoricalAccuracy(name="sca")]
    metrics_2 = ["accuracy", "acc", tf_keras.metrics.SparseCategoricalAccuracy(name="sca")]
    model_3 = keras.Sequential([keras.Input(shape=(4,)),
                                keras.layers.Dense(2, activation="softmax")])
    model_2 = tf_keras.Sequential([tf_keras.layers.Dense(2, activation="softmax",
                                                         input_shape=(4,))])
    model_3.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=metrics)
    model_2.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=metrics_2)
    keys_3 = sorted(model_3.fit(x, y, epochs=1, verbose=0).history)
    keys_2 = sorted(model_2.fit(x, y, epochs=1, verbose=0).history)
    assert keys_2 == keys_3 == ["acc", "accuracy", "loss", "sca"]

    results_2 = model_2.evaluate(x, y, verbose=0)
    named_2 = model_2.evaluate(x, y, verbose=0, return_dict=True)
    assert model_2.metrics_names == ["loss", "accuracy", "acc", "sca"]
    assert dict(zip(model_2.metrics_names, results_2)) == pytest.approx(named_2)
    model_3.evaluate(x, y, verbose=0)
    assert model_3.metrics_names == ["loss", "compile_metrics"]


@claim(PAGE,
       "Keras 3's own `keras.backend` keeps only a few functions, such as `epsilon()` and "
       "`floatx()`; the tensor functions are gone:",
       "**Replacement:** the same names in `keras.ops` (with the TensorFlow backend, the "
       "`tf.math` functions work too):")
def test_keras_backend_functions_moved_to_ops():
    import keras
    import tensorflow as tf
    import tf_keras

    tensor_functions = ["mean", "sum", "square", "sqrt", "abs", "max", "min", "exp", "log",
                        "clip", "concatenate", "reshape", "dot", "sigmoid", "softmax",
                        "maximum", "argmax", "cast", "expand_dims", "stack"]
    for name in tensor_functions:
        assert hasattr(tf_keras.backend, name), name
        assert not hasattr(keras.backend, name), name
        assert hasattr(keras.ops, name), name
    kept = {n for n in dir(keras.backend) if not n.startswith("_")}
    assert {"epsilon", "floatx"} <= kept and len(kept) < 20

    y_true = tf.constant([[0.0, 1.0], [1.0, 1.0]])
    y_pred = tf.constant([[0.0, 0.5], [1.0, 0.0]])
    by_ops = keras.ops.sqrt(keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1))
    by_tf = tf.math.sqrt(tf.math.reduce_mean(tf.math.square(y_pred - y_true), axis=-1))
    assert np.allclose(by_ops, by_tf)


@claim(PAGE,
       "In Keras 2, `model.save()` with a path that has no extension writes a TensorFlow "
       "SavedModel folder (`save_format=\"tf\"` says so explicitly)")
def test_keras_2_save_defaults_to_a_savedmodel_folder(tmp_path):
    import tf_keras

    model = tf_keras.Sequential([tf_keras.layers.Dense(2, input_shape=(4,))])
    model.save(tmp_path / "plain")
    model.save(tmp_path / "explicit", save_format="tf")
    for folder in ("plain", "explicit"):
        assert (tmp_path / folder / "saved_model.pb").is_file()
        assert (tmp_path / folder / "variables").is_dir()


@claim(PAGE,
       "A `TFSMLayer` wraps the saved function as one layer, without the model's layers or "
       "configuration; to get the model back layer by layer, load the `.h5` file.")
def test_tfsmlayer_is_one_layer_and_h5_gives_the_layers(tmp_path):
    import keras
    import tf_keras

    model = tf_keras.Sequential([tf_keras.layers.Dense(3, input_shape=(4,)),
                                 tf_keras.layers.Dense(2)])
    model.save(tmp_path / "folder", save_format="tf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(tmp_path / "model.h5")
        restored = keras.models.load_model(tmp_path / "model.h5")
    layer = keras.layers.TFSMLayer(tmp_path / "folder", call_endpoint="serving_default")
    assert not hasattr(layer, "layers")
    assert "layers" not in layer.get_config()
    assert [type(l).__name__ for l in restored.layers] == ["Dense", "Dense"]


@claim(PAGE,
       "**Replacement:** a `keras.Input` first, which both versions read "
       "([the Sequential model](sequential-model.md)):")
def test_both_versions_read_an_input_first():
    import keras
    import tf_keras

    for version in (keras, tf_keras):
        model = version.Sequential([version.Input(shape=(4,)), version.layers.Dense(2)])
        assert tuple(model.input_shape) == (None, 4)
        assert tuple(model.output_shape) == (None, 2)


@claim(PAGE, "Keras 3 has no `ImageDataGenerator` of its own:")
def test_keras_3_has_no_image_data_generator_outside_legacy():
    import keras

    for module in (keras.preprocessing.image, keras.preprocessing, keras.utils,
                   keras.layers, keras):
        assert not hasattr(module, "ImageDataGenerator"), module.__name__


@claim(PAGE,
       "For `flow_from_directory`, the folder reader is "
       "`keras.utils.image_dataset_from_directory`, which also names the classes after the "
       "subfolders.")
def test_image_dataset_from_directory_names_classes_after_subfolders(tmp_path):
    import keras
    import tensorflow as tf
    import tf_keras

    for label in ("cats", "dogs"):
        (tmp_path / label).mkdir()
        for index in range(3):
            png = tf.io.encode_png(tf.zeros((6, 6, 3), tf.uint8)).numpy()
            (tmp_path / label / f"{index}.png").write_bytes(png)
    dataset = keras.utils.image_dataset_from_directory(tmp_path, image_size=(6, 6),
                                                      batch_size=6, shuffle=False)
    assert dataset.class_names == ["cats", "dogs"]
    images, labels = next(iter(dataset))
    assert tuple(images.shape) == (6, 6, 6, 3) and list(labels.numpy()) == [0, 0, 0, 1, 1, 1]
    old = tf_keras.preprocessing.image.ImageDataGenerator().flow_from_directory(
        str(tmp_path), target_size=(6, 6), batch_size=6, shuffle=False)
    assert old.class_indices == {"cats": 0, "dogs": 1}


@claim(PAGE,
       "For a checkpoint, load it into the model in Keras 2 and save the weights again with "
       "a `.h5` name, which Keras 3 reads.")
def test_keras_2_checkpoint_converted_to_h5_loads_in_keras_3(tmp_path):
    import keras
    import tf_keras

    one = np.ones((1, 4), dtype="float32")
    saved = tf_keras.Sequential([tf_keras.layers.Dense(2, input_shape=(4,))])
    saved.save_weights(str(tmp_path / "checkpoint"))
    loaded = tf_keras.Sequential([tf_keras.layers.Dense(2, input_shape=(4,))])
    loaded.load_weights(str(tmp_path / "checkpoint"))
    loaded.save_weights(str(tmp_path / "converted.h5"))
    rebuilt = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    rebuilt.load_weights(tmp_path / "converted.h5")
    assert np.allclose(rebuilt.predict(one, verbose=0), saved.predict(one, verbose=0))


@claim(PAGE,
       "Its message goes on with a code example, so this fence prints the first line:",
       "**Replacement:** the `keras.ops` functions, which accept symbolic inputs (or a layer "
       "of your own whose `call()` uses the TensorFlow functions):")
def test_tensorflow_functions_on_a_keras_input():
    import keras
    import tensorflow as tf

    inputs = keras.Input(shape=(4,))
    with pytest.raises(ValueError) as raised:
        tf.square(inputs)
    message = str(raised.value)
    assert "A KerasTensor cannot be used as input to a TensorFlow function" in message
    assert "```" in message and len(message.splitlines()) > 5

    class MeanSquare(keras.layers.Layer):
        def call(self, x):
            return tf.reduce_mean(tf.square(x), axis=-1, keepdims=True)

    model = keras.Model(inputs, MeanSquare()(inputs))
    x = np.arange(8, dtype="float32").reshape(2, 4)
    assert np.allclose(model.predict(x, verbose=0), (x ** 2).mean(axis=-1, keepdims=True))


@claim(PAGE,
       "Keras 2's current optimizers refuse the argument, as the Keras 2 output shows.",
       "Keras 3 accepts it, warns, and **trains without the decay**, at the full rate on "
       "every step:")
def test_decay_refused_by_keras_2_and_ignored_by_keras_3():
    import keras
    import tensorflow as tf
    import tf_keras

    for name in ("Adam", "SGD", "RMSprop", "Adagrad", "Nadam"):
        with pytest.raises(ValueError, match="decay is deprecated"):
            getattr(tf_keras.optimizers, name)(learning_rate=0.1, decay=0.5)
        with pytest.warns(UserWarning, match="`decay` is no longer supported"):
            optimizer = getattr(keras.optimizers, name)(learning_rate=0.1, decay=0.5)
        plain = getattr(keras.optimizers, name)(learning_rate=0.1)
        moved = []
        for opt in (optimizer, plain):
            w = keras.Variable(0.0)
            for _ in range(3):
                opt.apply_gradients([(tf.constant(1.0), w)])
            moved.append(float(w))
        assert moved[0] == moved[1], name


@claim(PAGE,
       "The same class written for Keras 3 and registered with "
       "`keras.saving.register_keras_serializable()`, as Keras 3 recommends for files it "
       "saves itself, is still not found: registration files the class as `Custom>Scale`, "
       "and the Keras 2 file names it `Scale`:")
def test_registration_is_what_keras_3_asks_for_its_own_files(tmp_path):
    import keras

    class Plain(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input(shape=(4,)), Plain()])
    model.save(tmp_path / "plain.keras")
    with pytest.raises(TypeError, match="register_keras_serializable"):
        keras.models.load_model(tmp_path / "plain.keras")

    @keras.saving.register_keras_serializable(package="MigrationClaims")
    class Registered(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input(shape=(4,)), Registered()])
    model.save(tmp_path / "registered.keras")
    restored = keras.models.load_model(tmp_path / "registered.keras")
    assert type(restored.layers[-1]) is Registered


@claim(PAGE,
       "Keras 3's `tf.keras.backend` holds copies of Keras 2's backend functions, kept in "
       "Keras's `legacy` package, like `ImageDataGenerator`.",
       "They call TensorFlow functions, which tie the code to the TensorFlow backend:")
def test_tf_keras_backend_keeps_legacy_copies_that_call_tensorflow():
    import inspect

    import keras
    import tensorflow as tf
    import tf_keras

    legacy = tf.keras.backend
    assert legacy.__name__ == "keras._tf_keras.keras.backend"
    for name in ("mean", "sum", "square", "sqrt", "abs", "max", "exp", "log", "clip",
                 "concatenate", "dot", "int_shape", "batch_dot", "variable"):
        assert hasattr(tf_keras.backend, name), name
        function = getattr(legacy, name)
        assert function.__module__ == "keras.src.legacy.backend", name
        assert not hasattr(keras.backend, name), name
    assert "tf." in inspect.getsource(legacy.mean)
    result = legacy.sqrt(legacy.mean(tf.constant([[1.0, 9.0]]), axis=-1))
    assert isinstance(result, tf.Tensor) and np.allclose(result, [np.sqrt(5.0)])


@claim(PAGE,
       "The `tf.keras.backend` copies fail on a `keras.Input` too: most with the same "
       "`ValueError`, some, such as `K.mean`, with an `AttributeError` that does not say "
       "why.")
def test_legacy_backend_functions_fail_on_a_keras_input():
    import keras
    import tensorflow as tf

    K = tf.keras.backend
    inputs = keras.Input(shape=(4,))
    same_error = [K.square, K.sqrt, K.sum, K.max, K.exp, K.relu, K.sigmoid]
    for function in same_error:
        with pytest.raises(ValueError, match="A KerasTensor cannot be used as input"):
            function(inputs)
    for call in (lambda: K.mean(inputs), lambda: K.concatenate([inputs, inputs]),
                 lambda: K.dot(inputs, inputs)):
        with pytest.raises(AttributeError) as raised:
            call()
        assert "KerasTensor" not in str(raised.value)


@claim(PAGE,
       "`tf.keras.preprocessing.image.ImageDataGenerator` still works under Keras 3, but "
       "it is a copy kept in Keras's `legacy` package, whose documentation reads only "
       "\"DEPRECATED.\":")
def test_tf_keras_image_data_generator_still_works_in_keras_3():
    import tensorflow as tf

    augment = tf.keras.preprocessing.image.ImageDataGenerator(horizontal_flip=True,
                                                            rescale=1 / 255)
    images = np.full((8, 6, 6, 3), 255.0, dtype="float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x_batch, y_batch = next(augment.flow(images, np.arange(8), batch_size=4, seed=0))
    assert x_batch.shape == (4, 6, 6, 3) and y_batch.shape == (4,)
    assert np.allclose(x_batch, 1.0)


@claim(PAGE,
       "Keras 2's `fit()` loads the batches of a `tf.keras.utils.Sequence` in parallel when "
       "told to with `workers=`, `use_multiprocessing=` and `max_queue_size=`.",
       "Keras 3's `fit()` has none of these arguments.",
       "In Keras 3, `Sequence` is another name for `keras.utils.PyDataset`, which takes "
       "these arguments in its own constructor and expects a subclass to pass them on.")
def test_workers_moved_from_fit_to_the_py_dataset():
    import inspect

    import keras
    import tf_keras

    moved = {"workers", "use_multiprocessing", "max_queue_size"}
    assert moved <= set(inspect.signature(tf_keras.Model.fit).parameters)
    for method in ("fit", "evaluate", "predict"):
        parameters = set(inspect.signature(getattr(keras.Model, method)).parameters)
        assert not moved & parameters, method
    assert moved <= set(inspect.signature(keras.utils.PyDataset.__init__).parameters)
    assert keras.utils.Sequence is keras.utils.PyDataset

    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.zeros((2, 4)), np.zeros((2,))

    batches = Batches(workers=2, use_multiprocessing=False, max_queue_size=3)
    assert (batches.workers, batches.use_multiprocessing, batches.max_queue_size) == (
        2, False, 3)


@claim(PAGE,
       "Keras 2 code from the time the preprocessing layers were new reaches them through "
       "`layers.experimental.preprocessing`, which Keras 2 keeps as another name for the "
       "same classes.",
       "Keras 3 has no `layers.experimental`, under `keras` or `tf.keras`:",
       "Every layer of Keras 2's `experimental.preprocessing` has the same name in "
       "`keras.layers`, but the base class `PreprocessingLayer`, and `RandomHeight` and "
       "`RandomWidth`, of which only `tf.keras.layers` keeps legacy copies.")
def test_experimental_preprocessing_layers_moved_to_layers():
    import keras
    import tensorflow as tf
    import tf_keras

    old = tf_keras.layers.experimental.preprocessing
    names = {n for n in dir(old) if n[0].isupper()}
    assert {"Rescaling", "Normalization", "RandomFlip", "TextVectorization"} <= names
    for name in names - {"PreprocessingLayer"}:
        assert getattr(old, name) is getattr(tf_keras.layers, name), name
    assert not hasattr(keras.layers, "experimental")
    assert not hasattr(tf.keras.layers, "experimental")
    missing = {n for n in names if not hasattr(keras.layers, n)}
    assert missing == {"PreprocessingLayer", "RandomHeight", "RandomWidth"}
    for name in ("RandomHeight", "RandomWidth"):
        assert getattr(tf.keras.layers, name).__module__.startswith("keras.src.legacy")


@claim(PAGE,
       "**Replacement:** `self.add_weight()` (or a `keras.Variable`, which a layer tracks "
       "too), and it trains as in Keras 2:")
def test_a_layer_tracks_a_keras_variable():
    import keras
    import tensorflow as tf

    class Linear(keras.layers.Layer):
        def build(self, input_shape):
            self.w = keras.Variable(np.ones((input_shape[-1], 1), dtype="float32"))

        def call(self, inputs):
            return keras.ops.matmul(inputs, self.w)

    model = keras.Sequential([keras.Input(shape=(4,)), Linear()])
    assert len(model.trainable_weights) == 1
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 4)), np.zeros((8, 1)), verbose=0)
    assert np.allclose(model.layers[0].w.numpy(), 0.92)

    class Untracked(keras.layers.Layer):
        def build(self, input_shape):
            self.w = tf.Variable(tf.ones((input_shape[-1], 1)))

    layer = Untracked()
    layer.build((None, 4))
    assert layer.weights == []


@claim(PAGE,
       "Inside a layer's `call()`, a `train_step()` or a `GradientTape` loop, the tensors are "
       "TensorFlow tensors when Keras runs on TensorFlow, so TensorFlow functions work there "
       "as they did in Keras 2.")
def test_tensorflow_functions_in_train_step_and_gradient_tape():
    import keras
    import tensorflow as tf

    seen = []

    class Regressor(keras.Model):
        def train_step(self, data):
            x, y = data
            seen.append(isinstance(x, tf.Tensor))
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(self(x, training=True) - y))
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
            return {"loss": loss}

    inputs = keras.Input(shape=(4,))
    model = Regressor(inputs, keras.layers.Dense(1, kernel_initializer="ones")(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.01))
    x, y = np.ones((8, 4), dtype="float32"), np.zeros((8, 1), dtype="float32")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert seen and all(seen)
    assert np.allclose(model.layers[-1].kernel.numpy(), 0.92)

    optimizer = keras.optimizers.SGD(0.01)
    with tf.GradientTape() as tape:
        outputs = model(x)
        loss = tf.reduce_mean(tf.square(outputs - y))
    assert isinstance(outputs, tf.Tensor)
    gradients = tape.gradient(loss, model.trainable_variables)
    assert all(isinstance(g, tf.Tensor) for g in gradients)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))


@claim(PAGE,
       "Its layer configuration still holds Keras 2's `input_shape=`, so loading it gives "
       "the warning of the [`input_shape=`](#input_shape) section again, which this page "
       "silences from here on:")
def test_loading_a_keras_2_h5_warns_about_input_shape(tmp_path):
    import keras
    import tf_keras

    model = tf_keras.Sequential([tf_keras.layers.Dense(2, input_shape=(4,))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(tmp_path / "model.h5")
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`"):
        keras.models.load_model(tmp_path / "model.h5")


@claim(PAGE,
       "Keras 2 recorded that argument in the first layer's configuration as "
       "`batch_input_shape`, which Keras 3's `InputLayer` still takes, and its other "
       "layers, such as `Dense`, do not.")
def test_batch_input_shape_is_taken_by_input_layer_only(tmp_path):
    import json
    import zipfile

    import keras
    import tf_keras

    for name, first in (("input_shape", tf_keras.layers.Dense(2, input_shape=(4,))),
                        ("input", tf_keras.Input(shape=(4,)))):
        model = tf_keras.Sequential([first, tf_keras.layers.Dense(2)])
        model.save(tmp_path / f"{name}.keras")
        with zipfile.ZipFile(tmp_path / f"{name}.keras") as archive:
            config = json.loads(archive.read("config.json"))
        first, dense = config["config"]["layers"][:2]
        assert first["class_name"] == "InputLayer", name
        assert first["config"]["batch_input_shape"] == [None, 4], name
        assert dense["class_name"] == "Dense", name
        recorded = dense["config"].get("batch_input_shape")
        assert recorded == ([None, 4] if name == "input_shape" else None), name
    assert keras.layers.InputLayer(batch_input_shape=(None, 4)).batch_shape == (None, 4)
    with pytest.raises(ValueError, match="batch_input_shape"):
        keras.layers.Dense(2, batch_input_shape=(None, 4))
    with pytest.raises(ValueError, match="batch_input_shape"):
        keras.layers.Flatten(batch_input_shape=(None, 4))


@claim(PAGE,
       "Keras 3 writes weights only to a name ending in `.weights.h5` (or `.weights.json`, "
       "for weights it splits into shards with `max_shard_size=`):")
def test_keras_3_weights_file_names(tmp_path):
    import keras

    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    for name in ("checkpoint", "weights.h5", "model.keras", "model.weights.json"):
        with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
            model.save_weights(tmp_path / name)
    rebuilt = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    with warnings.catch_warnings():
        # NumPy 2 warns when Keras converts a TensorFlow variable with np.array()
        warnings.simplefilter("ignore", DeprecationWarning)
        model.save_weights(tmp_path / "model.weights.h5")
        model.save_weights(tmp_path / "sharded.weights.json", max_shard_size=0.00001)
        rebuilt.load_weights(tmp_path / "sharded.weights.json")
    shards = sorted(p.name for p in tmp_path.glob("sharded*"))
    assert shards[0] == "sharded.weights.json" and len(shards) >= 2
    assert all(np.allclose(a, b) for a, b in zip(model.get_weights(), rebuilt.get_weights()))


@claim(PAGE,
       "That `tf.keras` holds the same classes as `keras`, plus legacy copies of some Keras 2 "
       "functions and layers that `keras` dropped; the sections below name them where they "
       "matter.")
def test_tf_keras_is_keras_plus_legacy_copies():
    import keras
    import tensorflow as tf

    for name in ("Sequential", "Model", "Input", "Variable"):
        assert getattr(tf.keras, name) is getattr(keras, name), name
    for module in ("optimizers", "models", "callbacks", "utils", "activations",
                   "initializers", "regularizers", "ops", "random", "config",
                   "layers", "backend"):
        ours, theirs = getattr(keras, module), getattr(tf.keras, module)
        names = {n for n in dir(theirs) if not n.startswith("_")}
        for name in names:
            value = getattr(theirs, name)
            if hasattr(ours, name) and getattr(ours, name) is value:
                continue
            assert value.__module__.startswith("keras.src.legacy"), (module, name)
    assert {n for n in dir(keras.layers) if n[0].isupper()} <= set(dir(tf.keras.layers))


@claim(PAGE,
       "TensorFlow's `tf.keras` is Keras 2 in a process that has the environment variable "
       "`TF_USE_LEGACY_KERAS=1` when it first uses `tf.keras`, and Keras 3 otherwise: in a "
       "notebook, set it before then, or restart the kernel.")
def test_tf_use_legacy_keras_is_read_when_tf_keras_is_first_used(monkeypatch):
    import os
    import subprocess
    import sys

    import tensorflow as tf

    # this process used tf.keras as Keras 3 already: setting the variable now changes nothing
    assert tf.keras.__name__ == "keras._tf_keras.keras"
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    assert tf.keras.__name__ == "keras._tf_keras.keras"

    # set after importing TensorFlow, before the first use of tf.keras: Keras 2
    code = ("import os\nimport tensorflow as tf\n"
            "os.environ['TF_USE_LEGACY_KERAS'] = '1'\nprint(tf.keras.__name__)\n")
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    assert run.stdout.strip().splitlines()[-1].startswith("tf_keras")
