"""Claims of docs/reference/multi-class-vs-multi-label.md that its own code does not show."""

import numpy as np
import pytest

from tests.claims.claims import claim

PAGE = "reference/multi-class-vs-multi-label.md"


@claim(PAGE,
       "Each label is predicted when its probability is above `0.5`, the **threshold**: "
       "strictly above, as `BinaryAccuracy` counts, so a probability of exactly `0.5` "
       "means \"no\".")
def test_binary_accuracy_counts_strictly_above_the_threshold():
    import keras

    assert keras.metrics.BinaryAccuracy().threshold == 0.5
    metric = keras.metrics.BinaryAccuracy()
    # 0.5 counts as "no", just above it as "yes": both right only if the count is strict
    # (with >=, the first would be wrong; mixing a 1-label at 0.5 in would hide that)
    metric.update_state([[0.0], [1.0]], [[0.5], [0.5000001]])
    assert float(metric.result()) == 1.0


@claim(PAGE,
       "Integer targets go with `sparse_categorical_crossentropy`; one-hot targets would "
       "go with `categorical_crossentropy`, which computes the same loss")
def test_sparse_and_one_hot_cross_entropy_agree():
    import keras

    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(10), size=6).astype("float32")
    labels = np.arange(6)
    sparse = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
    one_hot = keras.losses.categorical_crossentropy(
        keras.utils.to_categorical(labels, 10), probabilities)
    assert np.allclose(sparse, one_hot, atol=1e-6)


@claim(PAGE,
       "The loss is `binary_crossentropy`, averaged over the three labels, and "
       "`BinaryAccuracy` counts the fraction of single labels that are right")
def test_binary_crossentropy_averages_over_labels():
    import keras

    y = np.array([[1, 0, 1], [0, 0, 1]], dtype="float32")
    p = np.array([[0.9, 0.2, 0.4], [0.3, 0.6, 0.8]], dtype="float32")
    per_label = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    per_example = keras.losses.binary_crossentropy(y, p)
    assert np.allclose(per_example, per_label.mean(axis=1), atol=1e-5)
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state(y, p)
    assert np.isclose(float(metric.result()), np.mean((p > 0.5) == y))  # 4 of 6


@claim(PAGE,
       "If the model outputs logits instead of probabilities, the threshold `0.5` on a "
       "probability becomes `0` on a logit")
def test_threshold_half_is_logit_zero():
    import keras

    logits = np.array([-3.0, -1e-3, 0.0, 1e-3, 2.0], dtype="float32")
    probabilities = np.asarray(keras.ops.sigmoid(logits))
    assert np.array_equal(probabilities > 0.5, logits > 0)


@claim(PAGE,
       "each step moves every weight against its **gradient** "
       "([glossary](../glossary.md#gradient)), by the **learning rate** times the gradient")
def test_sgd_step_is_learning_rate_times_gradient():
    import keras

    weight = keras.Variable(np.array([1.0, -2.0], "float32"))
    gradient = np.array([0.5, -4.0], "float32")
    keras.optimizers.SGD(learning_rate=0.5).apply_gradients([(gradient, weight)])
    assert np.allclose(weight.numpy(), [1.0 - 0.25, -2.0 + 2.0])


def three_labels(seed=0, n=300):
    """Targets of three labels, and probabilities that rank each label's examples fairly
    well but sit on different scales per label."""
    rng = np.random.default_rng(seed)
    y = (rng.random((n, 3)) < [0.5, 0.3, 0.6]).astype("float32")
    score = y + rng.normal(0, 0.6, (n, 3))
    p = 1 / (1 + np.exp(-(score * [1.0, 0.5, 2.0] + [0.0, -1.5, 1.0])))
    return y, p.astype("float32")


def auc_of(y, p, **kwargs):
    import keras

    metric = keras.metrics.AUC(**kwargs)
    metric.update_state(y, p)
    return float(metric.result())


def keras_auc_weighted(y, p, sample_weight):
    import keras

    metric = keras.metrics.AUC()
    metric.update_state(y, p, sample_weight=sample_weight)
    return float(metric.result())


@claim(PAGE,
       "`keras.metrics.AUC` (the area under the ROC curve: the chance that a positive "
       "example gets a higher probability than a negative one) takes targets of this shape "
       "too, but by default it does not score each label.",
       "It flattens the three columns into one list of yes/no answers and draws one curve "
       "through all of them")
def test_auc_flattens_labels_by_default():
    y, p = three_labels()
    default = auc_of(y, p)
    assert default == pytest.approx(auc_of(y.ravel(), p.ravel()), abs=1e-6)
    flat_y, flat_p = y.ravel(), p.ravel()
    pairs = flat_p[flat_y == 1][:, None] > flat_p[flat_y == 0][None, :]
    assert default == pytest.approx(pairs.mean(), abs=0.01)


@claim(PAGE,
       "`AUC(multi_label=True)` draws one curve per label instead and returns the plain "
       "mean of their areas, the last number below:",
       "with it, `label_weights=` weights the labels' areas instead of taking their plain "
       "mean (without it, `label_weights=` weights each label's answers in the one "
       "flattened curve).",
       "The flattened score is one ranking across labels whose probabilities need not be on "
       "one scale, so it also rewards or punishes how the labels' probabilities compare "
       "with each other, which no single label's predictions depend on.")
def test_multi_label_auc_is_the_mean_of_the_labels_areas():
    y, p = three_labels()
    areas = [auc_of(y[:, c], p[:, c]) for c in range(3)]
    multi = auc_of(y, p, multi_label=True)
    assert multi == pytest.approx(np.mean(areas), abs=1e-6)
    assert abs(multi - auc_of(y, p)) > 0.01
    weights = [0.5, 0.3, 0.2]
    assert auc_of(y, p, multi_label=True, label_weights=weights) == pytest.approx(
        np.dot(weights, areas) / np.sum(weights), abs=1e-6)
    # without multi_label, the weights weight each label's answers as sample weights
    flat_weights = np.broadcast_to(np.asarray(weights, "float32"), y.shape)
    flat = auc_of(y.ravel(), p.ravel())
    flat_weighted = keras_auc_weighted(y.ravel(), p.ravel(), flat_weights.ravel())
    assert auc_of(y, p, label_weights=weights) == pytest.approx(flat_weighted, abs=1e-6)
    assert abs(flat_weighted - flat) > 1e-3
    # moving one label's probabilities up keeps its ranking: the per-label areas stay
    # (up to the 200 thresholds' resolution), the flattened score moves
    moved = p.copy()
    moved[:, 1] = 0.5 + 0.5 * moved[:, 1]
    assert auc_of(y, moved, multi_label=True) == pytest.approx(multi, abs=0.01)
    assert abs(auc_of(y, moved) - auc_of(y, p)) > 0.01
