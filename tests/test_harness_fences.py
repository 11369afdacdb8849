"""Issue 21, classes 4, 6, 7, 8, 9 (parsing), 13 (not-run reasons) and front matter: what a
fence's header, a comment, a shell block, a snippet include, a tab and a page's metadata may
be. Each rule is an allow-list; each test gives the issue's example and variants of ours,
all refused. (To be merged into tests/test_harness.py.)"""

from __future__ import annotations

import pytest

from tests.test_harness import REPO, notebook, site  # noqa: F401 - site is a fixture

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SENTENCE = "Trained numbers: may differ by up to ±{} on your machine"


def fresh(site):
    """Remove the pages and snippets an earlier step of the test wrote."""
    import shutil

    for folder in ("docs", "snippets"):
        shutil.rmtree(site.path / folder)
        (site.path / folder).mkdir()


def through_plugin(request) -> bool:
    """The first and the last case of a list (the issue's example, a variant of ours) run
    through the real plugin in pytester; the others call the scanners it calls, which is
    the same check at a fraction of the time."""
    spec = getattr(request.node, "callspec", None)
    if spec is None:
        return True
    name = next(iter(spec.indices))
    values = next(m for m in request.node.iter_markers("parametrize") if name in m.args[0].replace(" ", "").split(","))
    return spec.indices[name] in (0, len(values.args[1]) - 1)


def refused(site, pages, message, snippets=None, plugin=True):
    import fnmatch
    import textwrap

    from tests.harness import notebooks
    from tests.harness.pages import scan
    from tests.harness.rules import PageError

    fresh(site)
    pattern = "".join({"[": "[[]", "]": "[]]"}.get(c, c) for c in message)  # brackets are literal
    if plugin:
        result = site(pages, snippets=snippets)
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines([f"*{pattern}*"])
        return
    for name, text in (snippets or {}).items():
        path = site.path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    errors = []
    for name, text in pages.items():
        path = site.path / "docs" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        try:
            if path.suffix == ".md":
                scan(path)
            else:
                notebooks.blocks(notebooks.read(path), path, lambda **kwargs: kwargs)
        except PageError as exc:
            errors.append(str(exc))
    assert len(errors) == 1 and fnmatch.fnmatch(errors[0], f"*{pattern}*"), (errors, message)


# Class 4: the tolerance is the one the reader sees, in the one documented sentence.

VARYING = '```python\nprint("loss 0.1234 after 15 epochs")\n```\n\n```{info}\nloss 0.1284 after 15 epochs\n```\n'


@pytest.mark.parametrize(
    "info, message",
    [
        # the examples: title= inside another attribute, a second title the renderer keeps
        ("{.output data-x='title=\"" + SENTENCE.format("0.01") + "\"'}", "docs/p.md:5: unknown attribute(s) ['data-x']"),
        (f'output title="{SENTENCE.format("0.01")}" title="Output"', "docs/p.md:5: attribute(s) ['title'] given twice"),
        ('output title="Varies: ±0.01"', "docs/p.md:5: an output block's title is the tolerance sentence*"),
        # ours: the same in braces, a near miss of the sentence, an HTML entity, a second class
        (f'{{.output title="Output" title="{SENTENCE.format("0.01")}"}}', "given twice"),
        (f'output title="{SENTENCE.format("0.01")}!"', "the tolerance sentence, word for word"),
        ('output title="Trained numbers: may differ by up to &plusmn;0.01 on your machine"', "tolerance sentence"),
        (f'{{.output .language-output title="{SENTENCE.format("0.01")}"}}', "one class, its language"),
        (f'output data-title="{SENTENCE.format("0.01")}"', "does not read this line as the start of a code block"),
        ("{#loss .output}", "an id"),
    ],
)
def test_a_tolerance_is_the_rendered_title_in_the_one_sentence(site, request, info, message):
    refused(site, {"p.md": VARYING.format(info=info)}, message, plugin=through_plugin(request))


