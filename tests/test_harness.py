"""The harness tested on small pages: each check must fail when the page is wrong."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import pygments.lexers
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


REPO = Path(__file__).resolve().parents[1]


# What the harness imports on first use, in each pytester run (markdown and the
# extensions the pages are read with, pygments, BeautifulSoup, the forkserver's process
# class). pytester takes whatever a run imported out of sys.modules again after it, so
# every run imported these anew (about a third of a second a run); imported here, when
# the tests are collected, they are part of what every run starts with, as the plugin
# itself is (the repository's conftest.py loads it). The harness's own modules are not
# listed: a run imports those as before.
_LIBRARIES = [
    "bs4", "soupsieve", "markdown", "markdown.extensions.admonition", "markdown.extensions.attr_list",
    "markdown.extensions.md_in_html", "markdown.extensions.tables", "markdown.extensions.toc",
    "pymdownx.details", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.quotes",
    "pymdownx.saneheaders", "pymdownx.snippets", "pymdownx.superfences", "pymdownx.tabbed",
    "pygments.formatters.html", "pygments.lexers", "pygments.style", "multiprocessing.popen_forkserver",
]
for _name in _LIBRARIES:
    importlib.import_module(_name)
list(pygments.lexers.get_all_lexers())  # the lexer plugins pages.py lists: imported once, here


def run_inprocess(pytester, *args: str):
    """pytester's in-process run (the libraries above are loaded already)."""
    return pytester.runpytest_inprocess(*args)


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
        # re-imported by every run, and unraisableexception runs gc.collect at exit. A
        # refused page is a collection error, which would otherwise end the run as
        # "Interrupted", and pytest then renders that with a full traceback whose source
        # it parses (about 0.2 s each time): the errors are counted the same either way.
        return run_inprocess(
            pytester, "-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:hypothesispytest",
            "--continue-on-collection-errors", "--no-jupyter", *args)

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
    page = '```python\n--8<-- "p/hello.py"\n```\n\n```output\nhello, world\n```\n'
    snippets = {"p/hello.py": 'print("hello, world")\n'}
    site({"p.md": page}, snippets=snippets).assert_outcomes(passed=1)
    (site.path / "snippets" / "p" / "hello.py").write_text('print("hello, reader")\n')
    result = site({})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-hello, world", "+hello, reader"])


def test_wrong_shape_comment_in_snippet_fails(site):
    page = '```python\n--8<-- "p/model.py"\n```\n'
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


def test_snippet_runs_in_the_pages_state_as_a_reader_meets_it(site):
    """Issue 21, class 10: a reader who runs the page runs the included code after the
    fences above it, in the same process: Keras names go on counting, earlier names exist."""
    page = (
        "```python\nimport keras\nkeras.layers.Dense(1)\nbefore = 1\n```\n\n"
        '```python\n--8<-- "p/alone.py"\n```\n\n'
        "```output\ndense_1\n1\n```\n\n```python\nassert layer.name == 'dense_1'\n```\n"
    )
    alone = "import keras\nlayer = keras.layers.Dense(1)\nprint(layer.name)\nprint(before)\n"
    site({"p.md": page}, snippets={"p/alone.py": alone}).assert_outcomes(passed=3)
    # The name a fresh process would give is not what the reader sees here.
    fresh = page.replace("dense_1\n1", "dense\n1")
    result = site({"p.md": fresh}, snippets={"p/alone.py": alone})
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*+dense_1"])


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
    """Whether the rendered page and the harness disagree on the Python it holds (a page
    the harness refuses counts: nothing of it runs or gets published)."""
    from tests.harness.census import comparable, markdown_renderer, rendered_python_code  # noqa: F401
    from tests.harness.pages import scan
    from tests.harness.rules import PageError

    page = tmp_path / "p.md"
    page.write_text(text)
    shown = rendered_python_code(markdown_renderer(REPO / "mkdocs.yml"), text)
    try:
        return shown != [comparable(f.fence.code(REPO)) for f in scan(page).python]
    except PageError:
        return True


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
        '```{.py3 hl_lines="1"}\nx = 1\n```\n',
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
    assert result.ret in (pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED)
    output = result.stdout.str()
    assert "a shape in a comment is only checked when written alone" in output or (
        "a comment that states a value is not checked" in output
    )


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
    page = "---\ndescription: >-\n  ```python\n  raise SystemExit\n  ```\n---\n# Page\n"
    result = site({"p.md": page})
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


