"""The installable package: a wheel built from this tree works with no checkout in sight.

One wheel per module, built as `pip install .` builds it (setuptools; no build isolation, so offline, in seconds)
from a copy of what a clone would hold plus the uncommitted work (git's tracked and untracked, not ignored files),
and installed with ``--target`` into a temporary directory. Each check runs a fresh interpreter whose working
directory is outside the repository and whose path is that directory plus this venv's site-packages (for the
dependencies), never the repository: ``-S`` keeps the venv's ``.pth`` files, an editable install of the checkout
among them, from adding it back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from etl.config import Settings
from etl.warehouse.queries import SQL_DIR
from tests.factories import REPO_ROOT


@dataclass(frozen=True)
class Installed:
    wheel: Path
    site: Path
    """Where the wheel was installed (``pip install --target``): the package, its data and ``bin/newsetl``."""
    cwd: Path
    """An empty working directory outside the repository."""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    for name in subprocess.run(listing, cwd=REPO_ROOT, capture_output=True, check=True).stdout.decode().split("\0"):
        if name and (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", str(source), "-w", str(tmp / "dist")]
    result = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp / "dist").glob("newsetl-*.whl")
    install = [*pip, "install", "--no-deps", "--target", str(tmp / "site"), str(wheel)]
    result = subprocess.run(install, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp / "cwd").mkdir()
    return Installed(wheel=wheel, site=tmp / "site", cwd=tmp / "cwd")


def run_installed(installed: Installed, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -S <args>`` with only the installed wheel and the dependencies importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSETL_", "PYTHON"))}
    env["PYTHONPATH"] = os.pathsep.join([str(installed.site), sysconfig.get_paths()["purelib"]])
    command = [sys.executable, "-S", *args]
    return subprocess.run(command, cwd=installed.cwd, env=env, capture_output=True, text=True, timeout=120)


def run_installed_python(installed: Installed, code: str) -> dict[str, Any]:
    """Run ``code`` (which prints one JSON object) in the installed package's interpreter; that object."""
    result = run_installed(installed, "-c", code)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def python_dirs(names: set[str]) -> set[str]:
    """The directories (as dotted names) that hold Python modules, from file paths relative to a package root."""
    return {str(Path(name).parent).replace("/", ".") for name in names if name.endswith(".py")}


def test_the_wheel_holds_every_package_under_etl(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = set(wheel.namelist())
    in_repo = {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "etl").rglob("*.py") if "__pycache__" not in p.parts}
    missing = python_dirs(in_repo) - python_dirs(in_wheel)
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"


def test_the_wheel_holds_the_sql_the_sources_files_and_the_demo_seed(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = set(wheel.namelist())
    expected = {f"etl/_sql/{p.relative_to(REPO_ROOT / 'sql')}" for p in (REPO_ROOT / "sql").rglob("*.sql")}
    expected |= {"etl/sources.toml", "etl/sources.example.toml"}
    expected |= {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "etl" / "demo_site" / "seed").iterdir()}
    assert expected - in_wheel == set()


def test_the_installed_package_is_imported_from_the_wheel_not_the_checkout(installed: Installed) -> None:
    seen = run_installed_python(
        installed, "import json, sys, etl; print(json.dumps({'etl': etl.__file__, 'path': sys.path}))"
    )
    assert Path(seen["etl"]).is_relative_to(installed.site)
    with_etl = [entry for entry in seen["path"] if (installed.cwd / entry / "etl").exists()]
    assert with_etl == [str(installed.site)]


def test_python_m_etl_runs_from_the_installed_package(installed: Installed) -> None:
    result = run_installed(installed, "-m", "etl", "--help")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("usage: python -m etl")


def test_the_wheels_newsetl_command_is_python_m_etl(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        (name,) = [name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt")]
        entry_points = wheel.read(name).decode()
    assert "newsetl = etl.cli:main" in entry_points.splitlines()
    command = run_installed(installed, str(installed.site / "bin" / "newsetl"), "--help")
    module = run_installed(installed, "-m", "etl", "--help")
    assert command.returncode == 0, command.stdout + command.stderr
    # The same parser; it names itself as it was called.
    assert command.stdout.startswith("usage: newsetl ")
    assert command.stdout.replace("newsetl", "python -m etl") == module.stdout


def test_the_installed_package_reads_the_sql_it_carries(installed: Installed) -> None:
    seen = run_installed_python(
        installed,
        "import json; from etl.warehouse.queries import SQL_DIR, migration_files, query; "
        "print(json.dumps({'sql_dir': str(SQL_DIR), 'select_database': query('select_database'), "
        "'migrations': [p.name for p in migration_files()]}))",
    )
    assert seen["sql_dir"] == str(installed.site / "etl" / "_sql")
    assert seen["select_database"] == (REPO_ROOT / "sql" / "queries" / "select_database.sql").read_text(
        encoding="utf-8"
    )
    assert seen["migrations"] == sorted(p.name for p in (REPO_ROOT / "sql" / "migrations").glob("[0-9]*.sql"))
    assert seen["migrations"]


def test_the_installed_package_loads_the_sources_file_it_carries(installed: Installed) -> None:
    seen = run_installed_python(
        installed,
        "import json; from etl.config import load_settings; from etl.sources import load_sources; "
        "settings = load_settings({}); "
        "print(json.dumps({'file': str(settings.sources_file), 'sources': [s.name for s in load_sources(settings)]}))",
    )
    assert seen["file"] == str(installed.site / "etl" / "sources.toml")
    assert seen["sources"]


def test_the_installed_package_keeps_its_state_in_the_working_directory(installed: Installed) -> None:
    seen = run_installed_python(
        installed,
        "import json; from etl.config import load_settings; "
        "print(json.dumps({'data_dir': str(load_settings({}).data_dir)}))",
    )
    assert seen["data_dir"] == str(installed.cwd.resolve() / ".newsetl")


def test_a_checkout_reads_the_repositorys_sql_and_keeps_its_state_in_the_checkout() -> None:
    assert SQL_DIR == REPO_ROOT / "sql"
    assert Settings().data_dir == REPO_ROOT / ".newsetl"
