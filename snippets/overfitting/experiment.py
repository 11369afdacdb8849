"""The overfitting page's experiment: the data, every model the page
compares, how each is trained from a seed and how each is measured."""

import keras
import numpy as np
import tensorflow as tf
from keras import layers, regularizers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

x, y = load_digits(return_X_y=True)
x = (x / 16).astype("float32")
x_train, x_val, y_train, y_val = train_test_split(
    x, y, train_size=300, stratify=y, random_state=0
)
print(len(x_train), "training and", len(x_val), "validation samples")

EPOCHS = 20
BATCH_SIZE = 75  # divides the training set evenly: every step sees a full batch
WIDTH = 256  # units in each hidden layer of the large model


def relu(units: int, **kwargs) -> layers.Dense:
    return layers.Dense(units, activation="relu", **kwargs)


def classifier(*hidden: layers.Layer) -> keras.Sequential:
    output = layers.Dense(10, activation="softmax")
    model = keras.Sequential([keras.Input(shape=(64,)), *hidden, output])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="sparse_categorical_crossentropy",
    )
    return model


def batch_normalized(momentum: float) -> keras.Sequential:
    def block():
        return [
            layers.Dense(WIDTH),
            layers.BatchNormalization(momentum=momentum),
            layers.Activation("relu"),
        ]

    return classifier(*block(), *block())


def regularised(regularizer) -> keras.Sequential:
    return classifier(
        relu(WIDTH, kernel_regularizer=regularizer),
        relu(WIDTH, kernel_regularizer=regularizer),
    )


LARGE, TINY = f"too large ({WIDTH}-{WIDTH})", "too small (2)"
MODELS = {
    LARGE: lambda: classifier(relu(WIDTH), relu(WIDTH)),
    TINY: lambda: classifier(relu(2)),
    # the remedies: each changes one thing about the large model
    "smaller (64)": lambda: classifier(relu(64)),
    "L2 1e-3": lambda: regularised(regularizers.l2(1e-3)),
    "L1 1e-4": lambda: regularised(regularizers.l1(1e-4)),
    "Dropout 0.5": lambda: classifier(
        relu(WIDTH), layers.Dropout(0.5), relu(WIDTH), layers.Dropout(0.5)
    ),
    "BatchNorm, momentum 0.99": lambda: batch_normalized(0.99),  # the default
    "BatchNorm, momentum 0.9": lambda: batch_normalized(0.9),
}


def train(name: str, seed: int, callbacks=(), validation_freq=None):
    """Build MODELS[name], train it for EPOCHS; return the model and its
    History.

    The seed sets the initial weights and, set again before fit(), the order
    of the batches and which units Dropout zeroes: all models of one seed see
    the same batches. validation_freq=N: fit() also logs val_loss every N
    epochs.
    """
    keras.utils.set_random_seed(seed)
    model = MODELS[name]()
    keras.utils.set_random_seed(seed)
    # tf.data pipelines: the training images reshuffled every epoch, in batches;
    # the validation images in one batch
    batches = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train), seed=seed)
        .batch(BATCH_SIZE)
    )
    validation = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    validation = validation.batch(len(x_val))
    history = model.fit(
        batches,
        epochs=EPOCHS,
        verbose=0,
        callbacks=list(callbacks),
        shuffle=False,  # the dataset shuffles itself; fit() warns otherwise
        validation_data=None if validation_freq is None else validation,
        validation_freq=validation_freq or 1,
    )
    return model, history


def cross_entropy(probabilities, labels) -> float:
    losses = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
    return float(keras.ops.mean(losses))


def measure(model: keras.Sequential) -> dict[str, float]:
    """Cross-entropy on both sets and validation accuracy, in inference mode."""
    val_probabilities = model(x_val, training=False)
    predicted = np.argmax(val_probabilities, axis=1)
    return {
        "train CE": cross_entropy(model(x_train, training=False), y_train),
        "val CE": cross_entropy(val_probabilities, y_val),
        "penalty": float(sum(model.losses)),  # L1/L2 terms now; zero without
        "val acc": float(np.mean(predicted == y_val)),
    }


class EveryEpoch(keras.callbacks.Callback):
    """Measures the model after every epoch, the same way."""

    def __init__(self):
        super().__init__()
        self.rows = []

    def on_epoch_end(self, epoch, logs=None):
        self.rows.append(measure(self.model))
