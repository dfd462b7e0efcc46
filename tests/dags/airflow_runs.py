"""Running Airflow commands for the DAG tests: in a fresh interpreter from the repository root, as a worker
runs them, with their output in the report when they fail."""

from __future__ import annotations

import subprocess

import pytest

from tests.factories import REPO_ROOT


def run_logged(command: list[str], env: dict[str, str], timeout: float = 120) -> None:
    """Run ``command`` from the repository root; on failure put its output in the report, not just the code."""
    done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {done.returncode}\n"
            f"--- stdout ---\n{done.stdout[-20000:]}\n--- stderr ---\n{done.stderr[-20000:]}"
        )
