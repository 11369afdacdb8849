"""tests/as_reader.py: a page run as a reader runs it (one script, plain python) must print
what it shows. The pages here use no TensorFlow (preload=False), so each runs in well
under a second."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from IPython.lib.pretty import pretty

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests import as_reader  # noqa: E402


@pytest.fixture
def page(tmp_path):
    """Write a page (and snippets) into a throwaway project; return its path."""
    (tmp_path / "docs").mkdir()

    def write(name: str, text: str, snippets: dict[str, str] | None = None) -> Path:
        for snippet, code in (snippets or {}).items():
            path = tmp_path / "snippets" / snippet
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(code), encoding="utf-8")
        path = tmp_path / "docs" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def check(path: Path) -> as_reader.Outcome:
    return as_reader.check_page(path, timeout=60, preload=False)


GOOD = '''\
    # Page

    ```python
    import warnings
    total = 1 + 2
    print(total)
    ```

    ```output
    3
    ```

    ```{.python raises}
    int("x")
    ```

    ```output
    ValueError: invalid literal for int() with base 10: 'x'
    ```

    ```{.python warns}
    warnings.warn("careful")
    print("after")
    ```

    ```output
    UserWarning: careful
    after
    ```

    === "First"

        ```python
        total += 1
        ```

    === "Second"

        ```python
        total += 100
        print("never run by a reader who takes the first tab")
        ```

    ```{.python notest title="Not run here: it would wait for input forever"}
    input()
    ```

    ```python
    --8<-- "page/show.py"
    ```

    ```output
    total is 4
    ```
'''


def test_a_page_that_prints_what_it_shows_passes(page):
    outcome = check(page("good.md", GOOD, {"page/show.py": 'print("total is", total)\n'}))
    assert outcome.ok, outcome.differences
    assert outcome.blocks == 5  # the second tab and the notest fence do not run


def test_wrong_output_is_reported_with_its_line_and_the_diff(page):
    path = page("wrong.md", GOOD.replace("    3\n", "    30\n"), {"page/show.py": 'print("total is", total)\n'})
    outcome = check(path)
    assert not outcome.ok
    [difference] = outcome.differences
    assert difference.startswith(f"{as_reader._rel(path)}:9: a reader sees other output")
    assert "-30\n+3" in difference


def test_the_state_a_reader_has_decides_what_prints(page):
    """The example of issue 21, class 10, in small: what the harness resets between blocks
    (here a counter standing for Keras's layer names) a reader's script keeps."""
    path = page("state.md", '''\
        ```python
        import itertools
        names = itertools.count()
        print(f"dense_{next(names)}")
        ```

        ```output
        dense_0
        ```

        ```python
        print(f"dense_{next(names)}")
        ```

        ```output
        dense_0
        ```
    ''')
    [difference] = check(path).differences
    assert ":15: a reader sees other output" in difference and "+dense_1" in difference


def test_warnings_show_once_per_location_as_python_shows_them(page):
    path = page("twice.md", '''\
        ```{.python warns}
        import warnings
        def risky():
            warnings.warn("once")
        risky()
        ```

        ```output
        UserWarning: once
        ```

        ```python
        risky()
        print("no warning this time")
        ```

        ```output
        no warning this time
        ```
    ''')
    outcome = check(path)
    assert outcome.ok, outcome.differences


def test_an_exception_stops_the_script_and_names_the_block(page):
    path = page("stops.md", '''\
        ```python
        print("start")
        1 / 0
        ```

        ```output
        start
        ```

        ```python
        print("never")
        ```

        ```output
        never
        ```
    ''')
    [difference] = check(path).differences
    assert ":1: the script stopped here (exit status 1); 1 later block(s) did not run" in difference
    assert "ZeroDivisionError: division by zero" in difference


def test_a_page_cannot_print_a_block_boundary(page):
    """Without the run's random token, a line that looks like a marker is only output."""
    path = page("forge.md", '''\
        ```python
        print("0" * 32 + " 1")
        ```

        ```output
        00000000000000000000000000000000 1
        ```
    ''')
    assert check(path).ok


def test_notebook_cells_show_their_last_value_as_jupyter_does(page, tmp_path):
    notebook = nbformat.v4.new_notebook()
    cells = [
        ("x = 6 * 7\nx", [nbformat.v4.new_output("execute_result", data={"text/plain": "42"})], []),
        # Too long for one line: IPython's pretty printer puts one item on each line.
        ("list(range(30))", [nbformat.v4.new_output("execute_result", data={"text/plain": pretty(list(range(30)))})], []),
        ("int('x')", [nbformat.v4.new_output(
            "error", ename="ValueError", evalue="invalid literal for int() with base 10: 'x'", traceback=[])],
         ["raises-exception"]),
        ("print(x + 1)", [nbformat.v4.new_output("stream", name="stdout", text="44\n")], []),
    ]
    for source, outputs, tags in cells:
        cell = nbformat.v4.new_code_cell(source, outputs=outputs)
        cell.metadata["tags"] = tags
        notebook.cells.append(cell)
    path = tmp_path / "docs" / "book.ipynb"
    nbformat.write(notebook, str(path))
    [difference] = check(path).differences
    assert difference.startswith(f"{as_reader._rel(path)}:cell 4: a reader sees other output")
    assert "-44\n+43" in difference


def test_jupyter_text_is_what_the_notebook_shows_in_order():
    """Jupyter shows rich's output (model.summary()) as display data between the streams;
    figures are not text."""
    cell = nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="before\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "\x1b[1mModel: \"sequential\"\x1b[0m\n", "text/html": "<pre>"}),
        nbformat.v4.new_output("display_data", data={"image/png": "", "text/plain": "<Figure size 640x480 with 1 Axes>"}),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}),
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[]),
    ])
    from tests.harness.kernel import shown_text

    assert shown_text(cell) == 'before\nModel: "sequential"\nUserWarning: careful\n42\nValueError: bad'


def test_a_page_that_finds_the_token_cannot_move_a_boundary(page):
    """The working folder is empty, as the pages promise; a page that digs the token out
    of the script's namespace and prints a marker is caught by the markers' order."""
    path = page("dig.md", '''\
        ```python
        import os
        print(os.listdir("."))
        token = __reader_mark.__defaults__[0]
        print(f"\\n{token} 1")
        print("this would pass as the next block's output")
        ```

        ```output
        []
        ```

        ```python
        pass
        ```

        ```output
        this would pass as the next block's output
        ```
    ''')
    [difference] = check(path).differences
    assert "the page printed a marker itself" in difference
