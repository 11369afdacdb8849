"""Issue 21, class 11 (sources) and the pins: a page cannot change what is published from
what was checked, and a run on other installed versions than the pinned ones is refused.

The `site` fixture is test_harness.py's, with the two plugins that do this switched on as
the repository's conftest.py switches them on.
"""

from __future__ import annotations

import importlib.metadata
import os
import textwrap
from pathlib import Path

import pytest

from tests.harness import sources
from tests.test_harness import run_inprocess

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

REPO = Path(__file__).resolve().parents[1]
PLUGINS = ["tests.harness.plugin", "tests.harness.pins", "tests.harness.sources"]


@pytest.fixture
def site(pytester):
    """A throwaway project with docs/ and snippets/, run by the real plugins."""
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(f"import sys\nsys.path.insert(0, {str(REPO)!r})\npytest_plugins = {PLUGINS!r}\n")
    (pytester.path / "docs").mkdir()
    (pytester.path / "snippets").mkdir()
    (pytester.path / "mkdocs.yml").write_text("site_name: t\n")
    # pytester points HOME at the project: what Keras and Matplotlib keep there is no source.
    (pytester.path / ".gitignore").write_text(".keras/\n.cache/\n.config/\n")

    def run(pages: dict[str, str], *args: str, files: dict[str, str] | None = None):
        for name, text in pages.items():
            (pytester.path / "docs" / name).write_text(textwrap.dedent(text), encoding="utf-8")
        for name, text in (files or {}).items():
            path = pytester.path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return run_inprocess(
            pytester, "-p", "no:cacheprovider", "-p", "no:unraisableexception", "-p", "no:hypothesispytest",
            "--continue-on-collection-errors", "--no-jupyter", *args)

    run.path = pytester.path
    return run


def rewrites(path: Path, old: str, new: str) -> str:
    """A fence that edits a file of the project in place, as a page's code can."""
    return f"""\
```python
from pathlib import Path
p = Path({str(path)!r})
p.write_text(p.read_text().replace({old!r}, {new!r}))
```
"""


def refused(result, *changed: str) -> None:
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.stdout.fnmatch_lines(["*the sources changed while the pages ran*",
                                 *(f"  {c}" for c in changed), "*a page may not write to the repository*"])


# The example: a fence rewrites its own .md, so the site would show what was not checked.
def test_a_page_that_rewrites_its_own_source_fails_the_session(site):
    page = site.path / "docs" / "p.md"
    result = site({"p.md": "The model is checked.\n\n" + rewrites(page, "is checked", "is perfect")})
    result.assert_outcomes(passed=1)
    refused(result, "modified: docs/p.md")


def test_under_xdist_too(site):
    page = site.path / "docs" / "p.md"
    # One page: the worker that gets none never starts TensorFlow, which keeps this cheap.
    result = site({"p.md": "The model is checked.\n\n" + rewrites(page, "is checked", "is perfect")},
                  "-n", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=1)
    refused(result, "modified: docs/p.md")


# Variants of my own: mkdocs.yml, a snippet, a new page, a deleted figure, the same length
# with the file's times put back, a mode change.
def test_a_page_that_rewrites_the_config_or_a_snippet_fails_the_session(site):
    page = rewrites(site.path / "mkdocs.yml", "site_name: t", "site_name: u") + "\n" + rewrites(
        site.path / "snippets" / "s.py", "1", "2")
    result = site({"p.md": page}, files={"snippets/s.py": "x = 1\n"})
    result.assert_outcomes(passed=2)
    refused(result, "modified: mkdocs.yml", "modified: snippets/s.py")


def test_a_page_that_adds_or_deletes_files_fails_the_session(site):
    new, figure = site.path / "docs" / "extra.md", site.path / "docs" / "figures" / "f.svg"
    page = f"```python\nimport os\nopen({str(new)!r}, 'w').write('# Unchecked')\nos.remove({str(figure)!r})\n```\n"
    result = site({"p.md": page}, files={"docs/figures/f.svg": "<svg/>"})
    refused(result, "added: docs/extra.md", "deleted: docs/figures/f.svg")


def test_a_same_length_edit_with_the_times_put_back_fails_the_session(site):
    page = site.path / "docs" / "p.md"
    fence = f"""\
```python
import os
st = os.stat({str(page)!r})
text = open({str(page)!r}).read()
open({str(page)!r}, "w").write(text.replace("0.91", "0.99"))
os.utime({str(page)!r}, ns=(st.st_atime_ns, st.st_mtime_ns))
```
"""
    result = site({"p.md": "Accuracy 0.91 in the text.\n\n" + fence})
    refused(result, "modified: docs/p.md")


