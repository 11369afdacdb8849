"""The census as an allow-list (issue 21, classes 1, 12 and 13): each example of the
issue, and variants, are refused; the site's own markup is not.

Three layers are tested: the rendered article (`markdown_census`, `notebook_problems`),
the raw HTML a page's source writes (`raw_html_problems`, `notebook_raw_html_problems`)
and the page around the article (`chrome_problems`), plus the files under docs/ and the
build's hooks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness.census import (
    chrome_problems,
    markdown_census,
    markdown_renderer,
    notebook_census,
    notebook_problems,
    notebook_raw_html_problems,
    raw_html_problems,
    render,
    unchecked_docs_files,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

REPO = Path(__file__).resolve().parents[1]
# The theme's edit button, as it starts every article of the built site.
EDIT_BUTTON = ('<a class="md-content__button md-icon" href="https://example.org/edit" rel="edit" '
               'title="Edit this page"><svg viewbox="0 0 24 24" xmlns="http://www.w3.org/2000/svg">'
               '<path d="M10 20H6V4h7v5h5v3.1l2-2V8l-6-6H6c-1.1 0-2 .9-2 2v16"></path></svg></a>')


@pytest.fixture(scope="module")
def renderer():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        yield markdown_renderer(REPO / "mkdocs.yml")


def rendered_refusals(renderer, text: str) -> list[str]:
    """What the census refuses in the article the site's Markdown makes of `text`, behind
    the theme's edit button as on the built site."""
    html = render(renderer, text).replace(">", ">" + EDIT_BUTTON, 1)
    return [s.text for s in markdown_census(html) if s.kind == "refused"]


def source_refusals(renderer, text: str) -> list[tuple[int | None, str]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        return raw_html_problems(renderer, text)


# Class 1: markup the renderer did not make. Each is refused where the page writes it (its
# source, with a line) and, where the renderer keeps it, in the article it makes.
RAW_HTML = [
    # the examples
    'Text.\n\n<div class="language-output highlight"><pre><span></span><code>101770</code></pre></div>\n',
    "Text.\n\n<xmp>import os; print(os.getcwd())</xmp>\n",
    "Text.\n\n<textarea>import os</textarea>\n",
    'A picture: <image href="plot.svg"></image>\n',
    'A picture: <input type="image" src="plot.svg">\n',
    'A picture: <img src="a.svg" srcset="plot.svg 2x">\n',
    '<p style="background: url(plot.svg); height: 9em">Text.</p>\n',
    'An icon: <span class="twemoji"><svg viewBox="0 0 24 24"><path d="M0 0h24v24"/></svg></span>\n',
    # variants
    '<div class="language-output highlight" markdown>\n\n101770\n\n</div>\n',  # md_in_html
    "<pre>model.fit(x, y)</pre>\n",
    '<picture><source srcset="plot.svg"><img src="x.svg"></picture>\n',
    '<object data="plot.svg" type="image/svg+xml"></object>\n',
    '<span class="md-icon"><svg><text>0.99</text></svg></span>\n',
    '<kbd style="font-size: 0">0.99</kbd>\n',  # an allowed tag, with an attribute
    '<abbr title="accuracy 0.99">acc</abbr>\n',
    f"{EDIT_BUTTON}\n",  # a copy of the theme's own icon
    '<div class="jp-OutputArea-output"><pre>0.99</pre></div>\n',
    '<details open><summary>s</summary><pre>0.99</pre></details>\n',
    # comments that Python-Markdown and html.parser close later than a browser does
    "<!--> <pre>import os</pre> -->\n",
    "Text <!---> <xmp>import os</xmp> --> more.\n",
]


@pytest.mark.parametrize("text", RAW_HTML)
def test_raw_html_beyond_a_few_inline_tags_is_refused_where_the_page_writes_it(renderer, text):
    found = source_refusals(renderer, "# Page\n\n" + text)
    assert found and all(line is not None and line >= 3 for line, _ in found), found


# Refused in the article too, except exact copies of what the renderer makes (an output
# block, the edit icon): those only the source check can tell from the real ones.
@pytest.mark.parametrize("text", [t for t in RAW_HTML if "md-content__button" not in t and "<span></span>" not in t])
def test_raw_html_is_refused_in_the_article_too(renderer, text):
    assert rendered_refusals(renderer, text), text


@pytest.mark.parametrize(
    "text",
    [
        # the example: inline code given an output's class
        "The count is `101770`{: .language-output }.\n",
        # variants: attr_list and other syntax that gives a theme class to what is not a block
        "101770\n{: .language-output .highlight }\n",
        "# Title {: .jp-OutputArea-output }\n",
        "Text *0.99*{: style=\"font-size: 0\" }\n",
        "!!! language-output\n    101770\n",
        "???+ highlight\n    101770\n",
        '```{.python .jp-Cell}\nx = 1\n```\n',
        '```{.python data-title="Not run here: x"}\nx = 1\n```\n',
        "![plot](figures/plot.svg)\n\nText ![inline](figures/plot.svg) here.\n",
        "![plot](figures/plot.svg){: srcset=\"other.svg 2x\" }\n",
        "[link](javascript:alert(1))\n",
        "- item\n{: hidden }\n",
        "A value x<sub><sub><sub>0.99</sub></sub></sub>.\n",  # allowed tags, nested to shrink
        "# Title {#__config}\n",  # an id the theme's script looks up
    ],
)
def test_markdown_that_gives_the_theme_s_classes_or_hides_is_refused(renderer, text):
    assert rendered_refusals(renderer, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Text with <br> a break, <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O and x<sup>2</sup>.\n",
        "<!-- a comment the reader never sees -->\n\nText.\n",
        "Inline code `<div class=\"x\">` and a fence:\n\n```bash\npip show '<pre>'\n```\n",
        '!!! note "A note"\n    Text.\n\n??? question "Why?"\n    Because.\n',
        '=== "One"\n\n    ```python\n    x = 1\n    ```\n\n=== "Two"\n\n    ```python\n    x = 2\n    ```\n',
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
        '```{.python title="Not run here: it downloads the data set" notest}\nx = 1\n```\n',
        "# Title {#anchor}\n\n1. one\n2. two\n\n> quoted *em* **strong** [link](https://example.org \"t\")\n\n---\n",
    ],
)
def test_what_the_site_s_markdown_makes_passes(renderer, text):
    assert not source_refusals(renderer, text)
    assert not rendered_refusals(renderer, text)


