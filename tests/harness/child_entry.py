"""The target a page's process starts with, importable without TensorFlow.

The worker only names this function; the server that forks page processes has
tests.harness.child (and with it TensorFlow) imported already.
"""


def page_main(conn, workdir: str) -> None:
    from . import child

    child.page_main(conn, workdir)
