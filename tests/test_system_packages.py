"""`make test` on a machine without Chromium: it installs what `.ci/run` installs
when it can (apt-get as root, or with passwordless sudo), and otherwise stops
before anything runs, with one instruction. The script runs here against stub
commands in a private PATH; nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "install-system-packages"
ALL = "chromium poppler-utils fonts-dejavu-core"


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!{shutil.which('bash')}\n{body}\n")
    path.chmod(0o755)


def _bin(tmp_path: Path, *, uid: int, apt: bool, sudo: str = "", present: bool = False) -> Path:
    """A PATH holding only the real tools the script needs and stubs for the rest.
    ``sudo``: "" (none), "ok" (passwordless) or "password" (asks: refused with -n)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    for tool in ("bash", "env", "grep", "make"):
        real = shutil.which(tool)
        assert real, tool
        (bin_dir / tool).symlink_to(real)
    _stub(bin_dir, "id", f'[ "$1" = -u ] && echo {uid}')
    _stub(bin_dir, "fc-list", "echo 'DejaVuSans.ttf: DejaVu Sans'" if present else "true")
    if present:
        _stub(bin_dir, "chromium", "true")
        _stub(bin_dir, "pdftoppm", "true")
    if apt:
        _stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}')
    if sudo:
        _stub(
            bin_dir,
            "sudo",
            f"""[ "$1" = -n ] || exit 1
shift
[ "$1" = true ] && exit {0 if sudo == "ok" else 1}
echo "sudo $*" >> {log}
exec "$@" """,
        )
    return bin_dir


def _run(tmp_path: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(bin_dir), "SAFEGUARD_CHROMIUM": str(tmp_path / "no-chromium")}
    return subprocess.run(
        [str(bin_dir / "bash"), str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )


def _calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_nothing_missing_does_nothing(tmp_path: Path) -> None:
    result = _run(tmp_path, _bin(tmp_path, uid=0, apt=True, present=True))
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert _calls(tmp_path) == []


def test_installs_as_root_with_apt(tmp_path: Path) -> None:
    result = _run(tmp_path, _bin(tmp_path, uid=0, apt=True))
    assert result.returncode == 0, result.stderr
    assert _calls(tmp_path) == ["apt-get update -qq", f"apt-get install -y -qq {ALL}"]


def test_installs_with_passwordless_sudo(tmp_path: Path) -> None:
    result = _run(tmp_path, _bin(tmp_path, uid=1000, apt=True, sudo="ok"))
    assert result.returncode == 0, result.stderr
    assert _calls(tmp_path) == [
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get update -qq",
        f"sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {ALL}",
        f"apt-get install -y -qq {ALL}",
    ]


@pytest.mark.parametrize(
    ("apt", "sudo", "instruction"),
    [
        (True, "password", f"sudo apt-get install {ALL}"),
        (True, "", f"sudo apt-get install {ALL}"),
        (False, "", "with your system's package manager"),
    ],
)
def test_otherwise_one_clear_instruction_and_a_stop(
    tmp_path: Path, apt: bool, sudo: str, instruction: str
) -> None:
    result = _run(tmp_path, _bin(tmp_path, uid=1000, apt=apt, sudo=sudo))
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"missing: {ALL}." in result.stderr and instruction in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2
    assert _calls(tmp_path) == []


def test_make_test_stops_before_running_anything(tmp_path: Path) -> None:
    """`make test` runs the script first: when it fails, neither the virtualenv
    install nor pytest starts."""
    bin_dir = _bin(tmp_path, uid=1000, apt=True)
    ran = tmp_path / "ran.log"
    _stub(bin_dir, "fake-python", f'echo "python $*" >> {ran}')
    env = {
        "PATH": str(bin_dir),
        "SAFEGUARD_CHROMIUM": str(tmp_path / "no-chromium"),
        "HOME": str(tmp_path),
    }
    for target in ("test", "e2e"):
        result = subprocess.run(
            ["make", "-C", str(ROOT), target, f"PY={bin_dir / 'fake-python'}", "PYTHON=false"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert f"sudo apt-get install {ALL}" in result.stderr
        assert not ran.exists()
        assert "pip" not in result.stdout + result.stderr


def test_ci_run_uses_the_same_script() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    assert ".ci/install-system-packages" in text
    assert "apt-get" not in text
    assert os.access(SCRIPT, os.X_OK)
