"""A small image classifier for CIFAR-sized colour images, ten classes."""

import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(32, 32, 3)),  # (None, 32, 32, 3)
        layers.Conv2D(  # (None, 30, 30, 16)
            16, kernel_size=3, activation="relu"
        ),
        layers.MaxPooling2D(pool_size=(3, 3)),  # (None, 10, 10, 16)
        layers.Flatten(),  # (None, 1600)
        layers.Dense(64, activation="relu"),  # (None, 64)
        layers.Dense(10, activation="softmax"),  # (None, 10)
    ]
)
model.summary()
