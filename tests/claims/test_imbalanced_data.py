"""Claims of docs/training/imbalanced-data.md that its own code does not show."""

import contextlib
import io
import runpy
from pathlib import Path

import numpy as np
import pytest

from tests.claims.claims import claim, held_range, optimizer_built_before_fit, seeds_sentence

PAGE = "training/imbalanced-data.md"
SNIPPETS = Path(__file__).resolve().parents[2] / "snippets" / "imbalanced-data"
SEEDS = range(5)
# Rounding on another CPU moves a trained model's answers for a few test images: a seed
# whose comparison is within this many 8s may count either way.
EIGHTS_WITHIN_ROUNDING = 3


def tiny(keras, seed=0, outputs=1, activation="sigmoid"):
    from keras import layers

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu"),
                             layers.Dense(outputs, activation=activation)])


def data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4), dtype="float32")
    y = (np.arange(n) % 4 == 0).astype("float32")[:, None]  # a quarter are positive
    return x, y


def bce(keras, y, p):
    return np.asarray(keras.losses.binary_crossentropy(y, p))


@claim(PAGE, "Trained from seeds 0 to 4 by this site's tests, `class_weight` gave the higher "
             "recall of the 8s on 5 of 5 seeds, and the plain model's recall varied far more "
             "from seed to seed than the weighted model's;",
       "Here the recall of the rare class went up on every seed tried;")
def test_class_weight_raises_the_recall_of_the_eights_on_seeds():
    with contextlib.redirect_stdout(io.StringIO()):
        run = runpy.run_path(str(SNIPPETS / "eights.py"))
    x_test, y_test, y_train = run["x_test"], run["y_test"], run["y_train"]
    counts = np.bincount(y_train[:, 0].astype(int))
    class_weight = {c: len(y_train) / (2 * int(counts[c])) for c in range(2)}
    eights = y_test[:, 0] == 1

    def recall(model):
        return float(np.mean(np.asarray(model(x_test))[eights, 0] > 0.5))

    plain, weighted = [], []
    with optimizer_built_before_fit():
        for seed in SEEDS:
            plain.append(recall(run["train"](None, seed)))
            weighted.append(recall(run["train"](class_weight, seed)))
    margin = EIGHTS_WITHIN_ROUNDING / int(eights.sum())
    differences = np.subtract(weighted, plain)
    assert min(differences) > margin, (plain, weighted)  # "on every seed tried"
    seeds_sentence(PAGE, "Trained from seeds 0 to 4 by this site's tests, `class_weight` gave "
                         "the higher recall of the 8s on 5 of 5 seeds,",
                   held_range(differences, margin), len(SEEDS))
    # the range of the plain model's recall over the seeds, against the weighted model's
    # (on this machine about a half against a twentieth)
    spread = lambda values: max(values) - min(values)
    assert spread(plain) > 3 * (spread(weighted) + 2 * margin), (plain, weighted)


@claim(PAGE, "Both turn a probability into a yes above a threshold, `0.5` unless "
             "`thresholds=` says otherwise",
       "they sweep one across the probabilities (200 thresholds spaced evenly between 0 and "
       "1, unless `num_thresholds=` says otherwise)")
def test_precision_and_recall_count_above_one_half():
    import keras

    y = np.array([[1.0], [1.0], [0.0], [0.0]])
    p = np.array([[0.5], [0.51], [0.5], [0.51]])  # 0.5 itself is a no
    precision, recall = keras.metrics.Precision(), keras.metrics.Recall()
    precision.update_state(y, p)
    recall.update_state(y, p)
    assert float(precision.result()) == 0.5 and float(recall.result()) == 0.5
    recall = keras.metrics.Recall(thresholds=0.4)
    recall.update_state(y, p)
    assert float(recall.result()) == 1.0
    for curve in ("ROC", "PR"):
        auc = keras.metrics.AUC(curve=curve)
        assert auc.num_thresholds == 200
        assert np.allclose(np.diff(auc.thresholds), 1 / 199, atol=1e-6)
        assert auc.thresholds[0] <= 0 and auc.thresholds[-1] >= 1