# Numbers that vary by machine: a tolerance the reader sees, and nothing else loosened.

VARYING = """\
```python
print("loss 0.1234 after 15 epochs")
```

```output{title}
{shown}
```
"""


@pytest.mark.parametrize(
    "title, shown, passes",
    [
        (' title="Trained numbers: may differ by up to ±0.01 on your machine"', "loss 0.1284 after 15 epochs", True),
        (' title="Trained numbers: may differ by up to ±0.01 on your machine"', "loss 0.1434 after 15 epochs", False),
        (' title="Trained numbers: may differ by up to ±0.01 on your machine"', "loss 0.1234 after 16 epochs", False),
        (' title="Trained numbers: may differ by up to ±0.01 on your machine"', "loss 0.1234 after 15 epoch", False),
        ("", "loss 0.1235 after 15 epochs", False),
    ],
)
def test_a_declared_tolerance_covers_decimals_only(site, title, shown, passes):
    result = site({"p.md": VARYING.format(title=title, shown=shown)})
    result.assert_outcomes(**({"passed": 1} if passes else {"failed": 1}))
    if not passes and "±" in title:
        result.stdout.fnmatch_lines(["*differs from the real output (numbers within ±0.01)*"])


def test_an_update_keeps_the_declared_tolerance(site):
    page = VARYING.format(title=' title="Trained numbers: may differ by up to ±0.01 on your machine"', shown="loss 0.9 after 15 epochs")
    site({"p.md": page}, "--update-outputs").assert_outcomes(passed=1)
    text = (site.path / "docs" / "p.md").read_text()
    assert '```output title="Trained numbers: may differ by up to ±0.01 on your machine"\nloss 0.1234 after 15 epochs\n```' in text


def test_a_figure_may_move_by_rounding_but_not_change(site):
    site({"p.md": FIGURE_PAGE}, "--update-outputs").assert_outcomes(passed=1)
    figures = site.path / "docs" / "figures"
    drawn = (figures / "line.svg").read_text()
    import re as _re

    def nudge(text, by):
        return _re.sub(r'(d="M )(\d+\.\d+)', lambda m: m.group(1) + f"{float(m.group(2)) + by:.6f}", text, count=3)

    # One run for the four cases, a page each (every page runs in a process of its own):
    # p.md passes with its figure moved by rounding; each other page fails on its figure.
    (figures / "line.svg").write_text(nudge(drawn, 0.3))
    (figures / "far.svg").write_text(nudge(drawn, 2))
    (figures / "drawn.svg").write_text(drawn)
    as_drawn = FIGURE_PAGE.replace("figures/line.svg", "figures/drawn.svg")
    more = as_drawn.replace("[0, 1, 2], [3, 1, 2]", "[0, 1, 2, 3], [3, 1, 2, 2]")
    twice = as_drawn.replace("plt.plot([0, 1, 2], [3, 1, 2])", "plt.plot([0, 1, 2], [3, 1, 2])\nplt.plot([0, 1], [1, 1])")
    result = site({"q.md": FIGURE_PAGE.replace("figures/line.svg", "figures/far.svg"), "r.md": more, "s.md": twice})
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines_random([
        "*docs/q.md:*: docs/figures/far.svg differs from what the run drew*",
        "*docs/r.md:*: docs/figures/drawn.svg differs from what the run drew*",
        "*docs/s.md:*: docs/figures/drawn.svg differs from what the run drew*",
    ])
    assert "docs/p.md:" not in result.stdout.str()


PROSE = """\
# Page

The model reaches an accuracy of {number} on the test set.

```python
print("accuracy", {value})
```

```output
accuracy {value}
```
"""