def test_the_documented_sentence_declares_the_tolerance(site):
    page = VARYING.format(info=f'output title="{SENTENCE.format("0.01")}"')
    site({"p.md": page}).assert_outcomes(passed=1)
    site({"p.md": page.replace("0.1284", "0.1434")}).assert_outcomes(failed=1)


@pytest.mark.parametrize(
    "shown, actual, passes",
    [
        ("loss 0.1284", "loss 0.1234", True),
        ("tensorflow 2.21.0", "tensorflow 2.21.1", False),  # a version is text, not a decimal
        ("on 2026.12.07", "on 2026.12.08", False),  # nor is a date
        ("mean 0.002", "mean -0.002", False),  # never a change of sign
        ("mean -0.0001", "mean 0.0001", False),
        ("share 0.010", "share 0.014", False),  # never more than a tenth of the number
        ("share 0.010", "share 0.0109", True),
        ("share 0.0", "share 0.004", False),
        # Rounding alone moves a small number by one unit in its last printed place:
        ("[[0.001 0.    0.971]]", "[[0.002 0.001 0.969]]", True),
        ("[[0.971 0.   ]]", "[[0.97  0.001]]", True),
        ("p 0.001", "p 0.003", False),  # but no more than one
        ("p 0.", "p -0.001", True),  # a zero has no sign to flip
        ("epoch 15", "epoch 16", False),  # integers are exact
    ],
)
def test_a_tolerance_covers_decimals_within_a_tenth_and_without_a_sign_change(shown, actual, passes):
    from tests.harness.normalise import agree

    assert agree(shown, actual, 0.005) is passes


def test_a_tolerance_cannot_flip_a_sign_on_a_page(site):
    page = (f'```python\nprint(-0.002)\n```\n\n```output title="{SENTENCE.format("0.005")}"\n0.002\n```\n')
    site({"p.md": page}).assert_outcomes(failed=1)


@pytest.mark.parametrize(
    "source, message",
    [
        # the example: any comment with "±" was a tolerance
        ("# the loss varies by ±0.01\nprint(0.5)", "cell 1, line 1: a tolerance is declared by a comment line*"),
        # ours: the sentence after code, twice in a cell, spelled without the sign
        (f"print(0.5)  # {SENTENCE.format('0.01')}", "cell 1, line 1: a tolerance is declared*"),
        (f"# {SENTENCE.format('0.01')}\n# {SENTENCE.format('0.02')}\nprint(0.5)", "cell 1, line 2: a cell declares its tolerance once"),
        ("# loss may differ by 0.01 on your machine\nprint(0.5)", "cell 1, line 1: a comment that states a value is not checked (it holds a number)*"),
    ],
)
def test_a_notebook_tolerance_is_the_one_sentence_on_a_line_of_its_own(site, request, source, message):
    refused(site, {"t.ipynb": notebook(source)}, message, plugin=through_plugin(request))


# Class 6: a comment holding a number or a tuple is a checked shape comment, or refused.

LAYER = "import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])"


