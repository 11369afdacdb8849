"""Claims of docs/reference/custom-layers.md that its code does not show."""

from __future__ import annotations

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/custom-layers.md"
# Keras converts variables with np.array(..., copy=False), which NumPy 2 reports as
# deprecated from inside Keras; Python's default filters hide it from a reader's script.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def _recording_layer():
    import keras

    class Recording(keras.layers.Layer):
        """Records the training flag each call receives."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = []

        def call(self, inputs, training=False):
            self.seen.append(training)
            return inputs

    return Recording


@claim(PAGE, "`fit()` calls each layer with `training=True`, `evaluate()` and `predict()` with "
             "`training=False`; a plain call uses the default of `call()`'s `training` argument "
             "unless you pass one.")
def test_the_training_flag_each_entry_point_passes():
    import keras

    recording = _recording_layer()
    for default in (False, True):
        class Layer(recording):
            def call(self, inputs, training=default):
                self.seen.append(training)
                return inputs

        layer = Layer()
        model = keras.Sequential([keras.Input(shape=(2,)), layer, keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
        x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
        for name, run in [("fit", lambda: model.fit(x, y, epochs=1, batch_size=4, verbose=0)),
                          ("evaluate", lambda: model.evaluate(x, y, verbose=0)),
                          ("predict", lambda: model.predict(x, verbose=0)),
                          ("plain", lambda: layer(x)),
                          ("passed", lambda: layer(x, training=not default))]:
            layer.seen.clear()
            run()
            want = {"fit": True, "evaluate": False, "predict": False, "plain": default,
                    "passed": not default}[name]
            assert layer.seen and all(bool(s) == want for s in layer.seen), (name, default, layer.seen)


@claim(PAGE, "Keras 3 records the arguments a layer was created with when they are plain values "
             "(numbers, strings, lists, dictionaries of them), and the base class's "
             "`get_config()` returns them")
def test_plain_arguments_are_recorded_by_the_base_class():
    import keras

    class Plain(keras.layers.Layer):
        def __init__(self, rate, label, sizes, options, **kwargs):
            super().__init__(**kwargs)

    config = Plain(0.5, "a", [1, 2], {"k": [3]}).get_config()
    assert (config["rate"], config["label"], config["sizes"], config["options"]) == (
        0.5, "a", [1, 2], {"k": [3]})
    # by the base class's get_config(): Plain writes none of its own
    assert Plain.get_config is keras.layers.Layer.get_config


@claim(PAGE, "Passing `custom_objects={\"TrainingNoise\": TrainingNoise}` to `load_model()` works, "
             "but every caller must remember it.")
def test_custom_objects_load_an_unregistered_layer(tmp_path):
    import keras

    class TrainingNoise(keras.layers.Layer):
        def __init__(self, stddev, **kwargs):
            super().__init__(**kwargs)
            self.stddev = stddev

        def call(self, inputs, training=False):
            return inputs

    model = keras.Sequential([keras.Input(shape=(4,)), TrainingNoise(stddev=0.1), keras.layers.Dense(1)])
    path = tmp_path / "noisy.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"TrainingNoise": TrainingNoise})
    assert loaded.layers[0].stddev == 0.1
    with pytest.raises(TypeError, match="Could not locate class 'TrainingNoise'"):
        keras.models.load_model(path)


@claim(PAGE, "`fit()` still does the rest: batching, epochs, callbacks, validation and the "
             "progress log.")
def test_fit_runs_callbacks_and_batches_around_an_overridden_train_step(capsys):
    import keras
    import tensorflow as tf

    steps = []

    class Counting(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(1)

        def call(self, inputs, training=False):
            return self.dense(inputs)

        def train_step(self, data):
            x, y = data
            steps.append(int(x.shape[0]))
            with tf.GradientTape() as tape:
                loss = self.compute_loss(x=x, y=y, y_pred=self(x, training=True))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            return {"loss": loss}

    class Epochs(keras.callbacks.Callback):
        ended = 0

        def on_epoch_end(self, epoch, logs=None):
            Epochs.ended += 1

    model = Counting()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x, y = np.ones((10, 2), "float32"), np.ones((10, 1), "float32")
    history = model.fit(x, y, epochs=2, batch_size=4, validation_split=0.2, callbacks=[Epochs()],
                        verbose=1)
    assert steps == [4, 4, 4, 4]  # 8 training samples in batches of 4, two epochs
    assert Epochs.ended == 2 and "val_loss" in history.history
    assert "Epoch 2/2" in capsys.readouterr().out


def _norm_model(test_step: bool):
    """The page's NormReporting model, with or without its test_step()."""
    import keras
    import tensorflow as tf

    class NormReporting(keras.Model):
        def __init__(self, network, **kwargs):
            super().__init__(**kwargs)
            self.network = network
            self.grad_norm = keras.metrics.Mean(name="grad_norm")

        def call(self, inputs, training=False):
            return self.network(inputs, training=training)

        def train_step(self, data):
            x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(gradients, self.trainable_variables)
            self.grad_norm.update_state(tf.linalg.global_norm(gradients))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                elif metric is not self.grad_norm:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    if test_step:
        class WithTestStep(NormReporting):
            def test_step(self, data):
                results = super().test_step(data)
                del results["grad_norm"]
                return results
        NormReporting = WithTestStep
    keras.utils.set_random_seed(0)
    model = NormReporting(keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)]))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