@pytest.mark.parametrize(
    "number, value, passes",
    [("0.91", "0.9123", True), ("91%", "0.9123", True), ("0.95", "0.9123", False), ("0.9123", "0.9124", False)],
)
def test_decimal_numbers_in_prose_must_be_printed_on_the_page(site, number, value, passes):
    result = site({"p.md": PROSE.format(number=number, value=value)})
    result.assert_outcomes(**({"passed": 2} if passes else {"passed": 1, "failed": 1}))
    if not passes:
        result.stdout.fnmatch_lines([f"*docs/p.md:3: the prose says {number}, which no output on the page prints*"])


def test_an_update_that_leaves_prose_restating_the_old_output_fails(site):
    page = "Errors average 150.\n\n```python\nprint('mean error', 65.6)\n```\n\n```output\nmean error 150\n```\n"
    result = site({"p.md": page}, "--update-outputs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:1: the prose says 150, which the old output printed and the new one does not*"])


APPROXIMATE = """\
# Page

{sentence}

```python
print("value", {value})
```

```output
value {value}
```
"""


@pytest.mark.parametrize("sentence, value, passes", [
    ("Its errors average about 150.", "147.3", True),
    ("Its errors average about 150.", "65.5", False),
    ("Its errors average about 150.", "156", False),
    ("It reaches nearly 90% on the test set.", "0.884", True),
    ("It reaches nearly 90% on the test set.", "0.91", False),
    ("It gets roughly a third of them wrong.", "0.31", True),
    ("It gets roughly a third of them wrong.", "0.45", False),
    ("Two thirds of the images are shirts.", "66.7", True),
    ("Nine in ten predictions are right.", "0.9", True),
    ("Nine in ten predictions are right.", "0.6", False),
    ("The mse is in the tens of thousands.", "23456", True),
    ("The mse is in the tens of thousands.", "2345", False),
    ("It takes approx. 150 steps.", "171", False),
    ("It takes ca. 150 steps.", "149", True),
    ("It takes 150 or so steps.", "152", True),
    ("It takes 150 or so steps.", "171", False),
    ("It needs more than 100 epochs.", "90", False),
    ("It needs more than 100 epochs.", "120", True),
    ("Add a third layer and train again.", "0.9", True),  # an ordinal, not a fraction
])
def test_approximate_numbers_in_prose_must_be_true_of_a_printed_number(site, sentence, value, passes):
    result = site({"p.md": APPROXIMATE.format(sentence=sentence, value=value)})
    # (a page with no number in its prose has no prose check: one test, the fence)
    result.assert_outcomes(**({"passed": 1 if "layer" in sentence else 2} if passes else {"passed": 1, "failed": 1}))
    if not passes:
        result.stdout.fnmatch_lines(["*docs/p.md:3: the prose says *, which is true of no number an output*"])


def test_an_update_that_makes_an_approximate_number_false_fails_and_names_it(site):
    page = ("Errors average about 150.\n\n```python\nprint('mean error', 65.5)\n```\n\n"
            "```output\nmean error 151.2\n```\n")
    result = site({"p.md": page}, "--update-outputs")
    result.assert_outcomes(failed=1, passed=1)  # the fence's update fails; then the prose check runs
    result.stdout.fnmatch_lines(['*docs/p.md:1: the prose says "about 150", which the old output printed*'])


# Notebooks: a second kind of page, with the same contract.