@pytest.mark.parametrize(
    "code, message",
    [
        # the examples
        (f"{LAYER}  # parameters 449", "docs/p.md:3: a comment that states a value is not checked (it holds a number)"),
        (f"{LAYER}  # 7,851 parameters", "docs/p.md:3: a comment that states a value is not checked (it holds a number)"),
        (f"# 101770\n{LAYER}", "docs/p.md:2: a comment that states a value is not checked (it holds a number)"),
        (f"{LAYER}\n# -> the output", "docs/p.md:4: a comment that states a value is not checked (it holds an arrow)"),
        (f"{LAYER}  # (batch_size, ...)", "docs/p.md:3: a comment that states a value is not checked (it holds a tuple"),
        (f"{LAYER}  # (N, ...)", "docs/p.md:3: a comment that states a value is not checked (it holds a tuple"),
        # ours: digits Unicode counts as numbers, an arrow sign, a list, a shape on its own line
        (f"{LAYER}  # ４ units", "a comment that states a value is not checked (it holds a number)"),
        (f"{LAYER}  # units²", "a comment that states a value is not checked (it holds a number)"),
        (f"{LAYER}  # inputs → units", "a comment that states a value is not checked (it holds an arrow)"),
        (f"{LAYER}  # [batch, units]", "a comment that states a value is not checked (it holds a tuple"),
        (f"{LAYER}\n# (None, 4)", "docs/p.md:4: a shape in a comment is only checked when written alone"),
        (f"{LAYER}  # True", "a comment that states a value"),
        ("x = '#'  # ten, or 10", "docs/p.md:2: a comment that states a value is not checked (it holds a number)"),
        (f"{LAYER}  # ninety-nine percent accurate", "docs/p.md:3: a comment that states a value is not checked (it holds a number)"),
        ('"""Reaches an accuracy of 0.99."""\nx = 1', "docs/p.md:2: a docstring or a string standing alone*"),
        ('def f():\n    """Returns 42."""\n    return 6 * 7', "docs/p.md:3: a docstring or a string standing alone*"),
    ],
)
def test_comments_hold_no_number_unless_a_checked_shape(site, request, code, message):
    refused(site, {"p.md": f"```python\n{code}\n```\n"}, message, plugin=through_plugin(request))


def test_a_shape_comment_in_code_that_does_not_run_is_refused(site):
    page = f'```{{.python notest title="Not run here: it needs a GPU"}}\n{LAYER}  # (None, 4)\n```\n'
    refused(site, {"p.md": page}, "docs/p.md:3: a shape comment in code that does not run is checked by nothing")


def test_comments_without_numbers_and_checked_shapes_pass(site):
    page = (f"```python\n# a float32 model, ten units wide: see the Dense layer\n"
            "import keras\nm = keras.Sequential([\n    keras.Input((3,)),\n    keras.layers.Dense(4),  # (None, 4)\n])\n```\n")
    site({"p.md": page}).assert_outcomes(passed=1)


def test_comments_in_snippets_and_notebook_cells_follow_the_same_rule(site):
    # the example: value comments in snippet files and notebook cells
    page = '# P\n\n```python\n--8<-- "p/model.py"\n```\n'
    refused(site, {"p.md": page}, "snippets/p/model.py:2 (included by *docs/p.md:3): a comment that states a value is not checked (it holds a number)",
            snippets={"p/model.py": "x = 6 * 7\nprint(x)  # 42\n"})
    refused(site, {"p.md": "# P\n", "t.ipynb": notebook("x = 6 * 7\n# x is 42 here")},
            "docs/t.ipynb:cell 1, line 2: a comment that states a value is not checked (it holds a number)")
    # ours: a skipped cell's shape comment, a bidirectional character in a snippet
    refused(site, {"t.ipynb": notebook((f"# Not run here: needs the network\n{LAYER}  # (None, 4)", ["skip-execution"]))},
            "*cell 1, line 3: a shape comment in code that does not run*")
    refused(site, {"p.md": page}, "snippets/p/model.py:1 (included by *docs/p.md:3): a bidirectional control character*",
            snippets={"p/model.py": "x = 1  # \u202e\n"})


def test_the_pages_comments_follow_the_rule():
    """Every page and snippet of the site passes the comment rule (measured: 24 comments
    reworded when it was introduced)."""
    from tests.harness import notebooks
    from tests.harness.pages import scan

    for page in sorted((REPO / "docs").rglob("*.md")):
        scan(page)
    for nb in sorted((REPO / "docs").rglob("*.ipynb")):
        notebooks.blocks(notebooks.read(nb), nb, lambda **kwargs: kwargs)


# Class 7: other languages hold only commands a reader runs to set up or test.

