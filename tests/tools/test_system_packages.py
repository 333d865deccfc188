"""tools/system_packages.sh: silent when all is there, one line naming the command when not."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "tools" / "system_packages.sh"
NOT_ROOT = {"SYSTEM_PACKAGES_UID": "1000"}

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-query") is None, reason="checks Debian packages with dpkg-query"
)


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _run(target: str, script: Path = SCRIPT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), target],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_missing_package_stops_with_one_line_naming_the_command():
    result = _run("test", SYSTEM_PACKAGES="sox no-such-package-1379", **NOT_ROOT)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Missing system packages; run: "
        "sudo apt-get update && sudo apt-get install -y no-such-package-1379"
    ]


@pytest.mark.parametrize("target", ["run", "test"])
def test_installed_packages_pass_silently(target: str):
    result = _run(target, SYSTEM_PACKAGES="dpkg", **NOT_ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_run_needs_no_package_and_test_names_the_browser_ones(tmp_path: Path):
    """On a machine where dpkg knows no package at all (and .venv exists)."""
    _executable(tmp_path / "dpkg-query", "#!/bin/sh\nexit 1\n")
    path = f"{tmp_path}:{os.environ['PATH']}"
    assert _run("run", PATH=path, **NOT_ROOT).returncode == 0  # no chromium, no ffmpeg
    result = _run("test", PATH=path, **NOT_ROOT)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("install -y sox chromium fonts-noto-cjk")


def test_a_python_that_cannot_make_a_venv_asks_for_its_venv_package(tmp_path: Path):
    (tmp_path / "tools").mkdir()
    script = tmp_path / "tools" / "system_packages.sh"
    shutil.copy(SCRIPT, script)  # a checkout without .venv yet
    python = _executable(
        tmp_path / "python",
        '#!/bin/sh\n[ "$1" = -m ] && exit 1  # no ensurepip, as Debian without the package\n'
        "echo 3.99\n",
    )
    result = _run("run", script, PYTHON=str(python), **NOT_ROOT)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("sudo apt-get install -y python3.99-venv")
