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
    # and a layer that does not call super().__init__ with them still records them
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


@claim(PAGE, "The model's `metrics` also include a loss tracker, named `loss`, that `compile()` "
             "adds")
def test_compile_adds_a_loss_tracker_to_the_metrics():
    import keras

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    assert [m.name for m in model.metrics] == []
    model.compile(optimizer="sgd", loss="mse")
    assert [m.name for m in model.metrics] == ["loss"]


@claim(PAGE, "A weight created in `call()` would be created anew each time the layer runs.")
def test_a_weight_made_in_call_would_be_made_per_call():
    import keras

    class Counting(keras.layers.Layer):
        made = 0

        def call(self, inputs):
            Counting.made += 1
            return inputs

    layer = Counting()
    x = np.ones((1, 2), "float32")
    layer(x)
    layer(x)
    assert Counting.made == 2  # call() runs each time: anything it creates, it creates again