@pytest.mark.parametrize(
    "text, message",
    [
        # the examples
        ("```bash\npython -u -c 'print(0.99)'\n```\n", "docs/p.md:1: Python in a shell block"),
        ("```bash\n>>> 1 + 1\n2\n```\n", "docs/p.md:1: a >>> session is Python nothing runs"),
        ("```python\nprint(1)\n```\n\n```output\n1\n```\n\n```yaml\naccuracy: 0.99\n```\n", "docs/p.md:9: *yaml*"),
        ("```bash\n--8<-- \"p/x.py\"\n```\n", "docs/p.md:1: --8<-- includes a file only in a Python fence"),
        # ours
        ("```bash\npython3 - <<'EOF'\nprint(1)\nEOF\n```\n", "docs/p.md:1: a shell block may not feed code inline"),
        ("```bash\necho 0.99\n```\n", "'echo' is not a command a reader runs"),
        ("```bash\n.venv/bin/python script.py\n```\n", "Python in a shell block"),
        ("```bash\nsudo python3 -c 'print(1)'\n```\n", "Python in a shell block"),
        ("```bash\npip install keras && cat results.txt\n```\n", "'cat' is not a command"),
        ("```bash\npytest  # 990 passed\n```\n", "a comment that states a value is not checked (it holds a number"),
        ("```bash\nbash -c 'python -c 1'\n```\n", "bash runs a script file"),
        ("```bash\npytest & python -c 'print(1)'\n```\n", "Python in a shell block"),
        ("```bash\npytest > >(python)\n```\n", "a shell block may not feed code inline"),
        ("```python\nprint(1)\n```\n\n```toml\nloss = 0.2\n```\n", "docs/p.md:5: *toml*"),
        ("```json\n{\"loss\": 0.2}\n```\n", "docs/p.md:1: the language 'json' is not one this site shows"),
        ("The results:\n\n```yaml\naccuracy: 0.99\n```\n", "docs/p.md:3: the language 'yaml' is not one this site shows*"),
        # the second red-team round's: a pin the tests never ran, a count in words
        ("```bash\npip install \"tensorflow==2.10.0\"\n```\n", "*tensorflow==2.10.0 in a shell block is not the pin the tests ran*"),
        ("```bash\npytest docs/p.md  # eleven checks, all green\n```\n", "*a comment that states a value is not checked*"),
        ("```console\n$ pytest\n```\n", "looks like output that nothing checks"),
    ],
)
def test_shell_and_config_blocks_hold_only_setup_commands(site, request, text, message):
    refused(site, {"p.md": text}, message, plugin=through_plugin(request))


@pytest.mark.parametrize(
    "markdown, message",
    [
        ("```bash\npython -c 'print(0.99)'\n```", "docs/t.ipynb:cell 1, line 1: Python in a shell block"),
        ("```\n0.99\n```", "docs/t.ipynb:cell 1, line 1: an unlabelled block in a markdown cell is run by nothing"),
        ("Text.\n\n```python\nprint(0.99)\n```", "docs/t.ipynb:cell 1, line 3: a python block in a markdown cell*"),
    ],
)
def test_blocks_in_notebook_markdown_cells_follow_the_same_rules(site, request, markdown, message):
    refused(site, {"t.ipynb": notebook(("md", markdown), "x = 1")}, message, plugin=through_plugin(request))


def test_setup_commands_are_allowed(site):
    page = ("```bash\npython3 -m venv .venv && source .venv/bin/activate\n"
            "pip install -r requirements.txt\n.venv/bin/pytest docs/p.md  # one page\n"
            "PATH=\"$PWD/.venv/bin:$PATH\" bash .github/publish.sh --push\n"
            "sudo apt-get install dataset-fashion-mnist\ngit clone https://example.org/r.git && cd r\n```\n")
    assert site({"p.md": page}).ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_census_and_the_scanner_allow_the_same_languages():
    from tests.harness import census, pages

    assert census.ALLOWED_LANGUAGES == pages.OTHER_LANGS


# Class 8: snippets come from snippets/ only, into Python fences only, checked like the page.