def notebook(*cells) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_code_cell(cell))
        elif cell[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            source, tags = cell
            nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    return nbformat.writes(nb)


def test_autograph_finds_the_source_of_a_function_in_a_cell_or_an_admonition(site):
    # AutoGraph reads a tf.function's source through inspect; without the harness
    # registering each cell's and fence's code, it warned "could not transform" (a
    # warning that fails the fence), where a reader's Jupyter or script shows none.
    code = ("import tensorflow as tf\n\n@tf.function\ndef total(x):\n"
            "    s = tf.constant(0.0)\n    for v in x:\n        s += v\n    return s\n\n"
            "print(float(total(tf.constant([1.0, 2.0]))))")
    page = "# P\n\n!!! note\n\n    ```python\n" + "".join(
        f"    {line}\n" if line else "\n" for line in code.split("\n")) + "    ```\n\n    ```output\n    3.0\n    ```\n"
    nb = notebook(("md", "# A notebook"), code)
    result = site({"p.md": page, "t.ipynb": nb}, "--update-outputs")
    result.assert_outcomes(passed=2)
    result = site({})
    result.assert_outcomes(passed=2)


def test_notebook_cells_raise_and_warn_only_when_tagged(site):
    # The raising and the warning notebook share each run (each runs in a process of its own).
    raising, warning = notebook("1 / 0"), notebook("import warnings\nwarnings.warn('careful')")
    result = site({"r.ipynb": raising, "w.ipynb": warning})
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines_random(["*docs/r.ipynb:1: the code raised an exception*",
                                        "*docs/w.ipynb:1: the code emitted warnings*"])
    tagged = notebook(("1 / 0", ["raises-exception"]))
    marked = notebook(("import warnings\nwarnings.warn('careful')", ["warns"]))
    site({"r.ipynb": tagged, "w.ipynb": marked}, "--update-outputs").assert_outcomes(passed=2)
    assert '"ename": "ZeroDivisionError"' in (site.path / "docs" / "r.ipynb").read_text()
    site({}).assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "cell, message",
    [
        (("import this", ["skip-execution"]), "must tell the reader why it is not run"),
        (("x = 1", ["remove-cell"]), "hidden from the reader"),
        (("x = 1", ["nbval-skip"]), "use the tags"),
    ],
)
def test_notebook_cells_hidden_or_skipped_without_a_reason_are_refused(site, cell, message):
    result = site({"t.ipynb": notebook(cell)})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}*"])


def test_a_notebook_skipped_cell_with_its_reason_is_not_run(site):
    nb = notebook(("# Not run here: needs the network\nraise SystemExit", ["skip-execution"]), "print(1)")
    site({"t.ipynb": nb}, "--update-outputs").assert_outcomes(passed=1)
    site({}).assert_outcomes(passed=1)


def test_a_notebook_tolerance_comment_covers_its_cell(site):
    nb = notebook("# Trained numbers: may differ by up to ±0.01 on your machine\nprint(0.5)")
    site({"t.ipynb": nb}, "--update-outputs").assert_outcomes(passed=1)
    path = site.path / "docs" / "t.ipynb"
    path.write_text(path.read_text().replace('"0.5\\n"', '"0.505\\n"'))
    site({}).assert_outcomes(passed=1)
    path.write_text(path.read_text().replace('"0.505\\n"', '"0.52\\n"'))
    site({}).assert_outcomes(failed=1)


@pytest.mark.parametrize(
    "text",
    [
        "Text.\n\n    x = 1\n    print(x)\n",  # an indented code block
        "```pyhton\nprint(1)\n```\n",  # a typo in the language
        "```console\n$ python -c 'print(1)'\n1\n```\n",
        "```bash\npython -c 'print(1)'\n```\n",
        "```bash\npython - <<'PY'\nprint(1)\nPY\n```\n",
        "```text\n1\n```\n",
        "```json\n{\"value\": 1}\n```\n",
        "```out\n101770\n```\n",
        "```shell\n101770\n```\n",
        "<pre><code>x = 1</code></pre>\n",  # raw HTML
        '<div style="height:0;overflow:hidden" markdown>\n\n```python\nx = 1\n```\n\n</div>\n',
        "<noscript>\n<pre>x = 1</pre>\n</noscript>\n",
        "<template><pre>x = 1</pre></template>\n",
        '<svg width="10" height="10"><rect width="10" height="10"/></svg>\n',
        "![plot](data:image/png;base64,iVBORw0KGgo=)\n",
        '<p hidden>hidden text</p>\n',
    ],
)
def test_census_refuses_blocks_nothing_checks(text):
    from tests.harness.census import markdown_census, markdown_renderer, render

    shown = markdown_census(render(markdown_renderer(REPO / "mkdocs.yml"), text))
    assert any(s.kind == "refused" for s in shown), shown


