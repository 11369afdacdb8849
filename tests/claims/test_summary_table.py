"""Claims of docs/reference/summary-table.md that its code does not show."""

import contextlib
import io
import re

from tests.claims.claims import claim

PAGE = "reference/summary-table.md"


def summary_of(model) -> str:
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        model.summary(line_length=80)
    return text.getvalue()


@claim(PAGE,
       "3 x 3 windows with [strides](../glossary.md#stride) of 3 (steps of 3 pixels, the "
       "default for pooling) fit 30 // 3 = 10 times along each axis.")
def test_pooling_strides_default_to_the_window():
    import keras

    assert keras.layers.MaxPooling2D(pool_size=(3, 3)).strides == (3, 3)


@claim(PAGE,
       "The `_1` is Keras's automatic name for the second `Dense` layer of the session "
       "(since the program started, or since `keras.utils.clear_session()` last ran).")
def test_automatic_names_count_per_session():
    import keras

    keras.utils.clear_session()
    first, second = keras.layers.Dense(1), keras.layers.Dense(1)
    keras.layers.Dense(1, name="named")  # a given name takes no number
    third = keras.layers.Dense(1)
    assert (first.name, second.name, third.name) == ("dense", "dense_1", "dense_2")
    keras.utils.clear_session()  # a new session counts from the start again
    assert keras.layers.Dense(1).name == "dense"
    keras.utils.clear_session()


@claim(PAGE,
       "The size is the memory the weights take: float32 values (32-bit floating-point "
       "numbers) of 4 bytes each, in units of 1,024 bytes:")
def test_summary_size_is_four_bytes_per_parameter():
    import keras

    model = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(100)])
    # 1,100 float32 parameters: 4,400 bytes = 4.30 KB of 1,024 bytes
    assert " Total params: 1,100 (4.30 KB)" in summary_of(model)
    half = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(100, dtype="float16")])
    assert " Total params: 1,100 (2.15 KB)" in summary_of(half)  # the size follows the dtype


@claim(PAGE,
       "Freezing a layer moves its weights to the non-trainable line; the total stays the "
       "same.")
def test_freezing_moves_weights_to_the_non_trainable_line():
    import keras

    model = keras.Sequential([
        keras.Input(shape=(10,)), keras.layers.Dense(100), keras.layers.Dense(3)
    ])
    model.layers[0].trainable = False
    text = summary_of(model)
    assert " Total params: 1,403 " in text
    assert " Trainable params: 303 " in text
    assert " Non-trainable params: 1,100 " in text


@claim(PAGE,
       "After `compile()` and `fit()` the summary adds one more line, *Optimizer params*: the "
       "state kept by the [optimizer](../glossary.md#optimizer), the algorithm that updates "
       "the weights (for Adam, two moving averages per weight, plus the step count and the "
       "learning rate).",
       "*Total params* then counts that state too, so it is no longer the sum of the rows.")
def test_optimizer_line_after_fit_adam_keeps_two_averages_per_weight():
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    assert "Optimizer params" not in summary_of(model)  # compile() alone: not yet
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    # 8 weights: a first and a second moment each, plus the step count and learning rate
    text = summary_of(model)
    assert " Optimizer params: 18 " in text
    assert " Total params: 26 " in text and " Trainable params: 8 " in text  # 8 + 18
    names = [v.name for v in model.optimizer.variables]
    assert sorted(names)[:2] == ["iteration", "learning_rate"], names
    assert sum(name.endswith("_momentum") for name in names) == 2  # one per weight tensor
    assert sum(name.endswith("_velocity") for name in names) == 2


@claim(PAGE,
       "A 3 x 3 kernel (the filter's window of weights) fits 32 - 3 + 1 = 30 times along each "
       "axis (`valid` [padding](../glossary.md#padding): only where it fits whole), and 16 "
       "filters make 16 channels.")
def test_conv2d_pads_nothing_by_default():
    import keras

    conv = keras.layers.Conv2D(16, 3)
    assert conv.padding == "valid" and conv.strides == (1, 1)
    assert conv.compute_output_shape((None, 32, 32, 3)) == (None, 30, 30, 16)



def _cnn():
    import keras

    return keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        keras.layers.Conv2D(16, 3, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(3, 3)),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


@claim(PAGE,
       "The diagram has no box for the `keras.Input`, as the table has no row for it (a "
       "[functional](functional-api.md) model's diagram and table both start with its "
       "`InputLayer`).",
       "Every `show_` argument is off by default (two more are `show_dtype` and "
       "`show_trainable`), so a bare `plot_model(model)` draws the class names alone, and "
       "`dpi` defaults to 200.",
       "The extension of `to_file` picks the format (`.png`, `.jpg`, `.svg`, `.pdf`, ...).")