@pytest.mark.parametrize(
    "text, message",
    [
        # the examples: a script under hooks/, prose, a non-Python block
        ('```python\n--8<-- "../hooks/markup.py"\n```\n', "docs/p.md:2: a fence that includes a snippet must hold exactly one line*"),
        ('Prose.\n\n--8<-- "p/x.py"\n', "docs/p.md:3: --8<-- includes a file only as the one line of a Python fence*"),
        ('```python\nx = 1\n```\n\n```output\n--8<-- "p/x.py"\n```\n', "docs/p.md:6: --8<-- includes a file only*"),
        # ours: the old repository-relative form, an escaped include, a section marker, a block
        # include, a line range, a second line in the fence
        ('```python\n--8<-- "snippets/p/x.py"\n```\n', "docs/p.md:2: no file snippets/snippets/p/x.py"),
        (';--8<-- "p/x.py"\n', "docs/p.md:1: --8<-- includes a file only*"),
        ("```python\nx = 1  # --8<-- [start:a]\n```\n", "docs/p.md:2: a fence that includes a snippet must hold exactly one line*"),
        ("--8<--\np/x.py\n--8<--\n", "docs/p.md:1: --8<-- includes a file only*"),
        ('```python\n--8<-- "p/x.py:1:2"\n```\n', "a fence that includes a snippet must hold exactly one line*"),
        ('```python\n--8<-- "p/x.py"\nprint(2)\n```\n', "a fence that includes a snippet must hold exactly one line*"),
    ],
)
def test_snippets_come_from_snippets_into_python_fences_only(site, request, text, message):
    refused(site, {"p.md": text}, message, snippets={"p/x.py": "x = 1\n"}, plugin=through_plugin(request))


def test_a_snippet_includes_nothing_itself(site):
    refused(site, {"p.md": '```python\n--8<-- "p/x.py"\n```\n'}, "snippets/p/x.py:1 (included by *docs/p.md:1): a snippet includes nothing",
            snippets={"p/x.py": '--8<-- "p/y.py"\n', "p/y.py": "x = 1\n"})


def test_the_site_renderer_reads_snippets_under_snippets_only(monkeypatch):
    from pymdownx.snippets import SnippetMissingError

    from tests.harness.census import markdown_renderer, render

    monkeypatch.chdir(REPO)  # base_path is relative to where mkdocs runs: the repository
    renderer = markdown_renderer(REPO / "mkdocs.yml")
    shown = render(renderer, '```python\n--8<-- "sequential-model/mnist_mlp.py"\n```\n')
    assert "keras" in shown
    for path in ("../hooks/markup.py", "hooks/markup.py", "snippets/sequential-model/mnist_mlp.py"):
        with pytest.raises(SnippetMissingError):
            render(renderer, f'```python\n--8<-- "{path}"\n```\n')


# Class 9 (parsing): "===!" starts a new group of tabs, as pymdownx.tabbed reads it.

TWO_GROUPS = """\
=== "A"

    ```python
    x = 1
    ```

===! "B"

    ```python
    y = 2
    ```

```python
print(x + y)
```

```output
3
```
"""


def test_a_tab_marked_with_an_exclamation_mark_starts_a_new_group(site, tmp_path):
    from tests.harness.pages import scan

    page = tmp_path / "p.md"
    page.write_text(TWO_GROUPS)
    assert [pf.fence.tab for pf in scan(page).python] == [(0, 0), (1, 0), None]
    # Read as one group, B would be an alternative to A and print(x + y) a NameError.
    site({"p.md": TWO_GROUPS}).assert_outcomes(passed=3)


@pytest.mark.parametrize(
    "text, message",
    [
        ('=== "A"\n\n    ```python\n    x = 1\n    ```\n\n===+ "B"\n\n    ```python\n    x = 2\n    ```\n',
         "docs/p.md:7: ===+ opens the page on this tab*"),
        ('=== "A"\n\n    ```python\n    x = 1\n    ```\n\n=== "B"\n\n    ```python\n    x = 2\n    ```\n\n'
         '===!+ "C"\n\n    ```python\n    x = 3\n    ```\n\n=== "D"\n\n    ```python\n    x = 4\n    ```\n\n'
         '=== "E"\n\n    ```python\n    x = 5\n    ```\n', None),
    ],
)
def test_tab_syntax_is_read_as_pymdownx_tabbed_reads_it(site, tmp_path, text, message):
    if message:
        refused(site, {"p.md": text}, message)
        return
    from tests.harness.pages import scan

    page = tmp_path / "p.md"
    page.write_text(text)
    assert [pf.fence.tab for pf in scan(page).python] == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2)]