DATA = (np.random.default_rng(0).normal(size=(64, 3)).astype("float32"),)
DATA = (DATA[0], DATA[0] @ np.array([[1.0], [-2.0], [0.5]], dtype="float32"))


@claim(PAGE, "it calls `test_step()`, which reports every metric of the model on the "
             "validation data after resetting them all. Nothing updates `grad_norm` there, so "
             "without the `test_step()` above the history would also hold a `val_grad_norm` of "
             "zero for every epoch; the override keeps the loss and drops it.")
def test_validation_reports_every_metric_reset_and_the_override_drops_one():
    without = _norm_model(test_step=False).fit(*DATA, epochs=3, batch_size=16,
                                               validation_split=0.25, verbose=0).history
    assert without["val_grad_norm"] == [0.0, 0.0, 0.0] and min(without["grad_norm"]) > 0
    with_ = _norm_model(test_step=True).fit(*DATA, epochs=3, batch_size=16,
                                            validation_split=0.25, verbose=0).history
    assert sorted(with_) == ["grad_norm", "loss", "val_loss"]
    assert np.allclose(with_["val_loss"], without["val_loss"])


@claim(PAGE, "A metric stored as an attribute of the model, as `grad_norm` is, joins "
             "`self.metrics` by itself, next to the loss tracker (named `loss`) that `compile()` "
             "adds")
