"""The published site, built once per test run and shared by every worker.

`published` publishes the sources exactly as the workflow publishes them on main
(`.github/publish.sh`, which runs mike), in a throwaway git repository. What it publishes
is not the working tree but the record of it this run took before any page ran
(tests/harness/sources.py), and the session fails if the working tree is not that record
when it ends: the site is the sources the pages were checked on. A one-page stand-in for
the release before the pinned one is published first, by the same script, so the
gh-pages branch holds two versions and `latest` has moved to the newer one. The census
(test_site.py), the publication checks (test_publish.py) and the browser tests
(test_browser.py) all read that branch: what they check is what a reader would be served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from tests.harness import sources

REPO = Path(__file__).resolve().parents[1]


def tensorflow_version(requirements_in: str) -> str:
    """The release a tree's pages are published as: tensorflow==2.21.0 -> "2.21"."""
    for line in requirements_in.splitlines():
        if line.startswith("tensorflow=="):
            return ".".join(line.split("==")[1].split()[0].split(".")[:2])
    raise AssertionError("requirements.in pins no tensorflow==X.Y.Z")


def earlier_release(version: str, back: int = 1) -> str:
    """A release `back` minor versions before `version` ("2.21" -> "2.20"); before X.0,
    one of the previous major version."""
    major, minor = map(int, version.split("."))
    return f"{major}.{minor - back}" if minor >= back else f"{major - 1}.{100 - back}"


# The earlier release is a one-page stand-in: the tests need a second version on the
# branch, not a second copy of the pages.
EARLIER = earlier_release(tensorflow_version((REPO / "requirements.in").read_text()))


def stand_in_page(version: str) -> str:
    return f"# Stand-in for the pages of TensorFlow {version}\n\nPublished by the tests.\n"


EARLIER_PAGE = stand_in_page(EARLIER)


@dataclass(frozen=True)
class Published:
    repo: Path  # the throwaway repository, with its gh-pages branch
    root: Path  # gh-pages checked out: what GitHub Pages would serve at `prefix`
    prefix: str  # the site's path on its host, from site_url ("/name/")
    version: str  # the version this tree's pages were published as ("2.21")
    commit: str  # the recorded sources they were published from (a commit of `repo`)

    @property
    def site(self) -> Path:
        return self.root / self.version


ENV = {"GIT_AUTHOR_NAME": "tests", "GIT_AUTHOR_EMAIL": "tests@localhost",
       "GIT_COMMITTER_NAME": "tests", "GIT_COMMITTER_EMAIL": "tests@localhost"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], env={**os.environ, **ENV},
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def run_in(repo: Path, *command: str) -> str:
    """A publishing command, with the virtual environment's tools on PATH (mike runs mkdocs)."""
    env = {**os.environ, **ENV,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed in {repo}:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def commit_stand_in(repo: Path, version: str, publish_sh: str) -> None:
    """Commit, on the branch checked out in `repo`, the sources of a one-page release
    `version` that publishes itself with `publish_sh` (this tree's script)."""
    (repo / "docs").mkdir(parents=True, exist_ok=True)
    (repo / "docs" / "index.md").write_text(stand_in_page(version))
    (repo / "mkdocs.yml").write_text(
        f"site_name: TensorFlow {version} stand-in\ntheme:\n  name: material\n  font: false\n")
    (repo / "requirements.in").write_text(f"tensorflow=={version}.0\n")
    (repo / ".github").mkdir(exist_ok=True)
    (repo / ".github" / "publish.sh").write_text(publish_sh)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", f"the sources of the TensorFlow {version} stand-in")


def publish(work: Path, snapshot: sources.Snapshot | None = None) -> Published:
    """Publish the recorded sources (by default, a record of the working tree taken now)
    after a stand-in of the release before them, as the workflow would."""
    if snapshot is None:
        snapshot = sources.take(REPO, work / "sources.git")
    repo = work / "repo"
    sources.checkout(snapshot, repo)
    version = tensorflow_version(snapshot.show("requirements.in"))
    earlier = earlier_release(version)
    # The earlier release, from sources of its own, published by this tree's script.
    git(repo, "checkout", "--quiet", "--orphan", "earlier")
    git(repo, "rm", "-r", "-f", "--quiet", ".")
    commit_stand_in(repo, earlier, snapshot.show(".github/publish.sh"))
    run_in(repo, "bash", ".github/publish.sh")
    # This release: the recorded sources, published by the workflow's script.
    git(repo, "checkout", "--quiet", "--detach", snapshot.commit)
    sources.verify(snapshot, repo)
    run_in(repo, "bash", ".github/publish.sh")
    sources.verify(snapshot, repo)

    site_url = yaml.safe_load(snapshot.show("mkdocs.yml"))["site_url"]
    prefix = "/" + site_url.split("://", 1)[1].split("/", 1)[1]
    root = work / "served"
    git(repo, "worktree", "add", "--quiet", "--detach", str(root), "gh-pages")
    return Published(repo=repo, root=root, prefix=prefix, version=version, commit=snapshot.commit)


@pytest.fixture(scope="session")
def published(tmp_path_factory, worker_id, pytestconfig) -> Published:
    """Published once per run, from the sources recorded when the run started: xdist
    workers share it through a lock on a common folder."""
    snapshot = sources.session_snapshot(pytestconfig)
    if worker_id == "master":
        done = publish(tmp_path_factory.mktemp("published"), snapshot)
        sources.report_published(pytestconfig, done.repo, done.root, built=True)
        return done
    shared = tmp_path_factory.getbasetemp().parent
    with FileLock(str(shared / "published.lock")):
        record = shared / "published.json"
        if record.exists():
            done = Published(**{k: (Path(v) if k in ("repo", "root") else v)
                                for k, v in json.loads(record.read_text()).items()})
            built = False
        else:
            work = shared / "published"
            work.mkdir()
            done = publish(work, snapshot)
            record.write_text(json.dumps({k: str(v) for k, v in asdict(done).items()}))
            built = True
    # The record is a file a page could rewrite: xdist's controller checks, from what each
    # worker reports, that they all read the site this run built (tests/harness/sources.py).
    sources.report_published(pytestconfig, done.repo, done.root, built=built)
    return done
