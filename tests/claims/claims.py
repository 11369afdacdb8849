"""Statements about how Keras behaves, backed by tests that quote them.

A page's own code shows most of what the page says. A sentence it does not show ("a
`.weights.h5` file holds the optimizer's variables") is backed here: a test in
``tests/claims/test_<page>.py`` decorated with ``@claim(page, sentence)``, where
``sentence`` is the page's exact words (as written in its Markdown or notebook source,
whitespace aside). The test fails

- when the sentence is no longer on its page: rewording a sentence unbinds its check,
  and the maintainer rebinds it (or deletes the check with the sentence);
- when the behaviour changes, after an upgrade: the failing test names the sentence that
  became false.

A conclusion drawn from training is checked on several seeds the same way; where the page
states on how many seeds it held, the test computes that count and compares it with the
sentence (``seeds_sentence``).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"

# page -> sentences backed, filled as the claims modules are imported (test_coverage.py)
REGISTRY: dict[str, list[str]] = {}


def normalise(text: str) -> str:
    """Whitespace folded to single spaces, so that a sentence may wrap anywhere."""
    return re.sub(r"\s+", " ", text).strip()


def page_text(page: str) -> str:
    """What a page says in prose: a Markdown page's source, or a notebook's Markdown cells
    (code cells and comments are code, shown by running them)."""
    path = DOCS / page
    if not path.exists():
        raise AssertionError(f"claims name a page that does not exist: docs/{page}")
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return normalise("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"))
    return normalise(path.read_text(encoding="utf-8"))


def assert_on_page(page: str, sentence: str) -> None:
    if normalise(sentence) not in page_text(page):
        raise AssertionError(
            f"docs/{page} no longer says: {normalise(sentence)!r}\n"
            "The test below it checks that sentence: if the page was reworded, quote the "
            "new words here (and check that the test still proves them); if the sentence "
            "was removed, remove its test.")


def claim(page: str, *sentences: str):
    """Mark a test as the evidence for `sentences` on `page` (relative to docs/)."""
    if not sentences:
        raise ValueError("claim() needs the sentence it backs")
    REGISTRY.setdefault(page, []).extend(sentences)

    def decorate(test):
        @functools.wraps(test)
        def checked(*args, **kwargs):
            for sentence in sentences:
                assert_on_page(page, sentence)
            try:
                return test(*args, **kwargs)
            except AssertionError as failure:
                quoted = "\n".join(f"  {normalise(s)!r}" for s in sentences)
                raise AssertionError(
                    f"docs/{page} says what this test no longer finds true:\n{quoted}\n"
                    f"{failure}") from failure

        checked.claims = (page, sentences)
        return checked

    return decorate


_SEEDS = re.compile(r"(\d+) of (\d+) seeds")


def held_range(differences, margin: float) -> tuple[int, int]:
    """On how many seeds a comparison held, as a range that another CPU cannot leave.

    ``differences`` are the signed margins of the comparison on each seed (positive: it
    held, for example the CNN's accuracy minus the dense network's); ``margin`` is how far
    rounding on another CPU can move one (oneDNN on or off, AVX2 or AVX-512 change a
    trained model slightly: a few test images). A seed within the margin may go either
    way, so the count the page states must lie between the seeds that held by more than
    the margin and those that did not fail by more than it.
    """
    differences = list(differences)
    return (sum(d > margin for d in differences), sum(d > -margin for d in differences))


def seeds_sentence(page: str, sentence: str, held, tried: int) -> None:
    """The sentence says "N of M seeds": M must be the seeds tried and N what held, or,
    with ``held`` a range from ``held_range``, within it."""
    assert_on_page(page, sentence)
    found = _SEEDS.search(sentence)
    assert found, f"{sentence!r} should say on how many seeds it held ('N of M seeds')"
    said = (int(found.group(1)), int(found.group(2)))
    low, high = held if isinstance(held, tuple) else (held, held)
    counted = f"{low}" if low == high else f"{low} to {high} (some within rounding)"
    assert said[1] == tried and low <= said[0] <= high, (
        f"docs/{page} says {said[0]} of {said[1]} seeds, the seeds run here gave "
        f"{counted} of {tried}: {sentence!r}")


SEED_LINE = "keras.utils.set_random_seed(0)"


def run_notebook(page: str, seed: int, until: str) -> dict:
    """A notebook's code cells, run in order in one namespace as Jupyter runs them, with
    its seed line ``SEED_LINE`` (in exactly one cell) seeded with ``seed`` instead, up to
    and including the first cell that contains ``until``. Returns the namespace, so that
    a seed check reads the numbers the page's own cells computed. Cells that draw a
    figure (``plt.subplots``) are skipped: they only plot what earlier cells computed; so
    are cells marked not run (``skip-execution``), as the page's tests skip them.
    Run it in pytest's ``tmp_path`` (``monkeypatch.chdir``) where the cells write files."""
    import warnings

    import keras

    from tests.harness.export import SETUP

    keras.utils.clear_session()
    cells = json.loads((DOCS / page).read_text(encoding="utf-8"))["cells"]
    namespace, seeded = {}, 0
    for cell in cells:
        source = "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] != "code" or "plt.subplots" in source or "skip-execution" in tags:
            continue
        if source == SETUP.rstrip("\n"):
            continue  # what the test run sets for every page (COLUMNS, warnings' format), set already

        if SEED_LINE in source:
            source = source.replace(SEED_LINE, f"keras.utils.set_random_seed({seed})")
            seeded += 1
        with warnings.catch_warnings():
            # Python's default filters, as in a reader's Jupyter: libraries' deprecation
            # warnings stay hidden (pytest would turn them into errors)
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            exec(compile(source, f"docs/{page}", "exec"), namespace)
        if until in source:
            assert seeded == 1, f"docs/{page}: the seed line {SEED_LINE!r} was not run once"
            return namespace
    raise AssertionError(f"docs/{page} has no code cell containing {until!r}")


