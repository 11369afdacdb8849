"""One digit classifier trained with from_logits=False, or with True."""

import keras
import numpy as np
from keras import layers
from sklearn.datasets import load_digits

digits_x, digits_y = load_digits(return_X_y=True)
digits_x = (digits_x / 16).astype("float32")


def digit_model(activation: str | None = None) -> keras.Sequential:
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation=activation),
        ]
    )


def train(from_logits: bool, seed: int = 0):
    """Two epochs of Adam; returns the model, its losses, outputs and
    accuracy."""
    keras.utils.set_random_seed(seed)
    model = digit_model()  # no activation: logits
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=from_logits
        ),
    )
    history = model.fit(
        digits_x, digits_y, epochs=2, batch_size=64, verbose=0
    ).history
    outputs = np.asarray(model(digits_x, training=False))
    accuracy = np.mean(outputs.argmax(axis=1) == digits_y)
    return model, history["loss"], outputs, accuracy