@claim(PAGE, "It is the chance that a random 8 gets a higher probability than a random other "
             "digit; guessing scores about `0.5`, whatever the share of 8s.",
       "Guessing scores about the share of positives.")
def test_what_the_two_auc_measure():
    import keras

    rng = np.random.default_rng(0)
    # scores that rank positives above negatives more often than not
    y = (rng.random(4000) < 0.2).astype("float32")
    scores = np.clip(0.35 + 0.2 * y + rng.normal(0, 0.15, 4000), 0, 1).astype("float32")
    pairs = scores[y == 1][:, None] > scores[y == 0][None, :]
    auc = keras.metrics.AUC()
    auc.update_state(y, scores)
    assert abs(float(auc.result()) - pairs.mean()) < 0.01
    for share in [0.02, 0.1, 0.5]:
        y = (rng.random(20000) < share).astype("float32")
        guesses = rng.random(20000).astype("float32")
        roc, pr = keras.metrics.AUC(), keras.metrics.AUC(curve="PR")
        roc.update_state(y, guesses)
        pr.update_state(y, guesses)
        assert abs(float(roc.result()) - 0.5) < 0.03
        # near the share itself, rare or common (on this machine within a tenth of it)
        assert abs(float(pr.result()) - y.mean()) < 0.1 * y.mean() + 0.003


@claim(PAGE, "The targets may be integers or floats (both arrays are cast to the metric's "
             "`float32`), but a flat vector of labels is refused:")
def test_f1_takes_integer_targets():
    import keras

    p = np.array([[0.9], [0.2], [0.7], [0.4]], "float32")
    scores = []
    for y in (np.array([[1], [0], [0], [1]], "int32"), np.array([[1.0], [0.0], [0.0], [1.0]])):
        f1 = keras.metrics.F1Score(threshold=0.5)
        f1.update_state(y, p)
        scores.append(float(f1.result()[0]))
        assert f1.true_positives.dtype == "float32"
    assert scores[0] == scores[1] == pytest.approx(0.5, abs=1e-6)


@claim(PAGE, "Its default `threshold=None` does not mean `0.5`: it marks as predicted the "
             "largest value of each row, which suits one-hot rows of several classes.")
def test_f1_without_threshold_takes_each_rows_largest_value():
    import keras

    assert keras.metrics.F1Score().threshold is None
    y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], "float32")
    p = np.array([[0.3, 0.2, 0.1], [0.1, 0.2, 0.1], [0.45, 0.1, 0.45]], "float32")
    f1 = keras.metrics.F1Score()
    f1.update_state(y, p)
    # all below 0.5, yet the largest of each row counts (both, where two are equal)
    assert np.allclose(f1.true_positives.numpy(), [1, 1, 1])
    assert np.allclose(f1.false_positives.numpy(), [1, 0, 0])


@claim(PAGE, "`F1Score` returns one score per column.",
       "With two columns, one per class, `average=` chooses how to combine them: `None` "
       "keeps both, `\"macro\"` takes their plain mean, `\"weighted\"` weights each by its "
       "number of true examples (here nine parts *not an 8* to one part *8*), and "
       "`\"micro\"` counts the hits of all columns together, which for one label per row is "
       "the accuracy:")
def test_f1_averages():
    import keras

    rng = np.random.default_rng(0)
    labels = (rng.random(200) < 0.3).astype(int)
    one_hot = np.eye(2, dtype="float32")[labels]
    p = rng.random(200).astype("float32")
    both = np.stack([1 - p, p], axis=1)
    scores = {}
    for average in [None, "macro", "weighted", "micro"]:
        f1 = keras.metrics.F1Score(average=average)
        f1.update_state(one_hot, both)
        scores[average] = np.asarray(f1.result())
    assert scores[None].shape == (2,)
    support = np.bincount(labels)
    assert np.isclose(scores["macro"], scores[None].mean(), atol=1e-6)
    assert np.isclose(scores["weighted"], np.sum(scores[None] * support) / 200, atol=1e-6)
    assert np.isclose(scores["micro"], np.mean((p > 0.5) == labels), atol=1e-6)


