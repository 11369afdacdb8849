"""The sources a run checks are the sources it publishes (issue 21, class 11).

A fence runs with the reader's rights: it could rewrite its own page, a snippet, a figure
or mkdocs.yml, so that the site differs from what the run checked. So, before any page
runs (in xdist's controller, before a worker starts), the working tree is recorded as a
commit in a throwaway git repository: every file git would see (the tree's .gitignore
applies, and __pycache__/, .pytest_cache/, .hypothesis/ are left out always), content,
mode and links. The `published` fixture (tests/conftest.py) checks that commit out and
publishes it with .github/publish.sh, never the live tree; and at the end of the session
the tree is recorded again and must be the same tree, or the session fails naming each
file that changed. `--update-outputs` may rewrite pages, their figures and snippets
(under docs/ and snippets/), and the run lists what it rewrote; anything else changed
fails the session in that mode too.

Identities are git object ids held in the controller's memory and handed to workers in
their start-up input; a page's process can reach neither. The same goes the other way
for the published site: each process that read it reports, from memory, which site it
read and whether it built it (xdist's workeroutput), and the controller checks at the end
that every process read the one site this run built, and that it is unchanged; the
shared record on disk that tells workers where the site is could otherwise be rewritten.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

# Never part of the sources, whatever .gitignore says: what Python and pytest leave behind.
ALWAYS_IGNORED = ["__pycache__/", ".pytest_cache/", ".hypothesis/"]
# What --update-outputs rewrites: pages and the figures beside them, and snippets (their
# shape comments).
UPDATED_BY_THE_HARNESS = ("docs/", "snippets/")
_AUTHOR = {"GIT_AUTHOR_NAME": "docs harness", "GIT_AUTHOR_EMAIL": "harness@localhost",
           "GIT_COMMITTER_NAME": "docs harness", "GIT_COMMITTER_EMAIL": "harness@localhost",
           "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z"}

_SNAPSHOT = pytest.StashKey["Snapshot"]()
_REPORT = pytest.StashKey[list]()
_PUBLISHED = pytest.StashKey[list]()
WORKERINPUT_KEY = "docs_sources"
WORKEROUTPUT_KEY = "docs_published"


@dataclass(frozen=True)
class Snapshot:
    git_dir: str  # a bare repository holding `commit`
    commit: str  # the sources as they were before any page ran
    tree: str  # its tree: what the working tree must still be at the end

    def show(self, path: str) -> str:
        """A file of the recorded sources (requirements.in, .github/publish.sh)."""
        return _git(self.git_dir, "show", f"{self.commit}:{path}")


def _git(git_dir: str, *args: str, work_tree: Path | None = None, index: str | None = None) -> str:
    env = {**os.environ, **_AUTHOR}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    if index:
        env["GIT_INDEX_FILE"] = index
    command = ["git", f"--git-dir={git_dir}"]
    if work_tree is not None:
        command.append(f"--work-tree={work_tree}")
    done = subprocess.run([*command, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _tree_of(git_dir: str, root: Path) -> str:
    """The working tree as git sees it, hashed afresh (a new index: no cached stat data)."""
    with tempfile.TemporaryDirectory() as scratch:
        index = os.path.join(scratch, "index")
        _git(git_dir, "add", "--all", work_tree=root, index=index)
        return _git(git_dir, "write-tree", index=index).strip()


def take(root: Path, where: Path) -> Snapshot:
    """Record the sources under `root` as a commit in a new bare repository at `where`."""
    git_dir = str(where)
    subprocess.run(["git", "init", "--quiet", "--bare", git_dir], check=True, capture_output=True)
    Path(git_dir, "info").mkdir(exist_ok=True)
    Path(git_dir, "info", "exclude").write_text("\n".join(ALWAYS_IGNORED) + "\n")
    tree = _tree_of(git_dir, root)
    commit = _git(git_dir, "commit-tree", tree, "-m", f"the sources under {root} before any page ran").strip()
    _git(git_dir, "update-ref", "refs/heads/sources", commit)
    return Snapshot(git_dir=git_dir, commit=commit, tree=tree)


def changes(snapshot: Snapshot, root: Path) -> list[tuple[str, str]]:
    """(status, path) for each file that differs from the snapshot: A added, D deleted,
    M modified (content or mode), T changed kind (a file became a link)."""
    now = _tree_of(snapshot.git_dir, root)
    if now == snapshot.tree:
        return []
    out = _git(snapshot.git_dir, "diff-tree", "-r", "--no-renames", "--name-status", "-z",
               snapshot.tree, now)
    fields = out.split("\0")
    return [(fields[i][0], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]


def checkout(snapshot: Snapshot, repo: Path) -> None:
    """A working repository at `repo` holding the recorded sources, HEAD detached at them."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", "--no-checkout", snapshot.git_dir,
                    str(repo)], check=True, capture_output=True)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    # /site/: where mike has MkDocs build the site before committing it to gh-pages.
    (repo / ".git" / "info" / "exclude").write_text("\n".join([*ALWAYS_IGNORED, "/site/"]) + "\n")
    _git(str(repo / ".git"), "checkout", "--quiet", "--detach", snapshot.commit, work_tree=repo)
    verify(snapshot, repo)