def test_an_attribute_metric_joins_the_metrics_next_to_the_loss_tracker():
    import keras

    class Plain(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(1)
            self.tracked = keras.metrics.Mean(name="tracked")

        def call(self, inputs):
            return self.dense(inputs)

    model = Plain()
    assert [m.name for m in model.metrics] == ["tracked"]
    model.compile(optimizer="sgd", loss="mse")
    assert sorted(m.name for m in model.metrics) == ["loss", "tracked"]
    plain = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    plain.compile(optimizer="sgd", loss="mse")
    assert [m.name for m in plain.metrics] == ["loss"]


@claim(PAGE, "`unpack_x_y_sample_weight()` lets the step take `sample_weight=` or "
             "`class_weight=` from `fit()` too.")
def test_the_step_takes_sample_weights():
    weights = np.linspace(0.0, 2.0, 64).astype("float32")
    history = _norm_model(test_step=True).fit(*DATA, sample_weight=weights, epochs=1,
                                              batch_size=16, verbose=0).history
    plain = _norm_model(test_step=True).fit(*DATA, epochs=1, batch_size=16, verbose=0).history
    assert history["loss"] != plain["loss"]  # the weights reached the loss
    labels = (DATA[1] > 0).astype("float32")
    _norm_model(test_step=True).fit(DATA[0], labels, class_weight={0: 1.0, 1: 3.0}, epochs=1,
                                    batch_size=16, verbose=0)


@claim(PAGE, "Keras has it already, as `GaussianNoise`; it is written out here to show the "
             "pattern")
def test_the_noise_layer_is_gaussian_noise():
    import keras

    class TrainingNoise(keras.layers.Layer):
        def __init__(self, stddev, **kwargs):
            super().__init__(**kwargs)
            self.stddev = stddev
            self.seed_generator = keras.random.SeedGenerator(0)

        def call(self, inputs, training=False):
            if not training:
                return inputs
            return inputs + keras.random.normal(keras.ops.shape(inputs), stddev=self.stddev,
                                                seed=self.seed_generator)

    x = np.ones((2, 4), "float32")
    ours, theirs = TrainingNoise(0.1), keras.layers.GaussianNoise(0.1, seed=0)
    assert np.allclose(ours(x, training=True), theirs(x, training=True))
    assert np.array_equal(theirs(x), x)


@claim(PAGE, "A weight created in `call()` would be created anew each time the layer runs.")
def test_a_weight_made_in_call_would_be_made_per_call():
    """Kept out of the layer's state (which Keras refuses, as the page shows), a variable
    made in call() is a new one, at its initial value, on every call, and never trained."""
    import keras

    made = []

    class MakesInCall(keras.layers.Layer):
        def call(self, inputs):
            scale = keras.Variable(np.ones(inputs.shape[-1:], "float32"))
            made.append(scale)
            return inputs * scale

    layer = MakesInCall()
    x = np.ones((1, 2), "float32")
    layer(x)
    made[0].assign(np.full(2, 5.0, "float32"))  # as if trained
    assert np.array_equal(layer(x), x)  # the next call starts again from ones
    assert len(made) == 2 and made[1] is not made[0] and layer.weights == []


def _feature_scale(with_shape: bool = False):
    import keras

    class FeatureScale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return inputs * self.scale

    if with_shape:
        class Shaped(FeatureScale):
            def compute_output_shape(self, input_shape):
                return input_shape
        return Shaped
    return FeatureScale


@claim(PAGE, "`Sequential` and the functional API find a layer's output shape by running its "
             "`call()` on a symbolic input, as above, so a layer such as `FeatureScale` needs no "
             "`compute_output_shape()`, in either.")
def test_output_shapes_come_from_tracing_call():
    import keras

    layer_class = _feature_scale()
    assert layer_class.compute_output_shape is keras.layers.Layer.compute_output_shape
    sequential = keras.Sequential([keras.Input(shape=(4, 3)), layer_class()])
    assert sequential.output_shape == (None, 4, 3)
    inputs = keras.Input(shape=(3,))
    assert keras.Model(inputs, layer_class()(inputs)).output_shape == (None, 3)


@claim(PAGE, "`TimeDistributed`, which applies a layer to each step of a sequence, computes its "
             "output shape from the wrapped layer's `compute_output_shape()`, and the base "
             "class's version raises `NotImplementedError`.")
def test_time_distributed_asks_the_wrapped_layer():
    import keras

    with pytest.raises(NotImplementedError, match="does not have a `compute_output_shape`"):
        _feature_scale()().compute_output_shape((None, 3))

    class Claims(keras.layers.Layer):
        """Returns its input, but claims one extra feature."""

        def call(self, inputs):
            return inputs

        def compute_output_shape(self, input_shape):
            return (*input_shape[:-1], input_shape[-1] + 1)

    # the wrapper's shape follows compute_output_shape(), not what call() returns
    wrapped = keras.layers.TimeDistributed(Claims())(keras.Input(shape=(5, 3)))
    assert wrapped.shape == (None, 5, 4)
    # the functional API lets the error through
    with pytest.raises(NotImplementedError):
        keras.layers.TimeDistributed(_feature_scale()())(keras.Input(shape=(5, 3)))


@claim(PAGE, "`Sequential` catches that error without a word and leaves the model without a "
             "symbolic output: the model still trains, but has no output shape, and its summary "
             "shows none")
def test_sequential_swallows_the_error_and_still_trains(capsys):
    import warnings

    import keras

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        timed = keras.Sequential(
            [keras.Input(shape=(5, 3)), keras.layers.TimeDistributed(_feature_scale()())])
    assert caught == []
    with pytest.raises(AttributeError, match="no defined outputs"):
        timed.outputs
    timed.summary()
    row = [line for line in capsys.readouterr().out.splitlines() if "time_distributed" in line]
    assert row and row[0].split("│")[2].strip() == "?"
    x = np.ones((4, 5, 3), "float32")
    timed.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    before = timed.get_weights()[0].copy()
    timed.fit(x, x * 2.0, epochs=1, verbose=0)
    assert not np.array_equal(before, timed.get_weights()[0])
    assert timed(x).shape == (4, 5, 3)


def _saved_lambda_model(folder):
    """A model with a Python lambda in a Lambda layer, saved; its path."""
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Lambda(lambda t: t * 2.0)])
    path = folder / "lambda.keras"
    model.save(path)
    return path


