"""The Makefile: what `make install` shows while it works, and `make reset` emptying only the warehouse.

Run with GNU make, as a user runs it: `install` in a copy of the Makefile beside a one-package requirements
file (a real venv and a real pip, minus the minutes of the real package set); `reset` in the project itself,
with the test's interpreter standing in for `.venv` so the suite never reinstalls anything.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg2
import pytest

from etl.config import Settings
from etl.warehouse.connection import connect
from etl.warehouse.embedded import local_warehouse_url, stop_embedded

REPO = Path(__file__).resolve().parents[1]


def make(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSETL_", "MAKE"))}
    full_env.update(env or {})
    return subprocess.run(["make", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)


def tiny_wheel(directory: Path) -> Path:
    """A wheel of an empty package ``tiny`` 0.1: something pip installs offline, in a second."""
    files = {
        "tiny/__init__.py": b"",
        "tiny-0.1.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tiny\nVersion: 0.1\n",
        "tiny-0.1.dist-info/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(content)}")
    record.append("tiny-0.1.dist-info/RECORD,,")
    path = directory / "tiny-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, content in files.items():
            wheel.writestr(name, content)
        wheel.writestr("tiny-0.1.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def test_install_says_what_it_does_and_shows_pips_progress(tmp_path: Path) -> None:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "requirements.txt").write_text(f"tiny @ {tiny_wheel(tmp_path).as_uri()}\n", encoding="utf-8")
    result = make("install", f"PYTHON={sys.executable}", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert f"newsetl: creating .venv with {sys.executable}" in lines
    (installing,) = [line for line in lines if line.startswith("newsetl: installing ")]
    assert installing.startswith("newsetl: installing 1 pinned package")
    assert "first time: about" in installing
    assert any(line.startswith("Processing ") and "tiny-0.1-py3-none-any.whl" in line for line in lines)
    assert "Successfully installed tiny-0.1" in lines
    assert lines[-1] == "newsetl: .venv is ready"
    assert subprocess.run([tmp_path / ".venv" / "bin" / "python", "-c", "import tiny"], timeout=60).returncode == 0


def test_reset_stops_the_embedded_warehouse_and_deletes_its_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "state")
    url = local_warehouse_url(settings)
    try:
        result = make(
            "-o",
            ".venv/.installed",
            f"BIN={Path(sys.executable).parent}",
            "reset",
            cwd=REPO,
            env={"NEWSETL_DATA_DIR": str(settings.data_dir)},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        expected = (
            f"newsetl: reset the embedded warehouse: stopped its PostgreSQL and deleted {settings.embedded_pg_dir}"
        )
        assert expected in result.stdout.splitlines()
        assert not settings.embedded_pg_dir.exists()
        assert settings.data_dir.exists()
        with pytest.raises(psycopg2.OperationalError):
            connect(url).close()
    finally:
        if settings.embedded_pg_dir.exists():
            stop_embedded(settings)