def verify(snapshot: Snapshot, repo: Path) -> None:
    """The checkout at `repo` still holds exactly the recorded sources (content hashed afresh)."""
    head = _git(str(repo / ".git"), "rev-parse", "HEAD").strip()
    tree = _tree_of(str(repo / ".git"), repo)
    if head != snapshot.commit or tree != snapshot.tree:
        raise AssertionError(
            f"the copy in {repo} the site is published from is not the sources recorded when "
            f"the run started (HEAD {head}, tree {tree}; recorded {snapshot.commit}, tree "
            f"{snapshot.tree}): something changed the record or the copy")


def session_snapshot(config) -> Snapshot | None:
    """The sources recorded at the start of this run (in a worker: handed over by the
    controller), or None where this plugin did not run."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        given = workerinput.get(WORKERINPUT_KEY)
        return Snapshot(**given) if given else None
    return config.stash.get(_SNAPSHOT, None)


def report_published(config, repo: Path, served: Path, built: bool) -> None:
    """Say, from this process's memory, which published site this process's tests read
    (and whether this process built it): the controller checks at the end that every
    process read the one site this run built, unchanged. A page could otherwise point the
    workers that did not build it at another tree by rewriting the shared record on disk."""
    entry = {"repo": str(repo), "served": str(served), "built": built,
             "gh_pages": _git(str(repo / ".git"), "rev-parse", "gh-pages").strip()}
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKEROUTPUT_KEY] = entry
    else:
        config.stash.setdefault(_PUBLISHED, []).append(entry)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    entry = getattr(node, "workeroutput", {}).get(WORKEROUTPUT_KEY)
    if entry:
        node.config.stash.setdefault(_PUBLISHED, []).append(entry)


def published_problems(entries: list[dict]) -> list[str]:
    """Why the sites the tests read are not the one site this run built, as built."""
    if not entries:
        return []
    built = [e for e in entries if e["built"]]
    if len(built) != 1:
        return [f"{len(built)} processes of this run built the published site the tests read "
                f"(one must): {entries}"]
    site = built[0]
    problems = [f"a worker read another published site than the one built: {e}"
                for e in entries if (e["repo"], e["served"], e["gh_pages"])
                != (site["repo"], site["served"], site["gh_pages"])]
    expected = _git(site["repo"] + "/.git", "rev-parse", f"{site['gh_pages']}^{{tree}}").strip()
    served = _tree_of(site["repo"] + "/.git", Path(site["served"]))
    if served != expected:
        out = _git(site["repo"] + "/.git", "diff-tree", "-r", "--no-renames", "--name-status",
                   expected, served)
        problems.append(f"the published site the tests read ({site['served']}) changed after "
                        f"it was built:\n{out}")
    return problems


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return
    where = Path(tempfile.mkdtemp(prefix="docs-sources-")) / "sources.git"
    config.stash[_SNAPSHOT] = take(Path(config.rootpath), where)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: each worker gets the controller's record (ids and a path, in memory)."""
    snapshot = node.config.stash.get(_SNAPSHOT, None)
    if snapshot is not None:
        node.workerinput[WORKERINPUT_KEY] = asdict(snapshot)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """After every page ran and --update-outputs wrote its edits (in the workers, which end
    before the controller does): the tree must be the one the run started from."""
    config = session.config
    if hasattr(config, "workerinput") or _SNAPSHOT not in config.stash:
        return
    changed = changes(config.stash[_SNAPSHOT], Path(config.rootpath))
    site_problems = published_problems(config.stash.get(_PUBLISHED, []))
    if site_problems:
        config.stash.setdefault(_REPORT, []).extend(
            ["the tests did not read exactly the site .github/publish.sh published:", *site_problems])
        _fail(session)
    if config.getoption("update_outputs", False):
        rewritten = [p for s, p in changed if s in "AM" and p.startswith(UPDATED_BY_THE_HARNESS)]
        changed = [(s, p) for s, p in changed if p not in rewritten]
        if rewritten:
            config.stash.setdefault(_REPORT, []).extend(
                ["rewritten by --update-outputs (review the diff):", *(f"  {p}" for p in rewritten)])
    if changed:
        names = {"A": "added", "D": "deleted", "M": "modified", "T": "changed kind"}
        config.stash.setdefault(_REPORT, []).extend([
            "the sources changed while the pages ran, so the site published from the copy "
            "taken at the start is not the tree you have now (a page's code wrote to the "
            "repository, or something else did):",
            *(f"  {names.get(s, s)}: {p}" for s, p in changed),
            "a page may not write to the repository; restore these files "
            "(git diff / git status) and run again",
        ])
        _fail(session)


def _fail(session) -> None:
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(_REPORT, None)
    if lines:
        failed = any(line.startswith(("the sources changed", "the tests did not read")) for line in lines)
        terminalreporter.write_sep("=", "sources", red=failed, yellow=not failed)
        for line in lines:
            terminalreporter.write_line(line)


def pytest_unconfigure(config):
    snapshot = config.stash.get(_SNAPSHOT, None)
    if snapshot is not None and not hasattr(config, "workerinput"):
        shutil.rmtree(Path(snapshot.git_dir).parent, ignore_errors=True)