@contextlib.contextmanager
def optimizer_built_before_fit():
    """Within it, ``fit()`` first builds the model's optimizer, eagerly, as a reader may
    with ``model.optimizer.build(model.trainable_variables)`` and as Keras does itself
    under a distribution strategy; the training is then the same, bit for bit
    (``test_every_page.py`` checks it on a model with Dropout, BatchNormalization and a
    metric). Left to itself, Keras 3 with TensorFlow creates the optimizer's variables
    while it traces the first training step, so that TensorFlow traces that step twice
    and lifts each variable's initialiser out of the graph: a third of a small model's
    training time. The seed checks rerun the pages' own trainings within it."""
    import keras

    fit, own = keras.Model.fit, "fit" in vars(keras.Model)

    @functools.wraps(fit)
    def built_first(model, *args, **kwargs):
        optimizer = getattr(model, "optimizer", None)
        if model.built and optimizer is not None and not optimizer.built:
            with keras.name_scope(optimizer.name, caller=optimizer):  # as apply() does
                optimizer.build(model.trainable_variables)
        return fit(model, *args, **kwargs)

    keras.Model.fit = built_first
    try:
        yield
    finally:
        if own:
            keras.Model.fit = fit
        else:
            del keras.Model.fit


# Running a notebook's cells one by one: the seed checks of the text and Fashion-MNIST
# tutorials rerun some of the page's cells with other seeds.
def notebook_code(path):
    """The notebook's code cells as the tests run them (skip-execution cells left out)."""
    import nbformat

    cells = nbformat.read(str(path), as_version=4).cells
    return [c.source for c in cells
            if c.cell_type == "code" and "skip-execution" not in c.metadata.get("tags", [])]


def cell(cells, marker):
    (found,) = [source for source in cells if marker in source]
    return found


def run_cells(sources, namespace, page):
    """Execute the page's own code, its printing silenced (the page's tests check it)."""
    with contextlib.redirect_stdout(io.StringIO()):
        for source in sources:
            exec(compile(source, page, "exec"), namespace)  # noqa: S102 - the page's code