def test_a_mode_change_fails_the_session(site):
    fence = f"```python\nimport os\nos.chmod({str(site.path / 'mkdocs.yml')!r}, 0o755)\n```\n"
    refused(site({"p.md": fence}), "modified: mkdocs.yml")


def test_a_page_that_writes_outside_the_project_or_restores_the_file_passes(site, tmp_path):
    page = site.path / "docs" / "p.md"
    fence = f"""\
```python
from pathlib import Path
Path({str(tmp_path / 'out.txt')!r}).write_text("results")
p = Path({str(page)!r})
text = p.read_text()
p.write_text("changed")
p.write_text(text)
```
"""
    result = site({"p.md": fence})
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "sources changed" not in result.stdout.str()


def test_update_outputs_may_rewrite_pages_and_lists_them(site):
    result = site({"p.md": "```python\nprint(6 * 7)\n```\n"}, "--update-outputs")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(["*rewritten by --update-outputs*", "  docs/p.md"])


def test_update_outputs_may_not_rewrite_the_config(site):
    page = rewrites(site.path / "mkdocs.yml", "site_name: t", "site_name: u") + "\n```python\nprint(1)\n```\n"
    result = site({"p.md": page}, "--update-outputs")
    result.stdout.fnmatch_lines(["*rewritten by --update-outputs*", "  docs/p.md"])
    refused(result, "modified: mkdocs.yml")


def test_the_record_holds_what_git_would_commit(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("a\n")
    (tmp_path / ".gitignore").write_text("site/\n")
    for ignored in ("site/index.html", "docs/__pycache__/x.pyc", ".pytest_cache/v", ".hypothesis/x"):
        (tmp_path / ignored).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / ignored).write_text("x")
    snapshot = sources.take(tmp_path, tmp_path.parent / f"{tmp_path.name}.git")
    assert snapshot.show("docs/p.md") == "a\n"
    (tmp_path / "site" / "index.html").write_text("changed, but never published")
    assert sources.changes(snapshot, tmp_path) == []
    (tmp_path / "docs" / "p.md").unlink()
    (tmp_path / "docs" / "p.md").symlink_to(tmp_path / ".gitignore")
    assert sources.changes(snapshot, tmp_path) == [("T", "docs/p.md")]


# The pins: the versions the run checks the pages on are the pinned ones.
def installed(name: str) -> str:
    return importlib.metadata.version(name)


def test_an_installed_version_other_than_the_pin_stops_the_run(site):
    # The example: TensorFlow 2.20 installed, 2.21 pinned (here: the pin moved).
    tf = installed("tensorflow")
    pins = {"requirements.in": "tensorflow==2.99.0\n", "requirements.txt": "tensorflow==2.99.0\n"}
    result = site({"p.md": "```python\nx = 1\n```\n"}, files=pins)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*the installed packages are not the pinned ones*",
                                 f"  tensorflow: installed {tf}, pinned 2.99.0 (requirements.in)",
                                 "run: .venv/bin/pip install -r requirements.txt"])


def test_the_pin_files_must_agree_and_name_what_is_installed(site):
    keras = installed("keras")
    pins = {"requirements.in": f"keras=={keras}\nmkdocs-material==0.1\n",
            "requirements.txt": f"Keras==0.0.1\nmkdocs_material==0.1\nnot-a-package-here==1.0\n"}
    result = site({"p.md": "```python\nx = 1\n```\n"}, "-n", "2", "--dist", "loadfile", files=pins)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        f"  keras: requirements.in pins {keras}, requirements.txt 0.0.1*",
        f"  mkdocs-material: installed {installed('mkdocs-material')}, pinned 0.1 (requirements.in)",
        "  not-a-package-here: pinned 1.0 (requirements.txt), not installed",
    ])


def test_the_installed_pins_pass(site):
    pins = {"requirements.in": f"tensorflow=={installed('tensorflow')}  # a comment\n",
            "requirements.txt": "".join(f"{n}=={installed(n)}\n" for n in ("tensorflow", "keras", "tf-keras"))}
    site({"p.md": "```python\nx = 1\n```\n"}, files=pins).assert_outcomes(passed=1)


