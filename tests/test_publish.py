"""Publication: the workflow passes actionlint, and mike publishes versions side by side.

The `published` fixture (tests/conftest.py) ran `.github/publish.sh` in a throwaway
repository after publishing a stand-in earlier release there; these tests read the
gh-pages branch it left, as GitHub Pages would serve it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import EARLIER, EARLIER_PAGE, git

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


def test_two_versions_are_published_side_by_side(published):
    versions = json.loads((published.root / "versions.json").read_text())
    by_version = {v["version"]: v for v in versions}
    assert set(by_version) == {EARLIER, published.version}, versions
    assert by_version[published.version]["aliases"] == ["latest"], versions
    assert by_version[EARLIER]["aliases"] == [], "latest must move to the new release"
    assert by_version[published.version]["title"] == f"TensorFlow {published.version}"
    # The earlier release is still served as it was published.
    earlier = (published.root / EARLIER / "index.html").read_text()
    assert "Stand-in for the pages of TensorFlow 2.20" in earlier
    assert EARLIER_PAGE.splitlines()[0].lstrip("# ") in earlier
    # This release's pages, under their version.
    home = (published.site / "index.html").read_text()
    assert "Keras Sequential, verified" in home
    # The branch keeps one commit per publication, so older versions can be restored.
    log = git(published.repo, "log", "--format=%s", "gh-pages")
    assert f"to {EARLIER}" in log and f"to {published.version}" in log, log


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
