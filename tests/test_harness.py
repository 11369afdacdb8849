"""The harness tested on small pages: each check must fail when the page is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def site(pytester):
    """A throwaway project with docs/ and snippets/, run by the real plugin."""
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\npytest_plugins = ['tests.harness.plugin']\n"
    )
    (pytester.path / "docs").mkdir()
    (pytester.path / "snippets").mkdir()

    def run(pages: dict[str, str], *args: str, snippets: dict[str, str] | None = None):
        for name, text in pages.items():
            (pytester.path / "docs" / name).write_text(textwrap.dedent(text), encoding="utf-8")
        for name, text in (snippets or {}).items():
            path = pytester.path / "snippets" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        # Plugins the inner run does not need and that cost time in-process: hypothesis is
        # re-imported by every run, and unraisableexception runs gc.collect at exit.
        return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:hypothesispytest", *args)

    run.path = pytester.path
    return run


SUMMARY_PAGE = """\
    # Page

    ```python
    import keras
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.summary()
    ```
"""


def test_update_writes_output_then_check_passes(site):
    result = site({"p.md": SUMMARY_PAGE}, "--update-outputs")
    result.assert_outcomes(passed=1)
    text = (site.path / "docs" / "p.md").read_text()
    assert "```output" in text and "│ dense (Dense)" in text and "15 (60.00 B)" in text
    site({}).assert_outcomes(passed=1)


def test_wrong_number_in_summary_table_fails_with_diff(site):
    site({"p.md": SUMMARY_PAGE}, "--update-outputs")
    page = site.path / "docs" / "p.md"
    page.write_text(page.read_text().replace("Total params: 15", "Total params: 16"))
    result = site({})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/p.md:9: the output shown differs from the real output*",
            "*- Total params: 16 (60.00 B)",
            "*+ Total params: 15 (60.00 B)",
        ]
    )


def test_printing_without_output_block_fails(site):
    result = site({"p.md": "```python\nprint(6 * 7)\n```\n"})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:3: the code printed output but the page shows none*", "42"])


def test_failing_fence_inside_a_tab_fails(site):
    page = """\
        # Tabs

        === "One"

            ```python
            x = 1
            ```

        === "Two"

            ```python
            x = 1 / 0
            ```
    """
    result = site({"p.md": page})
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:11: the code raised an exception*", "*x = 1 / 0*", "ZeroDivisionError*"])


def test_failing_fence_inside_an_admonition_fails(site):
    page = '!!! note "A note"\n    ```python\n    assert False, "inside a note"\n    ```\n'
    result = site({"p.md": page})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: inside a note*"])


def test_wrong_shape_comment_fails(site):
    page = """\
        ```python
        import keras
        model = keras.Sequential([
            keras.Input(shape=(32, 32, 3)),
            keras.layers.Conv2D(16, 3),  # (None, 30, 30, 15)
        ])
        ```
    """
    result = site({"p.md": page})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/p.md:5: shape comment says (None, 30, 30, 15), the layer's output shape is (None, 30, 30, 16)"]
    )
    site({}, "--update-outputs").assert_outcomes(passed=1)
    assert "# (None, 30, 30, 16)" in (site.path / "docs" / "p.md").read_text()


def test_shape_comment_on_a_line_without_a_layer_fails(site):
    result = site({"p.md": "```python\nx = (1, 2)  # (None, 2)\n```\n"})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:2: shape comment on a line that creates no layer"])


def test_stale_snippet_output_fails(site):
    page = '```python\n--8<-- "snippets/p/hello.py"\n```\n\n```output\nhello, world\n```\n'
    snippets = {"p/hello.py": 'print("hello, world")\n'}
    site({"p.md": page}, snippets=snippets).assert_outcomes(passed=1)
    (site.path / "snippets" / "p" / "hello.py").write_text('print("hello, reader")\n')
    result = site({})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-hello, world", "+hello, reader"])


def test_wrong_shape_comment_in_snippet_fails(site):
    page = '```python\n--8<-- "snippets/p/model.py"\n```\n'
    model = "import keras\nmodel = keras.Sequential([\n    keras.Input((2,)),\n    keras.layers.Dense(4),  # (None, 5)\n])\n"
    result = site({"p.md": page}, snippets={"p/model.py": model})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*snippets/p/model.py:4: shape comment says (None, 5), the layer's output shape is (None, 4)"]
    )


def test_warning_fails_unless_marked_and_shown(site):
    page = "```python\nimport warnings\nwarnings.warn('careful')\n```\n"
    result = site({"p.md": page})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the code emitted warnings*", "*UserWarning: careful"])
    marked = "```{.python warns}\nimport warnings\nwarnings.warn('careful')\n```\n\n```output\nUserWarning: careful\n```\n"
    site({"p.md": marked}).assert_outcomes(passed=1)


def test_raises_fence_shows_the_error(site):
    page = "```{.python raises}\nraise ValueError('no')\n```\n\n```output\nValueError: yes\n```\n"
    result = site({"p.md": page})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-ValueError: yes", "+ValueError: no"])
    page = "```{.python raises}\nx = 1\n```\n"
    site({"p.md": page}).assert_outcomes(failed=1)


def test_each_fence_runs_once_in_order_sharing_a_namespace(site):
    fences = "\n".join(
        f"```python\nimport pathlib\np = pathlib.Path({str(site.path / 'count.txt')!r})\n"
        f"p.write_text((p.read_text() if p.exists() else '') + '{i}')\nstate = {i}\n```\n"
        for i in range(5)
    )
    site({"p.md": fences + "```python\nassert state == 4\n```\n"}, "-n", "2", "--dist", "loadfile").assert_outcomes(passed=6)
    assert (site.path / "count.txt").read_text() == "01234"


def test_splitting_a_page_across_workers_is_refused(site):
    result = site({"p.md": "```python\nx = 1\n```\n"}, "-n", "2", "--dist", "load")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*keeps each page's fences on one worker*--dist loadfile*"])


def test_selecting_one_fence_runs_earlier_ones_once(site):
    page = "```python\nx = 2\n```\n\n```python\nassert x == 2\n```\n"
    site({"p.md": page}, "docs/p.md::line_5").assert_outcomes(passed=1)


def test_later_fences_skip_with_a_reason_after_a_failure(site):
    page = "```python\nraise RuntimeError('first')\n```\n\n```python\ny = 1\n```\n"
    result = site({"p.md": page}, "-rs")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*the code at docs/p.md:1 failed*"])


def test_each_page_starts_as_a_fresh_process_with_no_hidden_seed(site):
    """Keras names start again on every page, and nothing seeds a page out of the
    reader's sight: a page that prints random numbers without setting a seed fails."""
    page = """\
        ```python
        import keras
        print(keras.layers.Dense(1).name)
        print(keras.random.uniform((3,)).numpy().round(4))
        ```
    """
    site({"a.md": page, "b.md": page}, "--update-outputs")
    a = (site.path / "docs" / "a.md").read_text()
    assert "dense\n" in a and a != (site.path / "docs" / "b.md").read_text()
    site({}).assert_outcomes(failed=2)
    seeded = page.replace("import keras\n", "import keras\n        keras.utils.set_random_seed(0)\n")
    site({"a.md": seeded, "b.md": seeded}, "--update-outputs")
    site({}).assert_outcomes(passed=2)
    for numbers in ("import numpy as np\nprint(np.random.rand())", "import random\nprint(random.random())"):
        site({"a.md": f"```python\n{numbers}\n```\n", "b.md": "```python\nx = 1\n```\n"}, "--update-outputs")
        site({}).assert_outcomes(passed=1, failed=1)