@claim(PAGE,
       "`fit()` turns `class_weight` into one weight per example, the weight of its class, "
       "and passes those as sample weights: each batch's loss becomes the mean of weight "
       "times loss over the batch's examples.",
       "The loss that `fit()` reports is this weighted loss, but the metrics named in "
       "`metrics=` ignore the weights.",
       "Only the metrics named in `weighted_metrics=` use them.",
       "`class_weight={0: w0, 1: w1}` in `fit()` weights each example's loss by its class",
       "The reported `loss` is then weighted, the metrics in `metrics=` are not: list a "
       "metric in `weighted_metrics=` to weight it",
       "`fit(class_weight={0: w0, 1: w1})` multiplies the loss of every example of class 0 "
       "by `w0` and of class 1 by `w1`.")
def test_class_weight_weights_the_loss_and_weighted_metrics_only():
    import keras

    x, y = data()
    model = tiny(keras)
    # a learning rate of zero keeps the weights, so the history measures the start
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    history = model.fit(x, y, class_weight={0: 0.5, 1: 4.0}, batch_size=len(x),
                        verbose=0).history
    p = np.asarray(model(x))
    w = np.where(y[:, 0] == 1, 4.0, 0.5)
    right = ((p > 0.5) == (y == 1))[:, 0]
    assert np.isclose(history["loss"][0], np.mean(w * bce(keras, y, p)), rtol=1e-5)
    assert np.isclose(history["accuracy"][0], right.mean())
    assert np.isclose(history["weighted_accuracy"][0], np.sum(w * right) / w.sum())
    assert not np.isclose(right.mean(), np.sum(w * right) / w.sum())


@claim(PAGE, "The weighted metric is reported as `weighted_accuracy` because `accuracy` is "
             "in both lists; named in `weighted_metrics=` alone, it would be reported as "
             "plain `accuracy`, weighted all the same.")
def test_weighted_metric_names():
    import keras

    x, y = data()
    model = tiny(keras)
    w = np.where(y[:, 0] == 1, 4.0, 0.5)
    right = ((np.asarray(model(x)) > 0.5) == (y == 1))[:, 0]
    model.compile(loss="binary_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])
    assert sorted(model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)) == [
        "accuracy", "loss", "weighted_accuracy"]
    model.compile(loss="binary_crossentropy", weighted_metrics=["accuracy"])
    results = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    assert sorted(results) == ["accuracy", "loss"]
    assert np.isclose(results["accuracy"], np.sum(w * right) / w.sum())
    assert not np.isclose(results["accuracy"], right.mean())


@claim(PAGE, "Balanced weights average 1 over the examples they were computed on (and here "
             "over the test set too, which has the same share of 8s), so the weighted loss "
             "stays on the scale of the plain one.",
       "With balanced weights, the weighted accuracy is the **balanced accuracy**, the mean of "
       "the recall of each class: each class brings half of the total weight.")
def test_balanced_weights_average_one_and_give_balanced_accuracy():
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.utils.class_weight import compute_class_weight

    rng = np.random.default_rng(0)
    labels = np.minimum((rng.random(500) * 10).astype(int), 2) % 3  # three unequal classes
    counts = np.bincount(labels)
    n, k = len(labels), len(counts)
    balanced = {c: n / (k * counts[c]) for c in range(k)}
    assert np.allclose(list(balanced.values()),
                       compute_class_weight("balanced", classes=np.arange(k), y=labels))
    w = np.array([balanced[c] for c in labels])
    assert np.isclose(w.mean(), 1.0)
    for c in range(k):
        assert np.isclose(w[labels == c].sum(), n / k)
    predicted = rng.integers(0, k, n)
    weighted_accuracy = np.sum(w * (predicted == labels)) / w.sum()
    assert np.isclose(weighted_accuracy, balanced_accuracy_score(labels, predicted))


@claim(PAGE, "The loss of a batch is the sum of weight times loss divided by the number of "
             "examples, not by the sum of the weights.",
       "So doubling every weight doubles the reported loss and the gradients, as a doubled "
       "learning rate would (for plain `SGD`; Adam divides the size of its steps out again).")