@pytest.mark.parametrize(
    "text, kind",
    [
        ("```{#name .python}\nx = 1\n```\n", "python"),
        ("```{.bash .language-output}\n101770\n```\n", "output"),
        ("```{.text .language-output}\n101770\n```\n", "output"),
        ("```bash\npython3 -m venv .venv && .venv/bin/pytest\n```\n", "other"),
    ],
)
def test_census_sees_blocks_whatever_their_attributes(text, kind):
    from tests.harness.census import markdown_census, markdown_renderer, render

    shown = markdown_census(render(markdown_renderer(REPO / "mkdocs.yml"), text))
    assert [s.kind for s in shown] == [kind], shown


NOTEBOOK_PAGE = (
    '<article class="md-content__inner md-typeset"><div class="jp-Notebook">'
    '<div class="jp-Cell jp-CodeCell" id="cell-id=1">'
    '<div class="jp-InputArea"><div class="highlight-ipynb"><pre>plot()</pre></div></div>'
    '<div class="jp-RenderedSVG jp-OutputArea-output" data-mime-type="image/svg+xml">'
    '<img alt="a plot" src="{src}"/></div></div></div></article>'
)


@pytest.mark.parametrize(
    "src, served, seen",
    [
        ("data:image/svg+xml;base64,PHN2Zy8+", None, b"<svg/>"),  # embedded
        ("figure-0123456789ab.svg", b"<svg/>", b"<svg/>"),  # a file next to the page
        ("figure-0123456789ab.svg", None, None),  # a file that is not there
        ("../elsewhere/figure-0123456789ab.svg", b"<svg/>", None),  # not next to the page
        ("figure.png", b"<svg/>", None),
    ],
)
def test_notebook_census_reads_figures_embedded_or_next_to_the_page(src, served, seen):
    from tests.harness.census import notebook_census

    cells, refused = notebook_census(NOTEBOOK_PAGE.format(src=src), read=lambda name: served)
    assert not refused and len(cells) == 1, (cells, refused)
    if seen is None:
        assert not cells[0].figures and cells[0].refused, cells[0]
    else:
        assert cells[0].figures == [seen] and not cells[0].refused, cells[0]


@pytest.mark.parametrize(
    "text, message",
    [
        ('```{.python notest title="Not run"}\nimport this\n```\n', "must tell the reader it is not run"),
        ('```{.python notest data-title="Not run here: needs the network"}\nimport this\n```\n', "docs/p.md:1: *"),
        ("```python\nn = 101770\nprint(n)  # 101770\n```\n", "a comment that states a value"),
        ("```python\nx = [1, 2]  # -> [1, 2]\n```\n", "a comment that states a value"),
        ("```python\nprint(True)  # prints True\n```\n", "a comment that states a value"),
    ],
)
def test_unchecked_claims_in_fences_are_refused(site, text, message):
    result = site({"p.md": text})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}*"])


@pytest.mark.parametrize(
    "text, message",
    [
        ('```python\nprint(0.5)\n```\n\n```output title="Trained numbers: may differ by up to ±0.5 on your machine"\n0.5\n```\n', "is more than ±0.05"),
        ("```python\nimport tests.harness.execute as e\n```\n", "may not reach into the harness"),
    ],
)
def test_a_page_cannot_loosen_or_tamper_with_its_checks(site, text, message):
    result = site({"p.md": text})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{message}*"])


def test_notebook_raw_cells_and_unchecked_outputs_are_refused(site):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("print('shown, never run')")]
    nb.cells[0].id = "raw"
    result = site({"t.ipynb": nbformat.writes(nb)})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*a raw cell is shown as it is and checked by nothing*"])
    cell = nbformat.v4.new_code_cell("1")
    cell.id = "html"
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1", "text/html": "<b>2</b>"})]
    nb.cells = [cell]
    result = site({"t.ipynb": nbformat.writes(nb)})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*an output the tests cannot check*"])


# Found by the second red-team round of issue 21.


def test_only_an_objects_address_is_masked_not_a_hex_number_a_page_prints():
    from tests.harness.normalise import agree

    assert agree("<object object at 0x7f3a10>", "<object object at 0x7f3b20>")
    assert not agree("largest value at 0xff", "largest value at 0xf")
    assert not agree("at 0x10 and at 0x20", "at 0x11 and at 0x22")