def test_a_page_cannot_change_what_later_pages_run_with(site):
    """A monkeypatch, a global setting or an ended process stays inside its page."""
    patching = """\
        ```python
        import builtins, os, warnings, keras
        builtins.print = lambda *a, **k: None
        warnings.simplefilter("ignore")
        keras.config.set_floatx("float16")
        os.environ["COLUMNS"] = "200"
        ```
    """
    later = """\
        ```python
        import keras, os
        print(keras.config.floatx(), os.environ["COLUMNS"])
        ```

        ```output
        float32 80
        ```

        ```python
        import warnings
        warnings.warn("seen")
        ```
    """
    result = site({"a.md": patching, "b.md": later}, "-n0")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*docs/b.md:10: the code emitted warnings*", "*UserWarning: seen"])


@pytest.mark.parametrize(
    "stopper",
    ["import pytest\npytest.skip('no')", "import pytest\npytest.importorskip('no_such_module')",
     "import os\nos._exit(0)", "import sys\nsys.exit(0)", "raise KeyboardInterrupt",
     "import pytest\npytest.exit('bye', returncode=0)"],
)
def test_a_fence_cannot_stop_the_checks(site, stopper):
    page = f"```python\n{stopper}\n```\n\n```python\nassert False, 'still checked'\n```\n"
    result = site({"p.md": page}, "-n0", "-rs")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1, skipped=1)