# Front matter: valid YAML, "description:" and nothing else; no MultiMarkdown metadata.

@pytest.mark.parametrize(
    "front, message",
    [
        # the example: a ": " inside the description breaks the YAML silently
        ("---\ndescription: Keras: the Sequential model\n---\n", "docs/p.md:2: the front matter is not valid YAML*"),
        # ours
        ("---\ndescription: fine\ntemplate: custom.html\n---\n", "docs/p.md:2: unknown front matter key(s) ['template']"),
        ("---\ntitle: no description\n---\n", "unknown front matter key(s) ['title']"),
        ("---\ndescription:\n---\n", "docs/p.md:2: the front matter needs description"),
        ("---\ndescription: never closed\n", "docs/p.md:1: front matter opened here is never closed"),
        ("description: read as metadata and hidden\n\n", "docs/p.md:1: MkDocs reads a first line 'key: ...' as metadata*"),
        ("---\n- a\n- list\n---\n", "docs/p.md:2: the front matter must be"),
    ],
)
def test_front_matter_is_valid_yaml_with_a_description(site, request, front, message):
    refused(site, {"p.md": front + "# Page\n\n```python\nx = 1\n```\n"}, message, plugin=through_plugin(request))


def test_every_page_has_a_description():
    """Each page's front matter gives its description (the home page uses the site's)."""
    from tests.harness.pages import check_front_matter

    missing = [str(p.relative_to(REPO)) for p in sorted((REPO / "docs").rglob("*.md"))
               if p.name != "index.md" and not check_front_matter(p, p.read_text(encoding="utf-8-sig"))]
    assert not missing, f"pages without 'description:' front matter: {missing}"


# Class 13 (part): one "Not run here: <reason>" rule for both kinds of page.

def test_a_reason_not_to_run_follows_one_rule_on_both_kinds_of_page(site):
    # the example: a skipped cell's reason of one character
    refused(site, {"t.ipynb": notebook(("# Not run here: x\nimport this", ["skip-execution"]))},
            "*must tell the reader why it is not run*")
    # ours: the same reason in a fence's title, and a cell whose reason is not its first line
    refused(site, {"p.md": '```{.python notest title="Not run here: x"}\nimport this\n```\n'},
            "*must tell the reader it is not run*")
    refused(site, {"t.ipynb": notebook(("import this\n# Not run here: it needs a display", ["skip-execution"]))},
            "*must tell the reader why it is not run*")
    ok = notebook(("# Not run here: it needs a display\nimport this", ["skip-execution"]))
    fresh(site)
    assert site({"t.ipynb": ok}).ret == pytest.ExitCode.NO_TESTS_COLLECTED


@pytest.mark.parametrize(
    "header",
    [
        f'```output title="{SENTENCE.format("0.005")}"',
        f"```output title='{SENTENCE.format('0.005')}'",
        f'```{{.output title="{SENTENCE.format("0.005")}"}}',
        f"```{{ .output title='{SENTENCE.format('0.005')}' }}",
        '```{.python notest title="Not run here: it needs the network"}',
        '```{.python notest title="Not run here: a &quot;quoted&quot; reason"}',
    ],
)
def test_the_title_the_harness_reads_is_the_title_the_site_renders(header):
    """The header parser is superfences' own, so the title read is the rendered one."""
    from bs4 import BeautifulSoup

    from tests.harness.census import markdown_renderer, render
    from tests.harness.pages import parse_info

    marker, info = header[:3], header[3:]
    html = render(markdown_renderer(REPO / "mkdocs.yml"), f"{header}\nx = 1\n```\n")
    shown = BeautifulSoup(html, "html.parser").select_one(".highlight span.filename")
    assert shown is not None and parse_info(marker, info)[2] == shown.get_text()