def test_the_repository_pins_are_installed():
    from tests.harness import pins

    assert pins.problems(REPO) == []
    assert any(line.startswith("tensorflow==") for line in (REPO / "requirements.in").read_text().splitlines())
    assert os.path.isfile(REPO / "requirements.txt")


def test_a_record_changed_on_disk_is_not_published(tmp_path):
    """The record lives in a folder a page could write to; what the published copy must
    hash to is held in memory, so a rewritten object is caught before anything is built."""
    import zlib

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p.md").write_text("as checked\n")
    snapshot = sources.take(tmp_path, tmp_path.parent / f"{tmp_path.name}.git")
    blob = sources._git(snapshot.git_dir, "rev-parse", f"{snapshot.commit}:docs/p.md").strip()
    loose = Path(snapshot.git_dir) / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    forged = b"not checked\n"
    loose.write_bytes(zlib.compress(b"blob %d\0" % len(forged) + forged))
    with pytest.raises(AssertionError, match="is not the sources recorded when the run started"):
        sources.checkout(snapshot, tmp_path.parent / f"{tmp_path.name}-copy")


# The tests read exactly the site publish.sh built (class 12): the record of where it is, a
# file a page could rewrite, is checked against what each process reports from memory.
def tiny_published(where: Path) -> tuple[Path, Path]:
    """A repository whose gh-pages branch holds one page, checked out at `served`."""
    repo, served = where / "repo", where / "served"
    repo.mkdir(parents=True)
    sources._git(str(repo / ".git"), "init", "--quiet", str(repo))
    sources._git(str(repo / ".git"), "checkout", "--quiet", "--orphan", "gh-pages", work_tree=repo)
    (repo / "index.html").write_text("<p>as built</p>\n")
    sources._git(str(repo / ".git"), "add", "index.html", work_tree=repo)
    sources._git(str(repo / ".git"), "commit", "--quiet", "-m", "built", work_tree=repo)
    sources._git(str(repo / ".git"), "checkout", "--quiet", "--detach", work_tree=repo)
    sources._git(str(repo / ".git"), "worktree", "add", "--quiet", "--detach", str(served), "gh-pages",
                 work_tree=repo)
    return repo, served


def test_a_site_read_by_a_worker_that_nobody_built_fails_the_session(site):
    """A page wrote the shared record first: no worker builds, every one reads what the
    record names. Under xdist, as the run is."""
    repo, served = tiny_published(site.path.parent / "forged")
    test = f"""\
        from pathlib import Path
        from tests.harness import sources

        def test_reads_the_site(pytestconfig):
            sources.report_published(pytestconfig, Path({str(repo)!r}), Path({str(served)!r}), built=False)
        """
    result = site({}, "-n", "2", "--dist", "loadfile", files={"tests/test_reads.py": test})
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*the tests did not read exactly the site .github/publish.sh published*",
                                 "0 processes of this run built the published site*"])


def test_a_built_site_changed_or_another_read_is_refused(tmp_path):
    repo, served = tiny_published(tmp_path / "a")
    entry = {"repo": str(repo), "served": str(served), "built": True,
             "gh_pages": sources._git(str(repo / ".git"), "rev-parse", "gh-pages").strip()}
    assert sources.published_problems([entry, {**entry, "built": False}]) == []
    other_repo, other = tiny_published(tmp_path / "b")
    problems = sources.published_problems([entry, {**entry, "built": False, "served": str(other)}])
    assert len(problems) == 1 and "another published site" in problems[0]
    (served / "index.html").write_text("<p>changed after the build</p>\n")
    problems = sources.published_problems([entry])
    assert len(problems) == 1 and "changed after it was built" in problems[0] and "index.html" in problems[0]


def test_a_page_that_changes_an_installed_version_fails_the_run(site, tmp_path):
    """A page cannot install another version for the rest of the run (and the site's build):
    the pins are checked again at the end. Installing here would change this machine's
    venv, so the page moves the pin instead, which the end check reads the same way (and
    which is also a change to the sources)."""
    pins = {"requirements.in": f"keras=={installed('keras')}\n"}
    page = rewrites(site.path / "requirements.in", installed("keras"), "0.0.1")
    result = site({"p.md": page}, files=pins)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*the sources changed while the pages ran*", "  modified: requirements.in",
                                 "*when the run ended, the installed packages were not the pinned ones*",
                                 f"  keras: installed {installed('keras')}, pinned 0.0.1 (requirements.in)"])
