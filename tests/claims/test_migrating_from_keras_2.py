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
       "Keras 3's `keras.backend` keeps only a few functions about settings, such as "
       "`epsilon()`; the tensor functions are gone:",
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
    assert "epsilon" in kept and len(kept) < 20

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