def test_weights_are_divided_by_the_batch_size():
    import keras

    x, y = data()
    w = np.linspace(0.5, 3.0, len(x)).astype("float32")
    model = tiny(keras)
    model.compile(loss="binary_crossentropy", run_eagerly=True)
    p = np.asarray(model(x))
    losses = bce(keras, y, p)
    for scale in (1, 2):
        loss = model.evaluate(x, y, sample_weight=scale * w, batch_size=len(x), verbose=0)
        assert np.isclose(loss, np.sum(scale * w * losses) / len(x), rtol=1e-5)
        assert not np.isclose(loss, np.sum(scale * w * losses) / np.sum(scale * w), rtol=1e-3)

    def trained(optimizer, scale):
        model = tiny(keras)
        model.compile(optimizer=optimizer, loss="binary_crossentropy", run_eagerly=True)
        model.fit(x, y, sample_weight=scale * w, batch_size=8, epochs=2, shuffle=False,
                  verbose=0)
        return np.concatenate([v.ravel() for v in model.get_weights()])

    start = np.concatenate([v.ravel() for v in tiny(keras).get_weights()])
    sgd, adam = keras.optimizers.SGD, keras.optimizers.Adam
    doubled = trained(sgd(0.2), 2)
    assert np.allclose(doubled, trained(sgd(0.4), 1), atol=1e-6)
    assert not np.allclose(doubled, start, atol=1e-3)
    doubled = trained(adam(0.01), 2)
    assert np.allclose(doubled, trained(adam(0.01), 1), atol=1e-4)
    assert not np.allclose(doubled, start, atol=1e-3)


@claim(PAGE, "`class_weight` applies to the training data only: `val_loss` from "
             "`validation_data=` or `validation_split=` is the unweighted loss, so next to a "
             "weighted `loss` the two measure different things.")
def test_validation_loss_is_unweighted():
    import keras

    x, y = data()
    for split in ("validation_data", "validation_split"):
        model = tiny(keras)
        model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy",
                      run_eagerly=True)
        if split == "validation_data":
            held, kwargs = (x, y), {"validation_data": (x, y)}
        else:
            held, kwargs = (x[-8:], y[-8:]), {"validation_split": 1 / 3}
        history = model.fit(x, y, class_weight={0: 0.5, 1: 4.0}, verbose=0, **kwargs).history
        p = np.asarray(model(held[0]))
        assert np.isclose(history["val_loss"][0], bce(keras, held[1], p).mean(), rtol=1e-5)
        if split == "validation_data":  # the same data, weighted for training only
            assert not np.isclose(history["val_loss"][0], history["loss"][0], rtol=1e-2)


@claim(PAGE, "For one-hot targets, Keras takes each row's class from the position of its "
             "largest value, and a class missing from the dictionary gets the weight 1.")
def test_class_weight_of_one_hot_targets_and_missing_classes():
    import keras

    x, _ = data(9)
    labels = np.arange(9) % 3
    one_hot = np.eye(3, dtype="float32")[labels]
    model = tiny(keras, outputs=3, activation="softmax")
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="categorical_crossentropy",
                  run_eagerly=True)
    history = model.fit(x, one_hot, class_weight={0: 2.0, 2: 5.0}, batch_size=9,
                        verbose=0).history
    p = np.asarray(model(x))
    losses = np.asarray(keras.losses.categorical_crossentropy(one_hot, p))
    w = np.array([2.0, 1.0, 5.0])[labels]
    assert np.isclose(history["loss"][0], np.mean(w * losses), rtol=1e-5)
    # a class above the largest key: weight 1 from NumPy arrays
    history = model.fit(x, one_hot, class_weight={0: 2.0}, batch_size=9,
                        verbose=0).history
    w = np.array([2.0, 1.0, 1.0])[labels]
    assert np.isclose(history["loss"][0], np.mean(w * losses), rtol=1e-5)


@claim(PAGE, "That holds for NumPy arrays; from a `tf.data.Dataset`, a class above the "
             "dictionary's largest key stops `fit()` with an `InvalidArgumentError` instead, "
             "so list every class there.")
