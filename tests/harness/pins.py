"""The run uses the versions the pages say they were checked on (issue 21).

Every output on the site is true of the pinned TensorFlow, Keras and the rest, and the site
is published under the TensorFlow pin ("2.21"). A run on other installed versions would
check the pages against them and publish them under the pin's name. So before anything
runs, each `name==version` of requirements.in and requirements.txt must be what is
installed, and the two files must agree; otherwise the run stops with a usage error naming
each difference. The check runs again when the run ends (a page's code could install
another version, which the published site's build would then use): a difference then
fails the run.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from packaging.version import InvalidVersion, Version

PIN_FILES = ("requirements.in", "requirements.txt")
_AT_END = pytest.StashKey[list]()
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#,]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, tuple[str, str]]:
    """canonical name -> (name as written, version) for each `name==version` line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if m:
            found[canonical(m.group(1))] = (m.group(1), m.group(2))
    return found


def _same(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def problems(root: Path, installed: dict[str, str] | None = None) -> list[str]:
    files = {name: pins(root / name) for name in PIN_FILES if (root / name).is_file()}
    if not files:
        return []
    if installed is None:
        installed = {}
        for dist in importlib.metadata.distributions():
            name = dist.metadata["Name"]
            if name:
                installed.setdefault(canonical(name), dist.version)
    found = []
    if len(files) == 2:
        top, full = files["requirements.in"], files["requirements.txt"]
        for key, (name, version) in top.items():
            if key in full and not _same(full[key][1], version):
                found.append(f"{name}: requirements.in pins {version}, requirements.txt {full[key][1]} "
                             "(after changing a pin, install it into a fresh venv and "
                             "pip freeze > requirements.txt)")
            elif key not in full:
                found.append(f"{name}: pinned in requirements.in, missing from requirements.txt "
                             "(pip freeze > requirements.txt)")
    seen = set()
    for file, pinned in files.items():
        for key, (name, version) in pinned.items():
            if key in seen:
                continue
            seen.add(key)
            have = installed.get(key)
            if have is None:
                found.append(f"{name}: pinned {version} ({file}), not installed")
            elif not _same(have, version):
                found.append(f"{name}: installed {have}, pinned {version} ({file})")
    return found


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if hasattr(config, "workerinput"):
        return  # the controller checked the environment the workers share
    found = problems(Path(config.rootpath))
    if found:
        raise pytest.UsageError(
            "the installed packages are not the pinned ones, so the outputs this run checks "
            "would not be the pinned versions' (and the site would label them with the pin):\n  "
            + "\n  ".join(found)
            + "\nrun: .venv/bin/pip install -r requirements.txt"
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    config = session.config
    if hasattr(config, "workerinput"):
        return
    found = problems(Path(config.rootpath))
    if found:
        config.stash[_AT_END] = found
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    found = config.stash.get(_AT_END, None)
    if found:
        terminalreporter.write_sep("=", "pins", red=True)
        terminalreporter.write_line("when the run ended, the installed packages were not the "
                                    "pinned ones (a package or a pin changed during the run):")
        for line in found:
            terminalreporter.write_line(f"  {line}")
        terminalreporter.write_line("run: .venv/bin/pip install -r requirements.txt")
