"""Every page has its claims file, and every claim there names that page and a sentence.

Read from the files' source (ast), not by importing them: a claims file that fails to
import still shows here which page lost its checks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.claims.claims import DOCS

CLAIMS = Path(__file__).parent


def pages() -> list[str]:
    return sorted(p.relative_to(DOCS).as_posix() for p in [*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")])


def claims_file(page: str) -> Path:
    """docs/reference/saving.md -> tests/claims/test_saving.py"""
    return CLAIMS / ("test_" + Path(page).stem.replace("-", "_").replace(".", "_") + ".py")


def claims_in(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, page, sentences) of each @claim(...) in a claims file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # module-level names for strings (PAGE = "reference/saving.md")
    names = {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
             and isinstance(node.value, ast.Constant) for t in node.targets if isinstance(t, ast.Name)}

    def value(arg):
        if isinstance(arg, ast.Constant):
            return arg.value
        return names.get(arg.id) if isinstance(arg, ast.Name) else None

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "claim":
            args = [value(a) for a in node.args]
            found.append((node.lineno, args[0] if args else None, args[1:]))
    return found


@pytest.mark.parametrize("page", pages())
def test_every_page_has_a_claims_file_that_backs_its_sentences(page):
    path = claims_file(page)
    assert path.exists(), (
        f"docs/{page} has no claims file: write {path.relative_to(CLAIMS.parents[1])}, with a "
        "test per statement about Keras's behaviour that the page's code does not show "
        "(tests/claims/claims.py)")
    claims = claims_in(path)
    assert claims, f"{path.name} backs no sentence of docs/{page}"
    for line, named, sentences in claims:
        assert named == page, (
            f"{path.name}:{line}: a claim about {named!r} in the file of docs/{page} (the page "
            "must be a string literal or a module-level name for one)")
        assert sentences and all(isinstance(s, str) and s.strip() for s in sentences), (
            f"{path.name}:{line}: the sentence must be written out, as a string (a literal, "
            "or a module-level name for one), so that this check can read it")


def test_no_claims_file_without_a_page():
    names = {claims_file(p).name for p in pages()}
    strays = [p.name for p in CLAIMS.glob("test_*.py") if p.name not in names and p.name != Path(__file__).name]
    assert not strays, f"claims files whose page is gone: {strays}"


def test_a_claim_fails_when_its_sentence_is_not_on_the_page():
    from tests.claims.claims import claim, seeds_sentence

    page = "reference/sequential-model.md"

    @claim(page, "Keras never builds a model.")
    def reworded():
        pass

    with pytest.raises(AssertionError, match="no longer says: 'Keras never builds a model.'"):
        reworded()
    with pytest.raises(AssertionError, match="no longer says"):
        seeds_sentence(page, "It held on 5 of 5 seeds.", 5, 5)


def test_a_seed_count_must_equal_what_the_seeds_gave(tmp_path, monkeypatch):
    from tests.claims import claims

    (tmp_path / "p.md").write_text("Dropout lowered the validation loss on 4 of 5\nseeds.\n")
    monkeypatch.setattr(claims, "DOCS", tmp_path)
    sentence = "Dropout lowered the validation loss on 4 of 5 seeds."
    claims.seeds_sentence("p.md", sentence, 4, 5)
    with pytest.raises(AssertionError, match="says 4 of 5 seeds, the seeds run here gave 3 of 5"):
        claims.seeds_sentence("p.md", sentence, 3, 5)


def test_a_seed_within_rounding_may_count_either_way(tmp_path, monkeypatch):
    from tests.claims import claims

    (tmp_path / "p.md").write_text("The CNN won on 5 of 5 seeds.\n")
    monkeypatch.setattr(claims, "DOCS", tmp_path)
    held = claims.held_range([0.02, 0.03, 0.001, 0.05, 0.04], margin=0.003)
    assert held == (4, 5)
    claims.seeds_sentence("p.md", "The CNN won on 5 of 5 seeds.", held, 5)
    with pytest.raises(AssertionError, match="gave 3 to 4 .some within rounding. of 5"):
        claims.seeds_sentence("p.md", "The CNN won on 5 of 5 seeds.",
                              claims.held_range([0.02, -0.03, 0.001, 0.05, 0.04], 0.003), 5)


def test_an_optimizer_built_before_fit_trains_the_same():
    """The seed checks train within optimizer_built_before_fit(), to save time: the
    training must be the same, bit for bit, as a reader's (Dropout's random draws and
    the batch order included), and the optimizer's variables the same ones."""
    import keras
    import numpy as np

    from tests.claims.claims import optimizer_built_before_fit

    x = np.random.default_rng(0).normal(size=(96, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int32") + (x[:, 1] > 0)

    def train():
        keras.utils.clear_session()  # the same layer names
        keras.utils.set_random_seed(3)
        model = keras.Sequential([
            keras.Input(shape=(6,)), keras.layers.Dense(16, activation="relu"),
            keras.layers.BatchNormalization(), keras.layers.Dropout(0.3),
            keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0)
        return model, history.history

    reader, reader_history = train()
    with optimizer_built_before_fit():
        built, built_history = train()
    assert built_history == reader_history
    for a, b in [(reader.weights, built.weights),
                 (reader.optimizer.variables, built.optimizer.variables)]:
        assert [v.path for v in a] == [v.path for v in b]
        assert all(np.array_equal(v.numpy(), w.numpy()) for v, w in zip(a, b))
    assert "fit" not in vars(keras.Model)  # the context put fit() back
