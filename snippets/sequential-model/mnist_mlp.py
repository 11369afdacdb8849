"""A classifier for MNIST's grey-scale digits: the classic first Keras model."""

import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28), name="image"),  # (None, 28, 28)
        layers.Flatten(name="pixels"),  # (None, 784)
        layers.Dense(128, activation="relu", name="hidden"),  # (None, 128)
        layers.Dropout(0.2, name="dropout"),  # (None, 128)
        layers.Dense(10, name="logits"),  # (None, 10)
    ],
    name="digit_classifier",
)
model.summary()