def test_timings_and_addresses_are_masked(site):
    page = (
        "```python\nprint('12/12 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step - loss: 0.5')\n"
        "print(object.__repr__(object()))\n```\n\n"
        "```output\n12/12 ━━━━━━━━━━━━━━━━━━━━ 9s 88ms/step - loss: 0.5\n"
        "<object object at 0x7f0011223344>\n```\n"
    )
    site({"p.md": page}).assert_outcomes(passed=1)
    site({"p.md": page.replace("loss: 0.5\n<", "loss: 0.6\n<")}).assert_outcomes(failed=1)


def test_notest_needs_a_reason_shown_to_the_reader(site):
    result = site({"p.md": "```{.python notest}\nimport this\n```\n"})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*a fence marked notest must tell the reader it is not run*"])
    vague = '```{.python notest title="model.py"}\nimport this\n```\n'
    site({"p.md": vague}).assert_outcomes(errors=1)
    ok = '```{.python notest title="Not run here: needs the network"}\nimport urllib\n```\n'
    result = site({"p.md": ok})
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result = site({"p.md": ok + "\n```output\n42\n```\n"})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*a fence marked notest cannot show an output block*"])


def test_network_is_refused(site):
    page = "```python\nimport urllib.request\nurllib.request.urlopen('https://example.com', timeout=5)\n```\n"
    result = site({"p.md": page})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the docs tests run offline, but the code tried to reach 'example.com'*"])


def test_snippet_runs_on_its_own_with_fresh_keras_names(site):
    page = (
        "```python\nimport keras\nkeras.layers.Dense(1)\nbefore = 1\n```\n\n"
        '```python\n--8<-- "snippets/p/alone.py"\n```\n\n'
        "```output\ndense\n```\n\n```python\nassert layer.name == 'dense'\n```\n"
    )
    alone = "import keras\nlayer = keras.layers.Dense(1)\nprint(layer.name)\n"
    site({"p.md": page}, snippets={"p/alone.py": alone}).assert_outcomes(passed=3)
    relying = alone + "print(before)\n"
    result = site({}, snippets={"p/alone.py": relying})
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*NameError: name 'before' is not defined"])


FIGURE_PAGE = """\
```python
import matplotlib.pyplot as plt
plt.plot([0, 1, 2], [3, 1, 2])
```

![A line](figures/line.svg)
"""


def test_figure_is_written_by_update_and_checked(site):
    site({"p.md": FIGURE_PAGE}, "--update-outputs").assert_outcomes(passed=1)
    svg = site.path / "docs" / "figures" / "line.svg"
    assert svg.read_bytes().startswith(b"<?xml")
    site({}).assert_outcomes(passed=1)  # drawn again, byte for byte the same
    result = site({"p.md": FIGURE_PAGE.replace("[3, 1, 2]", "[3, 1, 3]")})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:6: docs/figures/line.svg differs from what the run drew*"])


def test_plot_without_an_image_on_the_page_fails(site):
    result = site({"p.md": FIGURE_PAGE.replace("![A line](figures/line.svg)", "No image.")})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*left a matplotlib figure open, but the page shows no*"])


def test_warnings_follow_python_defaults_as_a_reader_sees_them(site):
    # Deprecations inside libraries are hidden from a script's user, those in the
    # page's own code are not; a repeated warning shows once.
    library = "```python\nimport warnings\nwarnings.warn('old', DeprecationWarning, stacklevel=2)\n```\n"
    site({"p.md": library}).assert_outcomes(passed=1)
    own = "```python\nimport warnings\nwarnings.warn('old', DeprecationWarning)\n```\n"
    site({"p.md": own}).assert_outcomes(failed=1)
    twice = (
        "```{.python warns}\nimport warnings\ndef warn():\n    warnings.warn('again')\nfor _ in range(2):\n    warn()\n```\n\n"
        "```output\nUserWarning: again\n```\n"
    )
    site({"p.md": twice}).assert_outcomes(passed=1)
    # ... and once per page: a later fence hitting the same line shows nothing.
    site({"p.md": twice + "\n```python\nwarn()\n```\n"}).assert_outcomes(passed=2)


def census_mismatch(tmp_path, text):
    """Whether the rendered page and the harness disagree on the Python it holds."""
    from tests.harness.census import comparable, markdown_renderer, rendered_python_code
    from tests.harness.pages import scan

    page = tmp_path / "p.md"
    page.write_text(text)
    shown = rendered_python_code(markdown_renderer(REPO / "mkdocs.yml"), text)
    return shown != [comparable(f.fence.code(REPO)) for f in scan(page).python]