def test_a_refusal_names_the_line_and_the_element(renderer):
    found = source_refusals(renderer, "# Page\n\nText.\n\nMore <kbd>x</kbd> text.\n\n<xmp>print(1)</xmp>\n")
    assert found == [(7, "raw HTML <xmp>: a page may write only ['br', 'kbd', 'sub', 'sup'], without attributes")]


def test_an_icon_is_the_theme_s_only_where_the_theme_puts_it():
    """The edit icon passes as the article's first element; the same markup anywhere else in
    the article, or an svg in any other holder, is refused."""
    article = '<article class="md-content__inner md-typeset">{}</article>'
    assert not [s for s in markdown_census(article.format(EDIT_BUTTON + "<p>x</p>")) if s.kind == "refused"]
    for html in [
        "<p>x</p>" + EDIT_BUTTON,
        EDIT_BUTTON + EDIT_BUTTON,
        EDIT_BUTTON.replace("<path", "<text>0.99</text><path"),
        EDIT_BUTTON.replace('class="md-content__button md-icon"', 'class="md-content__button md-icon twemoji"'),
        '<span class="twemoji">' + EDIT_BUTTON[EDIT_BUTTON.index("<svg"):-4] + "</span>",
    ]:
        assert [s for s in markdown_census(article.format(html)) if s.kind == "refused"], html


# Class 12: the page around the article, file kinds, hooks.


@pytest.fixture(scope="module")
def built_with(tmp_path_factory):
    """Build a one-page copy of the site with a changed mkdocs.yml and page, as publish.sh's
    mike builds it (the same mkdocs, theme, hooks and extensions)."""

    def build(config_tail: str, page: str) -> str:
        work = tmp_path_factory.mktemp("chrome")
        shutil.copytree(REPO / "hooks", work / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
        # hooks/notebooks.py makes each page's notebook with the harness's reader, from the pins
        shutil.copytree(REPO / "tests" / "harness", work / "tests" / "harness",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(REPO / "tests" / "__init__.py", work / "tests")
        for name in ("requirements.in", "requirements.txt"):
            shutil.copy2(REPO / name, work)
        (work / "snippets").mkdir()
        (work / "docs" / "stylesheets").mkdir(parents=True)
        shutil.copy2(REPO / "docs" / "stylesheets" / "extra.css", work / "docs" / "stylesheets")
        config = (REPO / "mkdocs.yml").read_text()
        (work / "mkdocs.yml").write_text(config[: config.index("\nnav:")] + "\n" + config_tail)
        (work / "docs" / "index.md").write_text(page)
        subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "-d", str(work / "site")],
                       cwd=work, check=True, capture_output=True)
        return (work / "site" / "index.html").read_text(encoding="utf-8")

    return build


PLAIN_PAGE = "---\ndescription: A page.\n---\n# Page\n\nText.\n"


