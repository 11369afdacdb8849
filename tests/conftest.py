"""The published site, built once per test run and shared by every worker.

`published` copies the site's sources into a throwaway git repository and publishes them
there exactly as the workflow publishes them on main (`.github/publish.sh`, which runs
mike), after a stand-in for an earlier release, so the gh-pages branch it produces holds
two versions. The census (test_site.py), the publication checks (test_publish.py) and the
browser tests (test_browser.py) all read that branch: what they check is what a reader
would be served.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

REPO = Path(__file__).resolve().parents[1]
SOURCES = ["mkdocs.yml", "requirements.in", "docs", "snippets", "hooks", ".github"]
# The earlier release is a one-page stand-in: the test needs a second version on the
# branch, not a second copy of the pages.
EARLIER = "2.20"
EARLIER_PAGE = "# Stand-in for the pages of TensorFlow 2.20\n\nPublished by the tests.\n"


@dataclass(frozen=True)
class Published:
    repo: Path  # the throwaway repository, with its gh-pages branch
    root: Path  # gh-pages checked out: what GitHub Pages would serve at `prefix`
    prefix: str  # the site's path on its host, from site_url ("/name/")
    version: str  # the version this tree's pages were published as ("2.21")

    @property
    def site(self) -> Path:
        return self.root / self.version


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "tests", "GIT_AUTHOR_EMAIL": "tests@localhost",
           "GIT_COMMITTER_NAME": "tests", "GIT_COMMITTER_EMAIL": "tests@localhost"}
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def run_in(repo: Path, *command: str) -> None:
    """A publishing command, with the virtual environment's tools on PATH (mike runs mkdocs)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "tests", "GIT_AUTHOR_EMAIL": "tests@localhost",
           "GIT_COMMITTER_NAME": "tests", "GIT_COMMITTER_EMAIL": "tests@localhost"}
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed in {repo}:\n{done.stdout}{done.stderr}")


def tensorflow_version() -> str:
    for line in (REPO / "requirements.in").read_text().splitlines():
        if line.startswith("tensorflow=="):
            return ".".join(line.split("==")[1].split()[0].split(".")[:2])
    raise AssertionError("requirements.in pins no tensorflow==X.Y.Z")


def publish(work: Path) -> Published:
    repo = work / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    # An earlier release, published as mike publishes any version.
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text(EARLIER_PAGE)
    (repo / "mkdocs.yml").write_text(
        "site_name: earlier release\ntheme:\n  name: material\n  font: false\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "the earlier release's sources")
    run_in(repo, "mike", "deploy", "--alias-type=redirect", "--title",
           f"TensorFlow {EARLIER}", EARLIER, "latest")
    # This release: the real sources, published by the workflow's script.
    shutil.rmtree(repo / "docs")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, dirs_exist_ok=True)
        else:
            shutil.copy2(source, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "this release's sources")
    run_in(repo, "bash", ".github/publish.sh")

    site_url = yaml.safe_load((REPO / "mkdocs.yml").read_text())["site_url"]
    prefix = "/" + site_url.split("://", 1)[1].split("/", 1)[1]
    root = work / "served"
    git(repo, "worktree", "add", "--quiet", "--detach", str(root), "gh-pages")
    return Published(repo=repo, root=root, prefix=prefix, version=tensorflow_version())


@pytest.fixture(scope="session")
def published(tmp_path_factory, worker_id) -> Published:
    """Published once per run: xdist workers share it through a lock on a common folder."""
    if worker_id == "master":
        return publish(tmp_path_factory.mktemp("published"))
    shared = tmp_path_factory.getbasetemp().parent
    with FileLock(str(shared / "published.lock")):
        record = shared / "published.json"
        if record.exists():
            return Published(**{k: (Path(v) if k in ("repo", "root") else v)
                                for k, v in json.loads(record.read_text()).items()})
        work = shared / "published"
        work.mkdir()
        done = publish(work)
        record.write_text(json.dumps({"repo": str(done.repo), "root": str(done.root),
                                      "prefix": done.prefix, "version": done.version}))
        return done
