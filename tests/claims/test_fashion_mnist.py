"""Claims of docs/tutorials/fashion_mnist.ipynb that its own cells do not show."""

import gzip
import hashlib
import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from tests.claims.claims import (
    DOCS, cell, claim, held_range, notebook_code, optimizer_built_before_fit, run_cells,
    seeds_sentence,
)
from tests.claims.probes import epoch_log_is_running_mean, evaluate_batches

PAGE = "tutorials/fashion_mnist.ipynb"
SEEDS = [1, 2, 3, 4, 5]
DEBIAN = Path("/usr/share/datasets/fashion-mnist")
FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
# The MD5 sums Zalando Research publishes for its four files (also in torchvision).
OFFICIAL_MD5 = ["8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"]


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras home, and a network that records what Keras tries to download."""
    from keras.src.backend import config
    from keras.src.utils import file_utils

    downloads = []

    def no_network(url, *args, **kwargs):
        downloads.append(url)
        raise OSError("no network in this test")

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))
    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    return tmp_path, downloads


def fake_idx(path, header, body):
    with gzip.open(path, "wb") as f:
        f.write(bytes(header) + bytes(body))


@claim(PAGE,
       "`keras.datasets.fashion_mnist.load_data()` looks for four gzip files in Keras' "
       "cache folder, `datasets/fashion-mnist/` inside the *Keras home* folder, and "
       "downloads the missing ones (about 30 MB in all) the first time.",
       "Keras only checks that these four files exist, not their checksums, so the links "
       "are enough (Debian recompressed the files, so their bytes differ from the "
       "download's).",
       "The same trick would not work for `mnist.npz`, whose checksum Keras does check.")
def test_load_data_reads_cached_files_unchecked(keras_home):
    import keras

    home, downloads = keras_home
    folder = home / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    # Two images and two labels each, with headers that are not even valid: unchecked.
    for name in FILES:
        images = "images" in name
        fake_idx(folder / name, [0] * (16 if images else 8), [7] * (2 * 784 if images else 2))
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    assert x_train.shape == x_test.shape == (2, 28, 28) and y_train.tolist() == [7, 7]
    assert downloads == []
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(OSError):
        keras.datasets.fashion_mnist.load_data()
    assert len(downloads) == 1 and downloads[0].endswith("/t10k-labels-idx1-ubyte.gz")
    # Debian's copy: other bytes than Zalando's files, about 30 MB like them.
    debian = [hashlib.md5((DEBIAN / name).read_bytes()).hexdigest() for name in FILES]
    assert all(ours != theirs for ours, theirs in zip(debian, OFFICIAL_MD5))
    assert 28e6 < sum((DEBIAN / name).stat().st_size for name in FILES) < 32e6
    # The download's own sizes, as Zalando's README (shipped by Debian) lists them.
    import re

    readme = gzip.open("/usr/share/doc/dataset-fashion-mnist/README.md.gz").read().decode()
    listed = re.findall(r"\|\s*([\d.]+) (MBytes|KBytes) \|", readme)
    total = sum(float(n) * {"MBytes": 1e6, "KBytes": 1e3}[unit] for n, unit in listed)
    assert len(listed) == 4 and 28e6 < total < 32e6
    # mnist.npz: a file with another hash is not used; Keras downloads again.
    np.savez(home / "datasets" / "mnist.npz", x_train=np.zeros(1))
    with pytest.raises(Exception, match="no network"):
        keras.datasets.mnist.load_data()
    assert downloads[-1].endswith("/mnist.npz")


def fresh_config(monkeypatch):
    """Keras's config module imported again, as a new process would import it."""
    from keras.src import api_export
    from keras.src.backend import config

    registries = [api_export.REGISTERED_NAMES_TO_OBJS, api_export.REGISTERED_OBJS_TO_NAMES]
    saved = [dict(registry) for registry in registries]
    spec = importlib.util.spec_from_file_location("claims_fresh_config", config.__file__)
    module = importlib.util.module_from_spec(spec)

    def refuse(*args, **kwargs):
        raise OSError("this test writes nothing")

    def read_only(path, mode="r", *args, **kwargs):
        if "r" not in mode:
            refuse()
        return open(path, mode, *args, **kwargs)

    module.open = read_only  # the module writes a keras.json when it finds none
    try:
        with monkeypatch.context() as patch:
            patch.setattr(os, "makedirs", refuse)
            spec.loader.exec_module(module)
    finally:  # the copy registered its functions again: put the originals back
        for registry, entries in zip(registries, saved):
            registry.clear()
            registry.update(entries)
    return module.keras_home()