def test_plot_model_defaults_boxes_and_formats(tmp_path):
    import inspect

    import keras

    model = _cnn()
    defaults = {name: p.default for name, p in
                inspect.signature(keras.utils.plot_model).parameters.items()}
    shows = {name: value for name, value in defaults.items() if name.startswith("show_")}
    assert shows == {"show_shapes": False, "show_dtype": False, "show_layer_names": False,
                     "show_layer_activations": False, "show_trainable": False}
    assert defaults["dpi"] == 200
    keras.utils.plot_model(model, to_file=str(tmp_path / "bare.pdf"))
    # the graph the bare call draws: model_to_dot with plot_model's defaults
    dot = keras.utils.model_to_dot(model, **{k: defaults[k] for k in (*shows, "dpi")})
    texts = [re.sub(r"<[^>]+>", " ", n.get("label")[1:-1]).split()  # <HTML-like>
             for n in dot.get_nodes() if n.get("label")]
    assert texts == [["Conv2D"], ["MaxPooling2D"], ["Flatten"], ["Dense"], ["Dense"]]
    full = keras.utils.model_to_dot(model, show_shapes=True, show_layer_names=True,
                                    show_layer_activations=True)
    boxes = [n.get("label") for n in full.get_nodes() if n.get("label")]
    assert len(boxes) == len(model.layers) == 5
    assert not any("InputLayer" in b or "input_layer" in b for b in boxes)
    inputs = keras.Input(shape=(4,))
    functional = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    boxes = [n.get("label") for n in keras.utils.model_to_dot(
        functional, show_layer_names=True).get_nodes() if n.get("label")]
    assert len(boxes) == 2 and "InputLayer" in boxes[0]
    assert "(InputLayer)" in summary_of(functional).split("\n")[4]  # the first row
    magic = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "pdf": b"%PDF-"}
    for ext, start in magic.items():
        keras.utils.plot_model(model, to_file=str(tmp_path / f"m.{ext}"))
        assert (tmp_path / f"m.{ext}").read_bytes().startswith(start), ext
    try:
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.svg"))
    except ValueError:
        pass  # with IPython installed; the next test
    assert "<svg" in (tmp_path / "m.svg").read_text()


@claim(PAGE,
       "Where IPython is installed (Jupyter installs it), `plot_model` also returns the "
       "picture as an `IPython.display.Image`, which Jupyter shows when it is a cell's last "
       "value.",
       "That class embeds PNG, JPEG, GIF and WebP only: for `.svg`, for example, the call "
       "writes the file, then raises `ValueError: Cannot embed the 'svg' image format` (a "
       "`.pdf` is left out and gives `None`).",
       "A `to_file` without an extension gets a PNG, then the same error, since the class "
       "reads the format from the name.",
       "Without IPython, it returns `None` for every format.")
def test_plot_model_returns_an_ipython_image(tmp_path, monkeypatch):
    import importlib.metadata
    import sys

    import IPython.display
    import keras
    import pytest

    assert any(r.startswith("ipython") for r in importlib.metadata.requires("ipykernel"))
    model = _cnn()
    image = keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
    assert isinstance(image, IPython.display.Image)
    assert image.data == (tmp_path / "m.png").read_bytes()  # what Jupyter displays
    assert image._repr_png_()
    for ext in ("jpg", "gif", "webp"):  # the other formats it embeds
        image = keras.utils.plot_model(model, to_file=str(tmp_path / f"m.{ext}"))
        assert isinstance(image, IPython.display.Image), ext
    with pytest.raises(ValueError, match="Cannot embed the 'svg' image format"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.svg"))
    with pytest.raises(ValueError, match="Cannot embed the 'ps' image format"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.ps"))  # not a bitmap
    assert (tmp_path / "m.ps").read_bytes().startswith(b"%!PS")
    assert "<svg" in (tmp_path / "m.svg").read_text()  # written first
    assert keras.utils.plot_model(model, to_file=str(tmp_path / "m.pdf")) is None
    with pytest.raises(ValueError, match=r"Cannot embed the '.*/model' image format"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "model"))
    assert (tmp_path / "model").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setitem(sys.modules, "IPython", None)  # as if it were not installed
    for ext in ("png", "svg", "pdf"):
        assert keras.utils.plot_model(model, to_file=str(tmp_path / f"n.{ext}")) is None
        assert (tmp_path / f"n.{ext}").stat().st_size > 0


@claim(PAGE,
       "Without `pydot`, the message asks for `pip install pydot` instead.",
       "Keras means to print the message and return `None` when it runs in IPython, so that "
       "a notebook goes on, but it recognises IPython by a module that a fresh Jupyter "
       "kernel has not imported: in Jupyter, as in this page's notebook, the error is "
       "raised as in a script.")
def test_plot_model_without_graphviz_raises_in_scripts_and_jupyter(tmp_path, monkeypatch, capsys):
    import sys
    import types

    import keras
    import nbformat
    import pytest
    from keras.src.utils import model_visualization

    from tests.harness.kernel import execute

    model = _cnn()
    message = ("You must install graphviz (see instructions at "
               "https://graphviz.gitlab.io/download/) for `plot_model` to work.")
    marker = "IPython.core.magics.namespace"  # the module Keras takes for IPython
    monkeypatch.delitem(sys.modules, marker, raising=False)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no dot
    with pytest.raises(ImportError) as raised:
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
    assert str(raised.value) == message
    # with the module Keras looks for, it prints the message and returns None
    monkeypatch.setitem(sys.modules, marker, types.ModuleType(marker))
    capsys.readouterr()
    assert keras.utils.plot_model(model, to_file=str(tmp_path / "m.png")) is None
    assert capsys.readouterr().out.strip() == message
    assert not (tmp_path / "m.png").exists()
    monkeypatch.undo()
    # without pydot
    monkeypatch.setattr(model_visualization, "pydot", None)
    with pytest.raises(ImportError,
                       match=r"^You must install pydot \(`pip install pydot`\) for `plot_model`"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"))
    monkeypatch.undo()
    # a fresh Jupyter kernel, as the suite runs a page's notebook, has not imported it
    # (the page's own notebook run shows the ImportError itself, after its other cells)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import sys\nimport IPython\nprint({marker!r} in sys.modules)"))
    ran, error = execute(nb, timeout=120)
    assert error is None
    assert "".join(o.get("text", "") for o in ran.cells[0].outputs).strip() == "False"