def test_markup_around_the_article_that_the_theme_did_not_make_is_refused(built_with):
    """The issue's examples (a nav label, the copyright, a front-matter title) and variants
    (hidden text in a nav label, an icon-like holder in the copyright), in one build."""
    config = ("copyright: '<pre>print(0.99)</pre><span class=\"twemoji\"><svg><path d=\"M0\"/></svg></span>'\n"
              "nav:\n  - \"Home <img src='acc.png'> <span hidden>0.99</span>\": index.md\n")
    page = "---\ndescription: d\n---\n# P\n"
    found = chrome_problems(built_with(config, page))
    for element in ['<img src="acc.png"/>', "<pre>", "<span hidden", 'class="twemoji"', "<svg>"]:
        assert any(f.startswith(element) or element in f.split(">")[0] for f in found), (element, found)
    # A front-matter title (the window's title) is refused before that: the build itself
    # stops, as hooks/notebooks.py reads each page with the harness's reader.
    with pytest.raises(subprocess.CalledProcessError) as stopped:
        built_with(config, "---\ndescription: d\ntitle: Page <svg><text>0.99</text></svg>\n---\n# P\n")
    assert b"unknown front matter key(s) ['title']" in stopped.value.stderr


@pytest.mark.parametrize("name", ["plot.SVG", "tutorial.IPYNB", "page.MD", "stylesheets/more.CSS", "page.Md",
                                  "figures/plot.svg.txt", "page.markdown", "notes", "stylesheets/extra.css.map"])
def test_files_under_docs_of_a_kind_no_check_reads_are_refused_whatever_their_case(tmp_path, name):
    docs = tmp_path / "docs"
    (docs / "stylesheets").mkdir(parents=True)
    (docs / "index.md").write_text("# Page\n")
    (docs / "stylesheets" / "extra.css").write_text("")
    assert not unchecked_docs_files(docs)
    (docs / name).parent.mkdir(parents=True, exist_ok=True)
    (docs / name).write_text("<svg/>")
    assert unchecked_docs_files(docs)


def test_the_site_s_tests_match_file_kinds_whatever_their_case():
    import tests.test_site as site_tests

    assert site_tests.docs_files(".md") == site_tests.PAGES
    source = (REPO / "tests" / "test_site.py").read_text()
    assert 'rglob("*.' not in source, "a case-sensitive glob for a file kind in tests/test_site.py"


