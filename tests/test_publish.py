"""Publication: the workflow passes actionlint, and mike publishes versions side by side.

The `published` fixture (tests/conftest.py) ran `.github/publish.sh` in a throwaway
repository, on the sources recorded when the run started, after the same script had
published a one-page stand-in for the release before; these tests read the gh-pages
branch it left, as GitHub Pages would serve it. A newer release takes `latest`, the site
root and the 404 page; an older one is added beside it and moves none of them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import (EARLIER, EARLIER_PAGE, commit_stand_in, earlier_release, git, run_in,
                            tensorflow_version)
from tests.harness import sources

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT.exists(), (
        f"{ACTIONLINT} is missing: install the pinned requirements "
        "(.venv/bin/pip install -r requirements.txt)"
    )
    return subprocess.run([str(ACTIONLINT), "-no-color", *map(str, paths)],
                          capture_output=True, text=True)


def test_the_workflow_passes_actionlint():
    assert WORKFLOWS, "no workflow under .github/workflows"
    done = actionlint(*WORKFLOWS)
    assert done.returncode == 0, f"actionlint:\n{done.stdout}{done.stderr}"


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[0].read_text().replace("runs-on:", "runs_on:", 1))
    done = actionlint(broken)
    assert done.returncode != 0 and "runs-on" in done.stdout, done.stdout


def test_the_workflow_runs_the_readme_test_command_and_publishes_from_main():
    workflow = (REPO / ".github" / "workflows" / "site.yml").read_text()
    readme = (REPO / "README.md").read_text()
    command = re.search(r"```bash\n(bash tests/setup-system.sh && .*?)\n```", readme).group(1)
    for step in command.split(" && "):
        assert step in workflow, f"the workflow does not run the README's `{step}`"
    assert "bash .github/publish.sh --push" in workflow
    assert "github.ref == 'refs/heads/main'" in workflow
    # ... and from release branches, where an older release's pages are fixed (CONTRIBUTING.md,
    # "Publish a release"), one publication at a time.
    assert 'branches: [main, "release/**"]' in workflow
    assert "startsWith(github.ref, 'refs/heads/release/')" in workflow
    assert "group: gh-pages" in workflow


def test_two_versions_are_published_side_by_side(published):
    versions = json.loads((published.root / "versions.json").read_text())
    by_version = {v["version"]: v for v in versions}
    assert set(by_version) == {EARLIER, published.version}, versions
    assert by_version[published.version]["aliases"] == ["latest"], versions
    assert by_version[EARLIER]["aliases"] == [], "latest must move to the new release"
    assert by_version[published.version]["title"] == f"TensorFlow {published.version}"
    # The earlier release is still served as it was published.
    earlier = (published.root / EARLIER / "index.html").read_text()
    assert EARLIER_PAGE.splitlines()[0].lstrip("# ") in earlier
    # This release's pages, under their version.
    home = (published.site / "index.html").read_text()
    assert "Keras Sequential, verified" in home
    # The branch keeps one commit per publication, so older versions can be restored.
    log = git(published.repo, "log", "--format=%s", "gh-pages")
    assert f"to {EARLIER}" in log and f"to {published.version}" in log, log
    # ... from the sources recorded when the run started (mike names the commit it built).
    assert f"Deployed {published.commit[:7]} to {published.version}" in log, log
    # The stand-in, published first by the same script, held latest until this release came.
    first = git(published.repo, "log", "--reverse", "--format=%H", "gh-pages", "--", "versions.json").split()[0]
    before = json.loads(git(published.repo, "show", f"{first}:versions.json"))
    assert before == [{"version": EARLIER, "title": f"TensorFlow {EARLIER}", "aliases": ["latest"]}], before


def redirect_target(html: str) -> str:
    match = re.search(r'<a href="([^"]+)">[^<]*</a>', html)
    assert "<title>Redirecting</title>" in html
    assert match, f"not a redirect page:\n{html[:400]}"
    return match.group(1)


def test_the_root_and_latest_lead_to_this_release(published):
    assert redirect_target((published.root / "index.html").read_text()) == "latest/"
    latest = (published.root / "latest" / "index.html").read_text()
    assert redirect_target(latest) == f"../{published.version}/"
    page = published.root / "latest" / "training" / "fit" / "index.html"
    assert redirect_target(page.read_text()) == f"../../../{published.version}/training/fit/"


def test_the_root_404_page_is_this_release_s_with_absolute_links(published):
    page = (published.root / "404.html").read_text()
    assert page == (published.site / "404.html").read_text()
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert styles and all(s.startswith(f"{published.prefix}{published.version}/") for s in styles), (
        f"404.html must load its styles from {published.prefix}{published.version}/: {styles}"
    )


def test_the_site_is_published_from_the_sources_recorded_at_the_start(published, pytestconfig):
    """Not from the working tree, which a page could have changed by then (the session
    fails at its end if it did: tests/harness/sources.py)."""
    recorded = sources.session_snapshot(pytestconfig)
    assert recorded is not None, "tests.harness.sources is not switched on (conftest.py)"
    assert published.commit == recorded.commit
    assert git(published.repo, "rev-parse", "HEAD").strip() == recorded.commit


def test_the_stand_in_earlier_release_is_the_one_before_the_pin(published):
    pinned = tensorflow_version((REPO / "requirements.in").read_text())
    assert published.version == pinned
    assert EARLIER == earlier_release(pinned) and EARLIER != pinned
    assert earlier_release("2.21") == "2.20" and earlier_release("3.0") == "2.99"


def older_than(version: str) -> str:
    """A release older than `version` that sorts after it as text where one exists ("2.9"
    for "2.21"), so that only a numeric comparison gets it right; never the stand-in."""
    major, minor = map(int, version.split("."))
    for candidate in (f"{major}.{m}" for m in range(minor - 2, -1, -1)):
        if candidate > version:
            return candidate
    return earlier_release(version, 2)


def test_an_older_release_is_added_without_taking_latest(published, tmp_path):
    """The maintainers of an older release branch publish its pages, fixed: they appear
    under their version, and `latest`, the site root and its 404 page stay where they were."""
    older = older_than(published.version)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "fetch", "--quiet", str(published.repo), "gh-pages:gh-pages")
    kept = ["index.html", "404.html", "latest/index.html", "latest/training/fit/index.html"]
    before = {name: git(repo, "show", f"gh-pages:{name}") for name in kept}
    commit_stand_in(repo, older, git(published.repo, "show", f"{published.commit}:.github/publish.sh"))
    said = run_in(repo, "bash", ".github/publish.sh")
    assert f"older than the newest published release, {published.version}" in said, said

    by_version = {v["version"]: v for v in json.loads(git(repo, "show", "gh-pages:versions.json"))}
    assert set(by_version) == {older, EARLIER, published.version}, by_version
    assert by_version[published.version]["aliases"] == ["latest"], by_version
    assert by_version[older]["aliases"] == [] and by_version[older]["title"] == f"TensorFlow {older}"
    assert {name: git(repo, "show", f"gh-pages:{name}") for name in kept} == before
    assert "Stand-in for the pages of TensorFlow " + older in git(repo, "show", f"gh-pages:{older}/index.html")
