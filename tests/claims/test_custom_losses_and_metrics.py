"""Claims of docs/reference/custom-losses-and-metrics.md that its code does not show."""

import pytest

from tests.claims.claims import claim

# Saving an untrained model converts Keras variables with np.array(), which NumPy 2 flags
# with a DeprecationWarning (hidden by Python's default filters, as on the pages).
saving = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

PAGE = "reference/custom-losses-and-metrics.md"


def by_hand(y_true, y_pred):
    """The page's binary_crossentropy_by_hand."""
    from keras import ops

    y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
    per_output = y_true * ops.log(y_pred) + (1 - y_true) * ops.log(1 - y_pred)
    return -ops.mean(per_output, axis=-1)


def tiny_model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])


def data(n=10):
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)).astype("float32"), (rng.random(n) > 0.5).astype("float32")


@claim(PAGE,
       "A loss function takes the labels and the predictions for a "
       "[batch](../glossary.md#batch-step), `(y_true, y_pred)`, and returns one loss per "
       "sample; Keras averages them over the batch.",
       "(How a loss turns the per-sample values into one number is its `reduction`; the "
       "default, `\"sum_over_batch_size\"`, is this mean.)")
def test_function_losses_are_averaged_over_the_batch():
    import keras
    import numpy as np

    x, y = data()
    model = tiny_model()
    model.compile(optimizer="sgd", loss=by_hand)
    reported = model.evaluate(x, y, batch_size=10, verbose=0)
    per_sample = np.asarray(by_hand(y.reshape(-1, 1), model.predict_on_batch(x)))
    assert per_sample.shape == (10,) and np.isclose(reported, per_sample.mean(), atol=1e-6)
    assert keras.losses.Loss().reduction == "sum_over_batch_size"
    assert keras.losses.BinaryCrossentropy().reduction == "sum_over_batch_size"


@claim(PAGE,
       "Written with `keras.ops`, it runs on any Keras backend (the library that computes: "
       "TensorFlow here, or JAX or PyTorch).")
def test_every_backend_implements_the_ops_used():
    from pathlib import Path

    import keras

    assert keras.backend.backend() == "tensorflow"
    backends = Path(keras.__file__).parent / "src" / "backend"
    for backend in ["tensorflow", "jax", "torch"]:
        source = (backends / backend / "numpy.py").read_text()
        for op in ["clip", "log", "mean"]:  # the ops binary_crossentropy_by_hand uses
            assert f"\ndef {op}(" in source, (backend, op)


@claim(PAGE,
       "It wraps a function in an object that reshapes the labels to the predictions' rank "
       "before calling it, so `fit()` and `evaluate()` give it matching shapes even though "
       "`y_val` is 1-D.",
       "Unlike a function, a subclass receives the labels exactly as they come, `(n,)` from a "
       "1-D label array, so its `call()` reshapes them to the predictions' shape itself.")
def test_function_losses_get_reshaped_labels_subclasses_do_not():
    import keras

    shapes = {}

    def recording_function(y_true, y_pred):
        shapes["function"] = tuple(y_true.shape)
        return by_hand(y_true, y_pred)

    class RecordingLoss(keras.losses.Loss):
        def call(self, y_true, y_pred):
            shapes["subclass"] = tuple(y_true.shape)
            return by_hand(keras.ops.reshape(y_true, keras.ops.shape(y_pred)), y_pred)

    x, y = data()
    for loss in (recording_function, RecordingLoss()):
        model = tiny_model()
        model.compile(optimizer="sgd", loss=loss, run_eagerly=True)
        model.fit(x, y, batch_size=10, verbose=0)
    assert shapes == {"function": (10, 1), "subclass": (10,)}


class Unconfigured:
    """A loss with a setting and no get_config(), built by make_unconfigured()."""


def make_unconfigured():
    import keras

    class WeightedLoss(keras.losses.Loss):
        def __init__(self, malignant_weight=1.0, name="weighted", **kwargs):
            super().__init__(name=name, **kwargs)
            self.malignant_weight = malignant_weight

        def call(self, y_true, y_pred):
            return by_hand(keras.ops.reshape(y_true, keras.ops.shape(y_pred)), y_pred)

    return WeightedLoss


@claim(PAGE,
       "Without `get_config()`, a loaded model would get a loss with the default weight of 1, "
       "silently.")