@pytest.mark.parametrize("metadata, field", [
    ({"jupyter": {"source_hidden": True, "outputs_hidden": True}}, "cell"),  # the red team's
    ({"collapsed": True}, "cell"),
    ({"scrolled": True}, "cell"),
    ({"widgets": {}}, "notebook"),  # a variant: notebook-level state Jupyter renders
])
def test_notebook_metadata_that_jupyter_acts_on_is_refused(tmp_path, metadata, field):
    import nbformat

    from tests.harness import notebooks
    from tests.harness.rules import PageError

    nb = nbformat.v4.new_notebook(metadata={"description": "d"})
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    (nb.cells[0].metadata if field == "cell" else nb.metadata).update(metadata)
    with pytest.raises(PageError, match="metadata the tests do not allow"):
        notebooks.blocks(nb, tmp_path / "t.ipynb", lambda **kw: kw)
    nb.cells[0].metadata.clear()
    nb.metadata = {"description": "d"}
    assert len(notebooks.blocks(nb, tmp_path / "t.ipynb", lambda **kw: kw)) == 1


def test_a_notebook_attachment_is_refused(tmp_path):
    import nbformat

    from tests.harness import notebooks
    from tests.harness.rules import PageError

    nb = nbformat.v4.new_notebook(metadata={"description": "d"})
    cell = nbformat.v4.new_markdown_cell("![x](attachment:x.png)")
    cell.attachments = {"x.png": {"image/png": "iVBORw0KGgo="}}
    nb.cells = [cell]
    with pytest.raises(PageError, match="attachment"):
        notebooks.blocks(nb, tmp_path / "t.ipynb", lambda **kw: kw)


def test_a_figure_may_move_by_half_a_pixel_only_in_its_coordinates():
    """The second red-team round scaled every glyph of a plot to nothing (scale(0.1 -0.1)
    to scale(0 -0)), each number within half a pixel: only coordinates get the slack."""
    from tests.harness.normalise import same_figure

    svg = (b'<svg width="100pt" height="50pt"><g transform="translate(10.2 20.4) scale(0.1 -0.1)">'
           b'<path d="M 1.5 2.5 L 3 4" style="stroke-width: 0.8; opacity: 1"/></g>'
           b'<use xlink:href="#a" x="5.25" y="6.5"/></svg>')
    assert same_figure(svg, svg.replace(b"M 1.5 2.5", b"M 1.7 2.3").replace(b'x="5.25"', b'x="5.5"'))
    assert same_figure(svg, svg.replace(b"translate(10.2 20.4)", b"translate(10.4 20.4)"))
    assert not same_figure(svg, svg.replace(b"M 1.5 2.5", b"M 2.5 2.5"))  # more than half a pixel
    assert not same_figure(svg, svg.replace(b"scale(0.1 -0.1)", b"scale(0 -0)"))  # the red team's
    assert not same_figure(svg, svg.replace(b"stroke-width: 0.8", b"stroke-width: 0.4"))
    assert not same_figure(svg, svg.replace(b"opacity: 1", b"opacity: 0.6"))


def test_a_page_sees_the_thread_settings_a_readers_process_has(site):
    """The harness runs each page's TensorFlow on one thread through its environment
    variables, so tf.config reports TensorFlow's default (0), as in a reader's process (the
    second red-team round printed the 1 tf.config.threading had been given), and a page can
    still configure its devices before it runs an op."""
    page = (
        "```python\nimport tensorflow as tf\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads(),\n"
        "      tf.config.threading.get_inter_op_parallelism_threads())\n"
        "cpu = tf.config.list_physical_devices('CPU')[0]\n"
        "tf.config.set_logical_device_configuration(\n"
        "    cpu, [tf.config.LogicalDeviceConfiguration()] * 2)\n"
        "print(len(tf.config.list_logical_devices('CPU')))\n```\n\n"
        "```output\n0 0\n2\n```\n"
    )
    site({"p.md": page}).assert_outcomes(passed=1)
