"""Claims of docs/reference/saving.md that its code does not show."""

import pytest

from tests.claims.claims import claim


# Keras's HDF5 writer converts variables with np.array(..., copy=False), which NumPy 2
# reports as deprecated from inside Keras; a reader's script never shows it (Python's
# default filters hide library deprecations), so neither do these tests.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def small_model():
    """The page's model, smaller: 64 inputs, 8 hidden units, 10 outputs, Adam."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def data():
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.random((256, 64), dtype="float32"), rng.integers(0, 10, 256)


@claim("reference/saving.md",
       "it calls each model on the whole array at once, `model(x)`, which gives the outputs "
       "`predict()` would.")
def test_a_call_gives_what_predict_gives():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    model = small_model()
    x, _ = data()
    assert np.allclose(model(x), model.predict(x, verbose=0), atol=1e-6)


@claim("reference/saving.md",
       "Saving to `.h5` also has a side effect on the model object in Keras 3.15: it drops the "
       "optimizer from the model's compile settings.",
       "Save that same model to `.keras` afterwards and it comes back with the default "
       "optimizer, RMSprop, instead of Adam,")
def test_an_h5_save_drops_the_optimizer_from_the_compile_settings(tmp_path):
    import inspect

    import keras

    model = small_model()
    assert model.get_compile_config()["optimizer"]["class_name"] == "Adam"
    model.save(tmp_path / "m.h5")
    assert "optimizer" not in model.get_compile_config()
    assert inspect.signature(keras.Model.compile).parameters["optimizer"].default == "rmsprop"


@claim("reference/saving.md",
       "(`fit()` builds it at its first step; `build()` does it without training)")
def test_fit_builds_the_optimizer():
    import keras

    x, y = data()
    model = small_model()
    assert not model.optimizer.built
    model.fit(x[:32], y[:32], epochs=1, verbose=0)
    assert model.optimizer.built and len(model.optimizer.variables) == 2 + 2 * 4
    model = small_model()
    model.optimizer.build(model.trainable_variables)
    assert model.optimizer.built and int(model.optimizer.iterations) == 0


@claim("reference/saving.md",
       "Loading needs a model built with the same architecture:")
def test_weights_do_not_load_into_another_architecture(tmp_path):
    import keras

    model = small_model()
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    other = keras.Sequential(
        [keras.Input(shape=(64,)), keras.layers.Dense(9), keras.layers.Dense(10)]
    )
    with pytest.raises(ValueError):
        other.load_weights(path)


@claim("reference/saving.md",
       "the file also holds the trained optimizer's variables (Adam keeps two per weight), "
       "and the fresh model's optimizer has not created its own yet, so they are skipped.")
def test_adam_keeps_two_variables_per_weight():
    model = small_model()
    unbuilt = len(model.optimizer.variables)
    model.optimizer.build(model.trainable_variables)
    weights = len(model.trainable_variables)
    # two per weight, plus the step count and the learning rate it had before
    assert len(model.optimizer.variables) == 2 * weights + unbuilt
    assert unbuilt == 2


@claim("reference/saving.md",
       "A `.keras` file keeps the optimizer state (Adam's moving averages and its step count), "
       "so training picks up where it stopped instead of starting the optimizer over:")
def test_a_keras_file_keeps_adams_moving_averages(tmp_path):
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    model = small_model()
    x, y = data()
    model.fit(x, y, epochs=1, batch_size=128, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    saved = model.optimizer.variables
    assert len(loaded.optimizer.variables) == len(saved)
    assert any(np.abs(np.asarray(v)).max() > 0 for v in saved[2:])  # averages moved
    for mine, theirs in zip(saved, loaded.optimizer.variables):
        assert np.array_equal(mine, theirs)


@claim("reference/saving.md",
       "It holds the computation, not the Keras objects, so you reload it as a layer (a new "
       "layer around the saved function, without the original model's layers) or with "
       "TensorFlow itself:")
def test_an_export_holds_no_keras_objects(tmp_path):
    import keras
    import tensorflow as tf

    model = small_model()
    path = str(tmp_path / "serving")
    model.export(path, verbose=False)
    layer = keras.layers.TFSMLayer(path, call_endpoint="serve")
    assert not isinstance(layer, keras.Model) and not layer._layers
    with pytest.raises(ValueError):
        keras.models.load_model(path)  # not a Keras file
    assert not isinstance(tf.saved_model.load(path), keras.Model)


@claim("reference/saving.md",
       "`compile=False` loads the architecture and weights only (compile again before "
       "training):")
def test_compile_false_leaves_the_model_uncompiled(tmp_path):
    import keras

    model = small_model()
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path, compile=False)
    assert not loaded.compiled and getattr(loaded, "optimizer", None) is None
    x, y = data()
    with pytest.raises(ValueError, match="compile"):
        loaded.fit(x, y, epochs=1, verbose=0)


@claim("reference/saving.md",
       "The file then names the class instead of holding code, and loads in safe mode:")
def test_a_registered_layer_is_saved_by_name(tmp_path):
    import json
    import zipfile

    import keras

    @keras.saving.register_keras_serializable(package="claims")
    class Triple(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 3

    path = str(tmp_path / "t.keras")
    keras.Sequential([keras.Input(shape=(3,)), Triple()]).save(path)
    with zipfile.ZipFile(path) as archive:
        config = archive.read("config.json").decode()
    assert "claims>Triple" in config
    assert "__lambda__" not in config and "function" not in json.loads(config)["config"]
    keras.models.load_model(path, safe_mode=True)  # the default, named: not relied on


@claim("reference/saving.md",
       "Loading a legacy file can fail where `.keras` would not.",
       "`model.export()` writes a TensorFlow SavedModel for TensorFlow Serving, TFLite or "
       "other tools.")
def test_the_mse_model_loads_from_keras_and_export_writes_a_saved_model(tmp_path):
    import keras
    import tensorflow as tf

    regression = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    regression.compile(optimizer="adam", loss="mse")
    regression.optimizer.build(regression.trainable_variables)  # as trained models have
    regression.save(tmp_path / "regression.keras")
    keras.models.load_model(tmp_path / "regression.keras")  # no error, unlike from .h5
    regression.export(str(tmp_path / "serving"), verbose=False)
    assert (tmp_path / "serving" / "saved_model.pb").is_file()
    assert tf.saved_model.contains_saved_model(str(tmp_path / "serving"))