def test_class_weight_from_a_dataset_needs_every_class():
    import keras
    import tensorflow as tf

    x, _ = data(9)
    labels = (np.arange(9) % 3).astype("float32")[:, None]
    model = tiny(keras, outputs=3, activation="softmax")
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    p = np.asarray(model(x))
    losses = np.asarray(keras.losses.sparse_categorical_crossentropy(labels, p))

    def dataset():
        return tf.data.Dataset.from_tensor_slices((x, labels)).batch(9)

    # a class between the keys still gets the weight 1
    history = model.fit(dataset(), class_weight={0: 2.0, 2: 5.0}, shuffle=False,
                        verbose=0).history
    w = np.array([2.0, 1.0, 5.0])[np.arange(9) % 3]
    assert np.isclose(history["loss"][0], np.mean(w * losses), rtol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in"):
        model.fit(dataset(), class_weight={0: 2.0, 1: 5.0}, shuffle=False, verbose=0)


@claim(PAGE, "`class_weight` works for a model with a single output; a model with several "
             "outputs refuses it, and takes `sample_weight=` instead.")
def test_class_weight_needs_a_single_output():
    import keras
    from keras import layers

    x, y = data()
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, {"a": layers.Dense(1, activation="sigmoid")(inputs),
                                 "b": layers.Dense(1, activation="sigmoid")(inputs)})
    model.compile(optimizer="sgd", loss={"a": "binary_crossentropy",
                                         "b": "binary_crossentropy"}, run_eagerly=True)
    targets = {"a": y, "b": y}
    with pytest.raises(ValueError, match="only supported for Models with a single output"):
        model.fit(x, targets, class_weight={0: 1.0, 1: 3.0}, verbose=0)
    w = np.where(y[:, 0] == 1, 3.0, 1.0)
    model.fit(x, targets, sample_weight=w, verbose=0)


@claim(PAGE, "Weights that follow the class are what `class_weight` builds, so "
             "`sample_weight=` with those weights trains the same model.",
       "To combine them, multiply the class weight into each example's own weight and pass the "
       "product as `sample_weight=`.")
def test_sample_weight_from_the_classes_trains_as_class_weight():
    import keras

    x, y = data()
    class_weight = {0: 0.5, 1: 4.0}
    w = np.where(y[:, 0] == 1, 4.0, 0.5)

    def trained(**weights):
        model = tiny(keras)
        model.compile(optimizer="adam", loss="binary_crossentropy", run_eagerly=True)
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, **weights)
        return model.get_weights()

    for a, b in zip(trained(class_weight=class_weight), trained(sample_weight=w)):
        assert np.allclose(a, b, atol=1e-6)
    # the product: each example's loss weighted by both
    own = np.linspace(0.5, 2.0, len(x)).astype("float32")
    model = tiny(keras)
    model.compile(loss="binary_crossentropy", run_eagerly=True)
    loss = model.evaluate(x, y, sample_weight=own * w, batch_size=len(x), verbose=0)
    assert np.isclose(loss, np.mean(own * w * bce(keras, y, np.asarray(model(x)))), rtol=1e-5)


@claim(PAGE, "TensorFlow's tutorial on imbalanced data starts the output's bias at the "
             "log-odds of the positive class instead, `log(p / (1 - p))` for a share `p`, the "
             "logit whose sigmoid is `p`")
def test_log_odds_bias_gives_the_share():
    import keras

    for p in (0.01, 0.1, 0.3):
        bias = np.log(p / (1 - p))
        assert np.isclose(float(keras.ops.sigmoid(bias)), p)


@claim(PAGE, "With balanced class weights, the weighted loss of a constant output is lowest at "
           "`0.5`, not at the share of 8s, so the log-odds bias starts the output away from "
           "where the weights pull it.")
def test_balanced_weighted_loss_is_lowest_at_one_half():
    share = 0.1
    w1, w0 = 1 / (2 * share), 1 / (2 * (1 - share))
    q = np.linspace(0.01, 0.99, 981)
    weighted = share * w1 * -np.log(q) + (1 - share) * w0 * -np.log(1 - q)
    plain = share * -np.log(q) + (1 - share) * -np.log(1 - q)
    assert np.isclose(q[np.argmin(weighted)], 0.5)
    assert np.isclose(q[np.argmin(plain)], share)