@saving
def test_without_get_config_the_setting_is_lost_silently(tmp_path):
    import warnings

    import keras

    WeightedLoss = make_unconfigured()
    model = tiny_model()
    model.compile(optimizer="sgd", loss=WeightedLoss(malignant_weight=3.0))
    model.save(str(tmp_path / "m.keras"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # silently: no warning either
        loaded = keras.models.load_model(str(tmp_path / "m.keras"),
                                         custom_objects={"WeightedLoss": WeightedLoss})
    assert loaded.loss.malignant_weight == 1.0


@claim(PAGE,
       "`sample_weight` is an optional weight per sample: `fit()` and `evaluate()` pass the "
       "weights you give them to the metrics listed under `weighted_metrics=` in "
       "`compile()`, and `None` to those under `metrics=`.",
       "`reset_state()` sets the counts back to zero.",
       "Keras calls it at the start of each epoch and of each `evaluate()`, with one "
       "exception: the first epoch of a model's first `fit()` starts from whatever counts the "
       "object holds, so give `compile()` a new metric object, not one you have updated by "
       "hand (as below).")
def test_metric_gets_sample_weight_and_resets_each_epoch():
    import keras
    import numpy as np

    events = []

    class Counting(keras.metrics.Metric):
        def __init__(self, name="counting", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_weight(name="total", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            events.append("update" if sample_weight is None else "update weighted")
            self.total.assign_add(1.0)

        def result(self):
            return self.total * 1.0  # a value, not the variable itself

        def reset_state(self):
            events.append("reset")
            self.total.assign(0.0)

    x, y = data()
    counting = Counting()
    counting.update_state(None, None)  # by hand, before compile(): 1 count
    model = tiny_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[counting],
                  run_eagerly=True)
    events.clear()
    history = model.fit(x, y, batch_size=5, epochs=2, verbose=0)
    assert events == ["update", "update", "reset", "update", "update"]  # no first reset
    assert [float(v) for v in history.history["counting"]] == [3.0, 2.0]  # the count by hand is in epoch 1
    events.clear()
    model.fit(x, y, batch_size=5, epochs=1, verbose=0, sample_weight=np.ones(10))
    assert events == ["reset", "update", "update"]  # a later fit() resets; metrics=: None
    events.clear()
    model.evaluate(x, y, batch_size=10, verbose=0, sample_weight=np.ones(10))
    assert events == ["reset", "update"]

    weighted = tiny_model()
    weighted.compile(optimizer="sgd", loss="binary_crossentropy",
                     weighted_metrics=[Counting()], run_eagerly=True)
    events.clear()
    weighted.fit(x, y, batch_size=10, verbose=0, sample_weight=np.ones(10))
    weighted.evaluate(x, y, batch_size=10, verbose=0, sample_weight=np.ones(10))
    assert events == ["update weighted", "reset", "update weighted"]


@claim(PAGE,
       "The saved file holds each custom object's class name and its `get_config()`, not its "
       "code:")
@saving
def test_saved_file_holds_no_code(tmp_path):
    import zipfile

    import keras

    class Scaled(keras.losses.Loss):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, y_true, y_pred):
            return self.factor * keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = tiny_model()
    model.compile(optimizer="sgd", loss=Scaled())
    model.save(str(tmp_path / "m.keras"))
    with zipfile.ZipFile(str(tmp_path / "m.keras")) as archive:
        contents = b"".join(archive.read(name) for name in archive.namelist())
    assert b'"class_name": "Scaled"' in contents and b'"factor": 2.0' in contents
    assert b"self.factor" not in contents and b"keras.ops.square" not in contents
    assert b"def call" not in contents


@claim(PAGE,
       "Registering a class adds it to a table Keras consults when loading, so "
       "`custom_objects` is no longer needed, as long as the code that registers it has run "
       "(in practice: the module defining the classes is imported) before `load_model()`.",
       "The file now names the class `medical>WeightedBinaryCrossentropy`: the package keeps "
       "your names apart from other people's.")
def test_registration_table_and_packages():
    import keras

    def make(value):
        class Same(keras.losses.Loss):
            def call(self, y_true, y_pred):
                return value * keras.ops.mean(y_pred, axis=-1)
        return Same

    first = keras.saving.register_keras_serializable(package="docs_claims_a")(make(1.0))
    second = keras.saving.register_keras_serializable(package="docs_claims_b")(make(2.0))
    assert keras.saving.get_registered_object("docs_claims_a>Same") is first
    assert keras.saving.get_registered_object("docs_claims_b>Same") is second
    assert keras.saving.get_registered_name(second) == "docs_claims_b>Same"


@claim(PAGE,
       "Plain functions, such as `binary_crossentropy_by_hand` above, are registered and "
       "loaded the same way.")
@saving
def test_registered_function_loads_without_custom_objects(tmp_path):
    import keras

    @keras.saving.register_keras_serializable(package="docs_claims")
    def doubled_loss(y_true, y_pred):
        return 2 * by_hand(y_true, y_pred)

    model = tiny_model()
    model.compile(optimizer="sgd", loss=doubled_loss)
    model.save(str(tmp_path / "f.keras"))
    loaded = keras.models.load_model(str(tmp_path / "f.keras"))
    assert loaded.loss is doubled_loss


@claim(PAGE,
       "The data: scikit-learn's breast cancer measurements, 569 tumours with 30 measurements "
       "each, label 0 for malignant and 1 for benign (scikit-learn's copy of the Breast "
       "Cancer Wisconsin (Diagnostic) data of the UCI Machine Learning Repository).")
def test_breast_cancer_labels():
    from sklearn.datasets import load_breast_cancer

    data_set = load_breast_cancer()
    assert data_set.data.shape == (569, 30)
    assert "copy of UCI ML Breast Cancer Wisconsin (Diagnostic)" in data_set.DESCR
    assert list(data_set.target_names) == ["malignant", "benign"]
