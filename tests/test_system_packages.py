"""The Debian packages tests/setup-system.sh installs are installed: without one, a page
fails where it first needs it (a download refused offline, Keras's "You must install
graphviz"), and this test names the package and the command that installs it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent / "setup-system.sh"


def packages() -> list[str]:
    """The packages setup-system.sh installs, read from its `packages=(...)` line."""
    found = re.search(r"^packages=\(([^)]*)\)", SETUP.read_text(encoding="utf-8"), re.M)
    assert found, f"{SETUP}: no packages=(...) line"
    return found.group(1).split()


def test_the_setup_script_lists_what_the_pages_use():
    assert {"dataset-fashion-mnist", "chromium", "graphviz", "fonts-liberation2"} <= set(packages())


@pytest.mark.parametrize("package", packages())
def test_installed(package):
    if shutil.which("dpkg-query") is None:
        pytest.fail("dpkg-query is missing: the tests expect a Debian machine (README, "
                    "\"Use it\")", pytrace=False)
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                            capture_output=True, text=True).stdout
    if "install ok installed" not in status:
        pytest.fail(f"the Debian package {package} is not installed: run "
                    f"`bash tests/setup-system.sh` (it runs `apt-get install {package}`)",
                    pytrace=False)
