"""Each page's notebook run in a real Jupyter kernel (issue 22): tests/harness/export.py
makes a Markdown page's notebook, tests/harness/kernel.py runs it offline in an empty
folder and compares each cell with the page. A changed digit fails both the page's block
and its notebook; what a script and a kernel show differently fails the notebook."""

from __future__ import annotations

import json
import shutil
import textwrap

import nbformat
import pytest

from tests.harness import export, kernel
from tests.test_harness import REPO, run_inprocess

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def site(pytester):
    """A throwaway project with the repository's configuration and pins, run by the real
    plugin with each page's notebook run in Jupyter."""
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\npytest_plugins = ['tests.harness.plugin']\n")
    for name in ("mkdocs.yml", "requirements.in", "requirements.txt"):
        shutil.copy(REPO / name, pytester.path / name)
    (pytester.path / "docs").mkdir()
    (pytester.path / "snippets").mkdir()

    def run(pages: dict[str, str], *args: str):
        for name, text in pages.items():
            (pytester.path / "docs" / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return run_inprocess(pytester, "-p", "no:cacheprovider", "-p", "no:unraisableexception",
                             "-p", "no:hypothesispytest", *args)

    run.path = pytester.path
    return run


PAGE = """\
    # Numbers

    Two numbers.

    ```python
    numbers = [3, 4]
    print(sum(numbers))
    ```

    ```output
    7
    ```
"""


def test_a_changed_digit_fails_the_page_and_its_notebook(site):
    result = site({"p.md": PAGE})
    result.assert_outcomes(passed=2)  # the block, and the notebook in Jupyter
    result = site({"p.md": PAGE.replace("    7\n", "    8\n")})
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*docs/p.md:10: the notebook's cell 4 shows other output in Jupyter*",
                                 "*-8", "*+7"])


def test_a_value_jupyter_shows_and_a_script_does_not_fails_the_notebook(site):
    page = PAGE.replace("print(sum(numbers))", "print(sum(numbers))\n    len(numbers)")
    result = site({"p.md": page})
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:11: the notebook's cell 4 shows other output in Jupyter*",
                                 "*+2", "*p.md::jupyter*"])


def test_a_warning_shows_as_on_the_page_whichever_stream_jupyter_flushes_first(site):
    page = """\
        # Warn

        ```{.python warns}
        import warnings
        warnings.warn("careful")
        print("after")
        ```

        ```output
        UserWarning: careful
        after
        ```
    """
    site({"p.md": page}).assert_outcomes(passed=2)
    # but not another warning
    bad = page.replace("UserWarning: careful", "UserWarning: carefree")
    site({"p.md": bad}).assert_outcomes(failed=2)


def test_the_notebook_needs_nothing_the_harness_gives_a_page(site):
    """The harness runs a page with TensorFlow imported in its server; the notebook's
    kernel imports what the notebook imports, in an empty folder of its own."""
    page = """\
        # Files

        ```python
        import os
        print(sorted(os.listdir(".")))
        ```

        ```output
        []
        ```
    """
    site({"p.md": page}).assert_outcomes(passed=2)


def test_the_kernel_has_no_network_but_loopback():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(textwrap.dedent("""\
        import socket
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=2)
        except OSError as error:
            print("no route:", type(error).__name__)
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            with socket.create_connection(server.getsockname(), timeout=2):
                print("loopback works")
        """))])
    ran, error = kernel.execute(nb, timeout=60)
    assert error is None
    text = kernel.shown_text(ran.cells[0])
    assert "no route: OSError" in text and "loopback works" in text, text


