"""The Makefile: what `make install` shows while it works, and `make reset` emptying only the warehouse.

Run with GNU make, as a user runs it: `install` in a copy of the Makefile beside a one-package requirements
file and a one-module project (a real venv and a real pip, minus the minutes of the real package set; the
project's build backend lives in its directory and hands pip a prebuilt editable wheel, so nothing is
downloaded); `reset` in the project itself, with the test's interpreter standing in for `.venv` so the suite
never reinstalls anything.
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
from tests.factories import REPO_ROOT


def make(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSETL_", "MAKE"))}
    full_env.update(env or {})
    return subprocess.run(["make", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)


def wheel_of(directory: Path, name: str, files: dict[str, bytes]) -> Path:
    """A wheel of ``name`` 0.1 holding ``files``: something pip installs offline, in a second."""
    info = f"{name}-0.1.dist-info"
    files = {
        **files,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for file, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{file},sha256={digest},{len(content)}")
    record.append(f"{info}/RECORD,,")
    path = directory / f"{name}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for file, content in files.items():
            wheel.writestr(file, content)
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


def tiny_wheel(directory: Path) -> Path:
    """A wheel of an empty package ``tiny`` 0.1."""
    return wheel_of(directory, "tiny", {"tiny/__init__.py": b""})


def tiny_project(directory: Path) -> None:
    """A project ``tiny_project`` in ``directory`` whose editable install gives a ``tiny-hello`` command, as
    newsetl's gives ``newsetl``: its backend hands pip a wheel holding a ``.pth`` file naming the directory (where
    ``tiny_cli.py`` is) and the command's entry point, what setuptools builds for ``pip install -e .``."""
    (directory / "tiny_cli.py").write_text("def main():\n    print('hello from tiny_cli')\n", encoding="utf-8")
    (directory / "wheels").mkdir()
    editable = wheel_of(
        directory / "wheels",
        "tiny_project",
        {
            "tiny_project.pth": f"{directory}\n".encode(),
            "tiny_project-0.1.dist-info/entry_points.txt": b"[console_scripts]\ntiny-hello = tiny_cli:main\n",
        },
    )
    (directory / "tiny_backend.py").write_text(
        "import shutil\n"
        "from pathlib import Path\n\n\n"
        "def build_editable(wheel_directory, config_settings=None, metadata_directory=None):\n"
        f"    return Path(shutil.copy({str(editable)!r}, wheel_directory)).name\n",
        encoding="utf-8",
    )
    (directory / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "tiny_backend"\nbackend-path = ["."]\n', encoding="utf-8"
    )


@pytest.fixture(scope="module")
def make_install(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """``make install`` in a directory holding the Makefile, a one-package lock and a one-module project: the
    directory and the lines it printed."""
    directory = tmp_path_factory.mktemp("make_install")
    shutil.copy(REPO_ROOT / "Makefile", directory / "Makefile")
    (directory / "requirements.txt").write_text(f"tiny @ {tiny_wheel(directory).as_uri()}\n", encoding="utf-8")
    tiny_project(directory)
    result = make("install", f"PYTHON={sys.executable}", cwd=directory)
    assert result.returncode == 0, result.stdout + result.stderr
    return directory, result.stdout.splitlines()


def test_install_says_what_it_does_and_shows_pips_progress(make_install: tuple[Path, list[str]]) -> None:
    directory, lines = make_install
    assert f"newsetl: creating .venv with {sys.executable}" in lines
    (installing,) = [line for line in lines if line.startswith("newsetl: installing ")]
    assert installing.startswith("newsetl: installing 1 pinned package")
    assert "first time: about" in installing
    assert any(line.startswith("Processing ") and "tiny-0.1-py3-none-any.whl" in line for line in lines)
    assert "Successfully installed tiny-0.1" in lines
    assert lines[-1] == "newsetl: .venv is ready"
    assert subprocess.run([directory / ".venv" / "bin" / "python", "-c", "import tiny"], timeout=60).returncode == 0


def test_install_then_adds_the_project_itself_with_its_command(make_install: tuple[Path, list[str]]) -> None:
    directory, lines = make_install
    adding = "newsetl: adding the project itself to .venv (editable, no dependencies: they are the pins above)"
    assert f"{adding} for .venv/bin/newsetl" in lines
    assert lines.index(f"{adding} for .venv/bin/newsetl") > lines.index("Successfully installed tiny-0.1")
    assert "Successfully installed tiny_project-0.1" in lines
    hello = subprocess.run([directory / ".venv" / "bin" / "tiny-hello"], capture_output=True, text=True, timeout=60)
    assert hello.stdout == "hello from tiny_cli\n"


def test_reset_stops_the_embedded_warehouse_and_deletes_its_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "state")
    url = local_warehouse_url(settings)
    try:
        result = make(
            "-o",
            ".venv/.installed",
            f"BIN={Path(sys.executable).parent}",
            "reset",
            cwd=REPO_ROOT,
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