def hooked_repo(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "hooks", tmp_path / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


@pytest.mark.parametrize(
    "change",
    [
        # the example: a third hook that changes pages outside the tests
        lambda r: (r / "mkdocs.yml").write_text((r / "mkdocs.yml").read_text().replace(
            "hooks:\n", "hooks:\n  - hooks/publish_only.py\n")),
        # variants: a hook file not listed, a listed hook that reads the environment, a
        # plugin, Python named in the configuration
        lambda r: (r / "hooks" / "later.py").write_text("def on_page_content(html, **kw):\n    return html\n"),
        lambda r: (r / "hooks" / "markup.py").write_text((r / "hooks" / "markup.py").read_text()
                                                          + "\nimport os\nPUBLISHING = 'PYTEST_CURRENT_TEST' not in os.environ\n"),
        lambda r: (r / "hooks" / "markup.py").write_text((r / "hooks" / "markup.py").read_text()
                                                          + "\nPUBLISHING = __builtins__['__import__']('sys').argv\n"),
        lambda r: (r / "mkdocs.yml").write_text((r / "mkdocs.yml").read_text().replace(
            "plugins:\n  - search\n", "plugins:\n  - search\n  - macros\n")),
        lambda r: (r / "mkdocs.yml").write_text((r / "mkdocs.yml").read_text().replace(
            "  - pymdownx.superfences\n", "  - pymdownx.superfences:\n      custom_fences:\n"
            "        - name: output\n          class: output\n          format: !!python/name:hooks.markup.fmt\n")),
        # a Markdown extension that rewrites text after the harness read it (the second
        # red-team round: smartsymbols turns "+/-" into a tolerance sign), and a variant
        lambda r: (r / "mkdocs.yml").write_text((r / "mkdocs.yml").read_text().replace(
            "  - pymdownx.superfences\n", "  - pymdownx.superfences\n  - pymdownx.smartsymbols\n")),
        lambda r: (r / "mkdocs.yml").write_text((r / "mkdocs.yml").read_text().replace(
            "  - tables\n", "  - tables\n  - footnotes\n")),
    ],
)
def test_a_hook_or_plugin_not_on_the_list_is_refused(tmp_path, change):
    from tests.test_hooks import build_problems

    repo = hooked_repo(tmp_path)
    assert not build_problems(repo)
    change(repo)
    assert build_problems(repo)


# Class 13: notebooks, whatever their format.


def nb_page(path: Path) -> str:
    """A notebook as the site renders it (mkdocs-jupyter with mkdocs.yml's options)."""
    from mkdocs_jupyter.nbconvert2 import nb2html

    from hooks.markup import NOTEBOOK_CODE

    body = nb2html(str(path), no_prompt=True, custom_mathjax_url="").replace(NOTEBOOK_CODE, NOTEBOOK_CODE[:-1] + ' tabindex="0">')
    return f'<article class="md-content__inner md-typeset">{EDIT_BUTTON}{body}</article>'


def old_notebook(tmp_path: Path, *markdown: str) -> Path:
    """An nbformat 4.4 notebook: its cells have no ids."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = 4
    nb.cells = [nbformat.v4.new_markdown_cell(markdown[0] if markdown else "# A notebook"),
                nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)",
                                          outputs=[nbformat.v4.new_output("stream", text="42\n")]),
                nbformat.v4.new_markdown_cell("\n".join(markdown[1:]) or "Text."),
                nbformat.v4.new_code_cell("y = 1")]
    for cell in nb.cells:
        cell.pop("id", None)
    path = tmp_path / "old.ipynb"
    nbformat.write(nb, str(path), version=4)
    assert '"id"' not in path.read_text() and '"nbformat_minor": 4' in path.read_text()
    return path


def test_the_census_counts_every_cell_of_an_nbformat_4_4_notebook(tmp_path):
    html = nb_page(old_notebook(tmp_path))
    cells, refused = notebook_census(html, markdown=True)
    assert [c.kind for c in cells] == ["markdown", "code", "markdown", "code"] and not refused, (cells, refused)
    assert [c.code for c in cells if c.kind == "code"] == ["x = 6 * 7\nprint(x)", "y = 1"]
    assert cells[1].outputs == ["42"]
    assert not notebook_problems(html)


@pytest.mark.parametrize(
    "markdown",
    [
        # the class 1 examples in a markdown cell of a 4.4 notebook (no ids)
        '<div class="language-output highlight"><pre>101770</pre></div>',
        "<xmp>import os</xmp>",
        # variants
        '<div class="jp-OutputArea-output" data-mime-type="text/plain"><pre>0.99</pre></div>',
        '<img src="plot.svg">',
        '<span style="font-size:0">0.99</span>',
        "    print(0.99)  # an indented code block",
        "```python\nprint(0.99)\n```",
        "<!--> <pre>print(0.99)</pre> -->",
    ],
)
def test_a_markdown_cell_of_any_notebook_may_write_only_what_a_page_may(tmp_path, markdown):
    html = nb_page(old_notebook(tmp_path, "# A notebook", markdown))
    _, refused = notebook_census(html, markdown=True)
    assert refused or notebook_problems(html), markdown
    if "<" in markdown:
        assert notebook_raw_html_problems(markdown)


def test_a_notebook_cell_made_outside_the_template_is_refused(tmp_path):
    html = nb_page(old_notebook(tmp_path))
    # a second output area, as a page could only add by writing markup
    forged = html.replace('<div class="jp-Cell-outputWrapper">', '<div class="jp-Cell-outputWrapper" style="height:0">', 1)
    assert notebook_problems(forged)
    nested = html.replace('<div class="jp-OutputArea-child">', '<div class="jp-OutputArea-child"><xmp>import os</xmp>', 1)
    assert notebook_problems(nested)


def test_a_notebook_s_copy_button_copies_the_code_the_cell_shows(tmp_path):
    html = nb_page(old_notebook(tmp_path))
    forged = html.replace('id="cell-1">x = 6 * 7', 'id="cell-1">import os; x = 6 * 7', 1)
    assert forged != html
    cells, _ = notebook_census(forged)
    assert cells[0].refused == ["the copy button copies code other than the cell shows"]


def test_markup_in_a_nav_label_is_refused_even_when_it_copies_the_theme_s(built_with):
    """The theme's page around the article passes, and so does a label that reuses the
    theme's own classes (it looks like the theme's markup): the texts the theme inserts
    unescaped may hold no markup at all."""
    from tests.harness.census import config_markup_problems

    label = 'Home <span class="md-ellipsis">0.99</span>'
    html = built_with(f"nav:\n  - '{label}': index.md\n", PLAIN_PAGE)
    assert '<span class="md-ellipsis">0.99</span>' in html and not chrome_problems(html)
    assert config_markup_problems({"nav": [{label: "index.md"}]})
    assert config_markup_problems({"copyright": "&copy; 2026 &#48;.99"})
    assert config_markup_problems({"title": "A page <kbd>0.99</kbd>"}, "docs/p.md")
    assert not config_markup_problems({"nav": [{"Home": "index.md"}, {"Part": [{"A page": "a.md"}]}],
                                       "copyright": "Text only", "site_name": "Keras"})