@pytest.mark.parametrize(
    "text",
    [
        "> ```python\n> x = 1\n> ```\n",  # in a blockquote: shown, not run
        "<!--\n```python\nx = 1\n```\n-->\n",  # in a comment: run, not shown
        "```python\nx = 1  # --8<-- [start:a]\ny = 2\n```\n",  # a line the renderer drops
        "```python raises\nx = 1\n```\n",  # not a fence to the renderer
    ],
)
def test_census_catches_python_shown_and_run_differently(tmp_path, text):
    assert census_mismatch(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    [
        '=== "Tab"\n\n    ```python\n    x = 1\n    ```\n',
        '!!! note\n    === "Tab"\n\n        ```python\n        x = 1\n        ```\n',
        "```Python\nx = 1 < 2\n```\n",
        '```{.py3 title="t" hl_lines="1"}\nx = 1\n```\n',
        "~~~python\nx = 1\n~~~\n",
        "```python\nx = 1\n````\ny = 2\n```\n",  # only ``` closes ```, as in superfences
    ],
)
def test_census_agrees_where_fences_are_run(tmp_path, text):
    assert not census_mismatch(tmp_path, text)


def test_files_a_page_writes_never_land_in_the_project(site):
    page = "```python\nimport os\nopen('model.keras', 'w').write('x')\nprint(os.path.exists('model.keras'))\n```\n\n```output\nTrue\n```\n"
    site({"p.md": page}).assert_outcomes(passed=1)
    assert not list(site.path.rglob("model.keras"))


def test_unlabelled_blocks_are_refused(site):
    result = site({"p.md": "```\nprint(1 + 1)\n```\n"})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*say which language this block is*"])


@pytest.mark.parametrize(
    "comment", ["# -> (None, 5)", "# output (None, 5)", "# (None, 5) after dense", "# [None, 5]", "# (batch, 5)"]
)
def test_shape_comments_in_other_forms_fail_instead_of_going_unchecked(site, comment):
    page = f"```python\nimport keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])  {comment}\n```\n"
    result = site({"p.md": page})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*a shape in a comment is only checked when written alone*"])


def test_only_addresses_are_masked_not_other_hex_numbers(site):
    page = "```python\nprint(hex(0xBEEF))\n```\n\n```output\n0xdead\n```\n"
    site({"p.md": page}).assert_outcomes(failed=1)


def test_every_way_to_reach_the_network_is_refused(site):
    page = (
        "```python\nimport socket\n"
        "for attempt in (lambda: socket.socket().connect_ex(('192.0.2.1', 80)),\n"
        "                lambda: socket.gethostbyname('example.com')):\n"
        "    try:\n        attempt()\n    except OSError as error:\n        print(type(error).__name__)\n```\n\n"
        "```output\nNetworkRefused\nNetworkRefused\n```\n"
    )
    site({"p.md": page}).assert_outcomes(passed=1)


def test_pages_in_folders_pytest_usually_skips_are_collected(site):
    (site.path / "docs" / "build").mkdir()
    result = site({"build/p.md": "```python\nassert False, 'collected'\n```\n"})
    result.assert_outcomes(failed=1)


def test_output_that_bypasses_sys_stdout_is_captured_in_order(site):
    page = (
        "```python\nimport os, sys\nimport tensorflow as tf\n"
        "print('one')\nos.write(1, b'two\\n')\nprint('three', file=sys.__stdout__)\n"
        "tf.print('four')\nos.system('echo five')\n```\n\n"
        "```output\none\ntwo\nthree\nfour\nfive\n```\n"
    )
    site({"p.md": page}).assert_outcomes(passed=1)
    site({"p.md": page.replace("five\n```\n", "```\n")}).assert_outcomes(failed=1)


@pytest.mark.parametrize(
    "text, message",
    [
        ("```pycon\n>>> 1 + 1\n2\n```\n", "a pycon block is Python the tests cannot check"),
        ("```python-console\n>>> 1\n```\n", "Python the tests cannot check"),
        ("```numpy\nx = 1\n```\n", "Python the tests cannot check"),
        ("```python\nprint(1)\n```\n\n```text\n1\n```\n", "must be an ```output block"),
        ("```python\nx = 1  # \u202e\n```\n", "bidirectional control character"),
    ],
)
def test_python_that_cannot_be_checked_is_refused(site, text, message):
    result = site({"p.md": text})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}*"])


def test_a_fence_in_front_matter_is_neither_run_nor_shown(site):
    page = "---\nx: |\n  ```python\n  raise SystemExit\n  ```\n---\n# Page\n"
    result = site({"p.md": page})
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