def test_the_exported_notebook_reads_as_the_page(tmp_path):
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "snippets" / "guide").mkdir(parents=True)
    for name in ("mkdocs.yml", "requirements.in", "requirements.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "snippets" / "guide" / "data.py").write_text("data = [1, 2]\n")
    page = tmp_path / "docs" / "guide" / "page.md"
    page.write_text(textwrap.dedent("""\
        # A page

        See [fit](../training/fit.md#epochs) and [below](#tabs).

        ```python
        --8<-- "guide/data.py"
        ```

        !!! note "Careful"
            Indented prose.

        ## Tabs

        === "First"

            ```python
            import numpy as np
            print(np.sum(data))
            ```

            ```output
            3
            ```

        === "Second"

            ```python
            print(sum(data))
            ```

            ```output
            3
            ```

        ```{.python raises}
        data[5]
        ```

        ```output
        IndexError: list index out of range
        ```
        """))
    nb = export.export(page, tmp_path, site_url="https://example.org/site/2.21/")
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert markdown[0].startswith("# A page\n") and "pip install tensorflow==" in markdown[0]
    assert "numpy==" in markdown[0] and "tabs" in markdown[0]
    assert "[fit](https://example.org/site/2.21/training/fit/#epochs)" in markdown[1]
    assert "[below](https://example.org/site/2.21/guide/page/#tabs)" in markdown[1]
    assert "> **Careful**" in markdown[2] and "> Indented prose." in markdown[2]
    assert code[0].source == export.SETUP.rstrip("\n")
    assert code[1].source == "data = [1, 2]"  # the snippet, expanded
    assert code[2].outputs[0].text == "3\n"
    assert any("print(sum(data))" in m and "Not run in this notebook" in m for m in markdown)
    assert code[3].metadata["tags"] == ["raises-exception"]
    assert code[3].outputs[0].output_type == "error" and code[3].outputs[0].ename == "IndexError"
    assert len(code) == 4
    # the same page gives the same file, byte for byte
    again = export.export(page, tmp_path, site_url="https://example.org/site/2.21/")
    assert export.dumps(again) == export.dumps(nb)
    json.loads(export.dumps(nb))


def test_where_no_namespace_is_allowed_the_kernel_is_cut_off_in_python(monkeypatch):
    """The fallback for a machine without unprivileged namespaces: the harness's own guard
    runs in the kernel before ipykernel, and the notebook cannot import the repository."""
    monkeypatch.setattr(kernel, "namespaces", lambda: False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(textwrap.dedent("""\
        import socket, sys
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=2)
        except OSError as error:
            print("refused:", type(error).__name__)
        try:
            import tests.harness
        except ImportError:
            print("no repository")
        """))])
    ran, error = kernel.execute(nb, timeout=60)
    assert error is None
    text = kernel.shown_text(ran.cells[0])
    assert "refused: NetworkRefused" in text and "no repository" in text, text


def test_only_tensorflow_s_start_up_lines_are_left_out_wherever_they_arrive():
    """ipykernel can forward the setup cell's start-up lines under the next cell; those
    lines are not compared, and any other native log line still is."""
    late = ("E0000 00:00:1796667470.590547    9853 cuda_platform.cc:52] failed call to cuInit: "
            "INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\n")
    other = "E0000 00:00:1796667470.590547    9853 some_op.cc:12] an error during training\n"
    for stderr, shown in [(late, "trained\n"), (other, other + "trained\n")]:
        cell = nbformat.v4.new_code_cell("", outputs=[
            nbformat.v4.new_output("stream", name="stderr", text=stderr),
            nbformat.v4.new_output("stream", name="stdout", text="trained\n")])
        assert kernel.shown_text(cell).rstrip("\n") == shown.rstrip("\n")


def test_the_install_line_pins_what_code_run_in_a_fresh_process_imports():
    """A page that runs code in a fresh Python (Keras 2 under TF_USE_LEGACY_KERAS, the
    JAX backend) needs what that code imports installed too; other strings count not."""
    pinned = {"tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6", "jax": "0.10.2",
              "tf-keras": "2.21.0", "pandas": "3.1.1"}
    page = '''\
import os
env = {**os.environ, "TF_USE_LEGACY_KERAS": "1"}
run("""
    import numpy as np
    from jax import numpy as jnp
""")
note = "import pandas is only text here"
'''
    line = export.install_line([page], pinned)
    assert line == ("pip install tensorflow==2.21.0 keras==3.15.1 tf-keras==2.21.0 "
                    "numpy==2.4.6 jax==0.10.2")
    assert "tf-keras" not in export.install_line(["import os\n"], pinned)