@claim(PAGE, "Saving works, but a `lambda` has no name to record: the file holds its compiled "
             "Python bytecode, and loading it would run code that came with the file.")
def test_a_lambda_is_saved_as_marshalled_bytecode(tmp_path):
    import base64
    import json
    import marshal
    import types
    import zipfile

    path = _saved_lambda_model(tmp_path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    function = config["config"]["layers"][1]["config"]["function"]
    assert function["class_name"] == "__lambda__"
    code = marshal.loads(base64.b64decode(function["config"]["code"]))
    assert isinstance(code, types.CodeType) and code.co_name == "<lambda>"


@claim(PAGE, "`keras.config.enable_unsafe_deserialization()` does the same for every later "
             "load in the process")
def test_unsafe_deserialization_also_loads_a_lambda(tmp_path):
    """And so does the error message's other way, keras.config.enable_unsafe_deserialization()."""
    import keras
    from keras.src.backend.common import global_state

    path = _saved_lambda_model(tmp_path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(path)
    was = global_state.get_global_attribute("safe_mode_saving")
    keras.config.enable_unsafe_deserialization()
    try:
        keras.models.load_model(path)
        loaded = keras.models.load_model(path)  # and the next one
    finally:
        global_state.set_global_attribute("safe_mode_saving", was)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(path)  # safe again for the tests after this one
    assert np.array_equal(loaded(np.ones((1, 3), "float32")), np.full((1, 3), 2.0))


@claim(PAGE, "So is a function defined with `def` and registered the same way, in a `Lambda` "
             "layer.")
def test_a_registered_named_function_loads_in_safe_mode(tmp_path):
    """A Lambda holding a registered def (not a lambda) is saved by name: no bytecode."""
    import keras

    @keras.saving.register_keras_serializable(package="docs_claims")
    def double(t):
        return t * 2.0

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Lambda(double)])
    assert model.layers[0].get_config()["function"]["config"] == "docs_claims>double"
    model.save(tmp_path / "named.keras")
    loaded = keras.models.load_model(tmp_path / "named.keras")
    assert np.array_equal(loaded(np.ones((1, 3), "float32")), np.full((1, 3), 2.0))


def _regression_data():
    x = np.random.default_rng(1).normal(size=(16, 3)).astype("float32")
    return x, 10.0 * x[:, :1] + 5.0


@claim(PAGE, "each accepts one of `clipnorm`, `global_clipnorm` and `clipvalue` (two at once "
             "raise a `ValueError`), and clips the gradients in its `apply()`, which `fit()`'s "
             "step and the step written below both call.")