@claim(PAGE,
       "The Keras home is `$KERAS_HOME` if that environment variable is set when Keras is "
       "imported, otherwise `~/.keras` (or `/tmp/.keras` if the home folder is not "
       "writable).",
       "Keras has no public function that returns it, so the cell below applies the same "
       "rule.")
def test_keras_home_rule(tmp_path, monkeypatch):
    import keras
    from keras.src.backend import config

    namespace = {"os": os}  # imported by the page's first cell
    run_cells([cell(notebook_code(DOCS / PAGE), "def keras_home(")], namespace, PAGE)
    assert namespace["keras_home"]() == config.keras_home()
    before = config.keras_home()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert config.keras_home() == before  # read at import, not later
    assert fresh_config(monkeypatch) == str(tmp_path)
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert fresh_config(monkeypatch) == os.path.join(str(tmp_path), ".keras")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert fresh_config(monkeypatch) == "/tmp/.keras"
    public = [name for module in (keras, keras.config, keras.utils, keras.datasets)
              for name in dir(module) if not name.startswith("_")
              and ("home" in name.lower() or "cache" in name.lower())]
    assert public == []


@claim(PAGE,
       "and keeps the last tenth of the subset aside as a "
       "[validation split](../glossary.md#validation-split), to measure the model after "
       "each epoch on images it does not train on",
       "`verbose=0` turns off the progress bar;")
def test_validation_split_is_the_last_tenth_and_verbose_0_is_silent(capsys):
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
    y = np.arange(20) % 2
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    seen = []
    record = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: seen.append(b))
    history = model.fit(x, y, batch_size=1, epochs=1, validation_split=0.1, verbose=0,
                        callbacks=[record])
    assert capsys.readouterr().out == ""
    assert len(seen) == 18  # trained on 18 of the 20 samples
    last = model.evaluate(x[18:], y[18:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(last, rel=1e-5)
    model.fit(x, y, batch_size=10, epochs=1, verbose=1)
    assert "2/2" in capsys.readouterr().out


@claim(PAGE,
       "`batch_size=1000` passes the images through the model 1,000 at a time instead of "
       "the default 32.")
def test_evaluate_batches_of_1000_and_32():
    assert evaluate_batches(2000, batch_size=1000) == 2
    assert evaluate_batches(2000) == 63  # 62 batches of 32 and one of 16


@claim(PAGE,
       "Each is a mean over the epoch's training images, measured batch by batch while "
       "the weights change: each batch with the weights as they were before its own "
       "update, and with the model in "
       "[training mode](../glossary.md#training-mode-inference-mode).",
       "The validation numbers measure the weights at the end of the epoch, on the 600 "
       "images kept aside.")
def test_training_columns_are_running_means():
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(50, 6)).astype("float32")
    y = np.argmax(x[:, :3], axis=1)
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(8),
                              keras.layers.BatchNormalization(), keras.layers.Dense(3)])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss_fn, metrics=["accuracy"])
    r = epoch_log_is_running_mean(model, x, y, loss_fn,
                                  lambda yb, logits: np.mean(logits.argmax(axis=1) == yb), 16)
    assert r["loss"] == pytest.approx(r["batches_loss"], rel=1e-5)
    assert r["accuracy"] == pytest.approx(r["batches_accuracy"], rel=1e-5)
    assert abs(r["loss"] - r["batches_inference_loss"]) > 1e-3
    assert abs(r["loss"] - r["after_loss"]) > 1e-3
    assert r["val_loss"] == pytest.approx(r["after_loss"], rel=1e-5)
    assert r["val_accuracy"] == pytest.approx(r["after_accuracy"], rel=1e-5)


@claim(PAGE,
       "`save()` with a `.keras` file name writes the model's layers, weights, compile "
       "settings and the optimizer's state;")
