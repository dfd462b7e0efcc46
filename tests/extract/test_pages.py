"""Page cases: every folder of ``tests/fixtures/pages`` is one page run the way a user runs it.

A folder holds ``page.html`` (or whatever files its command names) and ``case.json``: ``run`` is the command
(``python -m etl extract FILE --url URL [--content-type TYPE]``), ``expected`` what it must print. The command
runs in a subprocess with this interpreter, from the repository root, two cases at a time; a file it names is
taken from the case's folder, wherever the command says it lies (cases copied from ``../shared/cases`` keep
their command).

Expected keys, each checked when present (a key this runner does not know fails the case, so nothing is
skipped silently):

- ``paragraphs``, ``title``, ``url``, ``language``: equal, whitespace-normalised;
- ``authors``: the same names in the same order, whitespace-normalised;
- ``published_at``: the same instant (ISO 8601, any offset);
- ``<key>_one_of``: equal to one of the listed values, compared as ``<key>`` is;
- ``reason``: the page is refused: exit status 1 and ``<file>: <reason>:`` on stderr, nothing on stdout.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.factories import REPO_ROOT, repo_pythonpath

PAGES = REPO_ROOT / "tests" / "fixtures" / "pages"
CASES = sorted(path.parent.name for path in PAGES.glob("*/case.json"))
RUN_TIMEOUT_S = 120


def normalised(text: str) -> str:
    return " ".join(text.split())


def same_text(found: Any, expected: Any) -> bool:
    return isinstance(found, str) and normalised(found) == normalised(expected)


def same_texts(found: Any, expected: Any) -> bool:
    return isinstance(found, list) and [normalised(p) for p in found] == [normalised(p) for p in expected]


def same_instant(found: Any, expected: Any) -> bool:
    if found is None or expected is None:
        return found is expected
    return datetime.fromisoformat(found) == datetime.fromisoformat(expected)


COMPARED: dict[str, Callable[[Any, Any], bool]] = {
    "paragraphs": same_texts,
    "authors": same_texts,
    "title": same_text,
    "url": same_text,
    "language": same_text,
    "published_at": same_instant,
}


def command_of(case_dir: Path, run: str) -> list[str]:
    """The case's command as argv for this interpreter: what follows ``-m etl``, its files taken from the
    case's folder."""
    words = shlex.split(run)
    start = next(i for i in range(len(words) - 1) if words[i : i + 2] == ["-m", "etl"]) + 2
    argv = [str(case_dir / Path(w).name) if (case_dir / Path(w).name).is_file() else w for w in words[start:]]
    return [sys.executable, "-m", "etl", *argv]


def test_there_are_page_cases() -> None:
    assert len(CASES) >= 10


def run_case(name: str) -> subprocess.CompletedProcess[str]:
    """The case's command, run as a user runs it (a subprocess from the repository root)."""
    case = json.loads((PAGES / name / "case.json").read_text("utf-8"))
    env = {**os.environ, "PYTHONPATH": repo_pythonpath(), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        command_of(PAGES / name, case["run"]),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        env=env,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, Future[subprocess.CompletedProcess[str]]]]:
    """Every case's run, two at a time (most of a run is the interpreter starting)."""
    with ThreadPoolExecutor(max_workers=2) as threads:
        yield {name: threads.submit(run_case, name) for name in CASES}


@pytest.mark.parametrize("name", CASES)
def test_page_case(name: str, runs: dict[str, Future[subprocess.CompletedProcess[str]]]) -> None:
    expected: dict[str, Any] = json.loads((PAGES / name / "case.json").read_text("utf-8"))["expected"]
    unknown = [key for key in expected if key.removesuffix("_one_of") not in {*COMPARED, "reason"}]
    assert not unknown, f"{name}: expected keys this runner cannot check: {unknown}"
    done = runs[name].result()
    shown = f"exit status {done.returncode}, stdout {done.stdout[:300]!r}, stderr {done.stderr[-2000:]}"
    if "reason" in expected:
        assert done.returncode == 1 and not done.stdout.strip(), shown
        assert f": {expected['reason']}:" in done.stderr, shown
        return
    assert done.returncode == 0 and "Traceback" not in done.stderr, shown
    (line,) = done.stdout.splitlines()
    printed = json.loads(line)
    for key, value in expected.items():
        field = key.removesuffix("_one_of")
        compare = COMPARED[field]
        candidates = value if key.endswith("_one_of") else [value]
        assert any(compare(printed.get(field), candidate) for candidate in candidates), (
            f"{name}: {field} is {printed.get(field)!r}, expected {'one of ' if len(candidates) > 1 else ''}"
            f"{candidates if len(candidates) > 1 else candidates[0]!r}"
        )