def test_fit_and_a_custom_step_are_clipped():
    import keras

    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and"):
        keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)
    x, y = _regression_data()
    for test_step in (None, True):
        for clipping, bound in [("clipnorm", 0.01), ("global_clipnorm", 0.01)]:
            if test_step is None:
                keras.utils.set_random_seed(0)
                model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
            else:
                model = _norm_model(test_step=True)
            model.compile(optimizer=keras.optimizers.SGD(1.0, **{clipping: bound}), loss="mse")
            before = [w.copy() for w in model.get_weights()]
            model.fit(x, y, epochs=1, batch_size=16, verbose=0)  # one step
            steps = [w - b for w, b in zip(model.get_weights(), before)]
            norms = [float(np.linalg.norm(s)) for s in steps]
            if clipping == "clipnorm":  # each variable's step has the bound's norm
                assert np.allclose(norms, bound, rtol=1e-3), (test_step, norms)
            else:  # all steps together have it
                assert np.isclose(np.linalg.norm(norms), bound, rtol=1e-3), (test_step, norms)


@claim(PAGE, "Without that `from_config()`, loading would pass the dictionary itself to "
           "`__init__()`: the model would load, with a warning, and fail at its first call.")
def test_get_config_without_from_config_loads_a_broken_model(tmp_path):
    import keras

    base = type(_norm_model(test_step=True))

    class OnlyGetConfig(base):
        def get_config(self):
            network = keras.saving.serialize_keras_object(self.network)
            return {**super().get_config(), "network": network}

    model = OnlyGetConfig(keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)]))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(*DATA, epochs=1, verbose=0)
    model.save(tmp_path / "only_get.keras")
    with pytest.warns(UserWarning, match="cannot be built automatically"):
        loaded = keras.models.load_model(tmp_path / "only_get.keras",
                                         custom_objects={"OnlyGetConfig": OnlyGetConfig})
    assert isinstance(loaded.network, dict)
    with pytest.raises(TypeError, match="object is not callable"):
        loaded(DATA[0])


@claim(PAGE, "loaded, it predicts the same, and trains on with its own `train_step()`, compiled "
             "as it was saved")
def test_the_loaded_model_keeps_its_compile_arguments(tmp_path):
    import keras

    base = type(_norm_model(test_step=True))

    @keras.saving.register_keras_serializable(package="docs_claims")
    class Saved(base):
        def get_config(self):
            network = keras.saving.serialize_keras_object(self.network)
            return {**super().get_config(), "network": network}

        @classmethod
        def from_config(cls, config):
            network = keras.saving.deserialize_keras_object(config.pop("network"))
            return cls(network, **config)

    model = Saved(keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)]))
    model.compile(optimizer=keras.optimizers.SGD(0.25), loss="mae")
    model.fit(*DATA, epochs=1, verbose=0)
    model.save(tmp_path / "saved.keras")
    loaded = keras.models.load_model(tmp_path / "saved.keras")
    assert type(loaded.optimizer).__name__ == "SGD"
    assert np.isclose(float(loaded.optimizer.learning_rate), 0.25)
    assert loaded.loss == "mae"
    assert np.array_equal(model(DATA[0]), loaded(DATA[0]))


@claim(PAGE, "Once a layer defines the method, Keras takes the shape it returns instead of "
             "tracing `call()`, in every model, so it must be right.")
def test_a_defined_compute_output_shape_replaces_tracing():
    import keras

    traced = []

    class Claims(keras.layers.Layer):
        """Returns its input, but claims one extra feature."""

        def call(self, inputs):
            traced.append(inputs)
            return inputs

        def compute_output_shape(self, input_shape):
            return (*input_shape[:-1], input_shape[-1] + 1)

    sequential = keras.Sequential([keras.Input(shape=(3,)), Claims()])
    inputs = keras.Input(shape=(3,))
    functional = keras.Model(inputs, Claims()(inputs))
    assert sequential.output_shape == functional.output_shape == (None, 4)
    assert traced == []  # call() never ran on the symbolic inputs
    assert sequential(np.ones((2, 3), "float32")).shape == (2, 3)  # the real output differs