@pytest.mark.filterwarnings(  # raised inside Keras's own saving code, hidden by default
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
def test_keras_file_holds_compile_settings_and_optimizer_state(tmp_path):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(np.ones((10, 4)), np.zeros(10), batch_size=5, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    reloaded = keras.models.load_model(path)
    assert isinstance(reloaded.optimizer, keras.optimizers.Adam)
    assert isinstance(reloaded.loss, keras.losses.SparseCategoricalCrossentropy)
    assert reloaded.loss.get_config()["from_logits"] is True
    assert int(reloaded.optimizer.iterations) == 2
    for saved, loaded in zip(model.optimizer.variables, reloaded.optimizer.variables):
        assert np.array_equal(saved.numpy(), loaded.numpy())


@pytest.fixture(scope="module")
def page_state():
    """The page's code up to its model, run once: data, checks, subset."""
    cells = notebook_code(DOCS / PAGE)
    before = cells[:cells.index(cell(cells, "name=\"fashion_classifier\""))]
    namespace = {}
    run_cells([s for s in before if "plt." not in s], namespace, PAGE)
    return cells, namespace


def test_seeds_training_below_validation_and_shirt_lowest(page_state):
    import keras

    cells, ns = page_state
    gaps, shirts = [], []  # per seed: validation minus training loss; Shirt's lead
    for seed in SEEDS:
        keras.utils.clear_session()
        keras.utils.set_random_seed(seed)
        with optimizer_built_before_fit():
            run_cells([cell(cells, "name=\"fashion_classifier\""), cell(cells, "model.fit("),
                       cell(cells, "n_fit ="), cell(cells, "per_class =")], ns, PAGE)
        (x_fit, y_fit), (x_val, y_val) = ns["parts"].values()
        train_loss = ns["model"].evaluate(x_fit, y_fit, batch_size=1000, verbose=0)[0]
        val_loss = ns["model"].evaluate(x_val, y_val, batch_size=1000, verbose=0)[0]
        gaps.append(val_loss - train_loss)
        # how far below every other class Shirt's test accuracy is (negative: not lowest)
        shirt = ns["class_names"].index("Shirt")
        others = [a for k, a in enumerate(ns["per_class"]) if k != shirt]
        shirts.append(min(others) - ns["per_class"][shirt])
    # Another CPU's rounding moves a trained loss by about 1e-3 at most, and a class's
    # accuracy by a test image or two: seeds within that may count either way.
    images = min(int(np.sum(ns["y_test"] == k)) for k in range(10))
    gaps_held, shirts_held = held_range(gaps, 0.002), held_range(shirts, 2 / images)
    seeds_sentence(PAGE, "The claims tests of this site trained the model again with other "
                   "seeds, and the final training loss was below the validation loss on "
                   "5 of 5 seeds.", gaps_held, len(SEEDS))
    seeds_sentence(PAGE, "The claims tests of this site trained the model again with other "
                   "seeds, and `Shirt` had the lowest accuracy on 3 of 5 seeds",
                   shirts_held, len(SEEDS))


@claim(PAGE,
       "copyright 2017 Zalando SE, under the MIT licence.",
       "Debian's package, used below to run offline, ships the same data under the same "
       "licence.")
def test_debian_copy_names_zalando_and_the_mit_licence():
    """Debian's machine-readable copyright file of dataset-fashion-mnist: the upstream
    source, its copyright holder and the licence (Expat is Debian's name for MIT)."""
    copyright_file = Path("/usr/share/doc/dataset-fashion-mnist/copyright").read_text()
    upstream = copyright_file.split("\n\n")[1]  # the "Files: *" paragraph: the data
    assert "Source: https://github.com/zalandoresearch/fashion-mnist" in copyright_file
    assert "Files: *" in upstream and "Copyright: 2017, Zalando SE" in upstream
    assert "License: Expat" in upstream
    assert "Permission is hereby granted, free of charge" in copyright_file  # the MIT text
    # The same data: the four files in the IDX layout of 60,000 and 10,000 images.
    sizes = [len(gzip.open(DEBIAN / name).read()) for name in FILES]
    assert sizes == [16 + 60000 * 784, 8 + 60000, 16 + 10000 * 784, 8 + 10000]


@claim(PAGE, "The labels are numbers; the data set's documentation gives their names, in this "
             "order:")
def test_class_names_are_the_documented_ones_in_order():
    import re

    import keras

    namespace = {}
    run_cells([cell(notebook_code(DOCS / PAGE), "class_names = [")], namespace, PAGE)
    rows = re.findall(r"^\s*\|\s+(\d)\s+\|\s+(\S.*?)\s*\|$",
                      keras.datasets.fashion_mnist.load_data.__doc__, re.MULTILINE)
    assert [int(label) for label, _ in rows] == list(range(10))
    assert namespace["class_names"] == [name for _, name in rows]
    readme = gzip.open("/usr/share/doc/dataset-fashion-mnist/README.md.gz").read().decode()
    upstream = re.findall(r"^\| (\d) \| (\S.*?) \|$", readme, re.MULTILINE)
    assert namespace["class_names"] == [name for _, name in upstream]
    # Zalando's MD5 sums, as its README (shipped by Debian) lists them: OFFICIAL_MD5 above.
    assert [m for m in OFFICIAL_MD5 if f"`{m}`" in readme] == OFFICIAL_MD5
