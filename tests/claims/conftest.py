"""Claims tests run in the pytest worker, with TensorFlow as a reader gets it; only its
native INFO and WARNING lines are off, as on the pages (CONTRIBUTING.md, "How a page runs")."""

import gc
import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session", autouse=True)
def imports_out_of_the_collectors_reach():
    """TensorFlow and Keras imported once, and every object alive then (theirs, pytest's,
    the test modules') moved out of the garbage collector's reach, as the pages' server
    does (tests/harness/child.py): a full collection (each ``clear_session()`` makes one,
    and tracing a model triggers many) then walks only what the tests made since, not
    the million objects of the imports. It changes no result: nothing frozen is garbage."""
    gc.disable()  # while importing: the collections would find nothing to free
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    finally:
        gc.enable()
    gc.collect()
    gc.freeze()
    yield

