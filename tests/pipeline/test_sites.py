"""The regression corpus of quirky sites (``tests/fixtures/sites/<NN-name>/``), each run as a user runs it.

Every case folder holds ``case.json`` (what must happen: ``expected.outcomes_one_of``, ``never_requested``),
``sources.toml`` (``{demo_site}`` is the case's server) and ``site/`` (served by ``tests.sites_server``).
A case gets a throwaway database of its own and runs ``python -m etl migrate`` and ``python -m etl run
--start --end --source`` in a subprocess with ``NEWSETL_SOURCES_FILE`` and ``NEWSETL_DEMO_SITE_URL`` set,
then compares what the warehouse holds: the loaded article URLs, the (url, reason) failures of the run, the
run row's fields the outcome names (a dict compares as a subset, for ``discovery``), and the paths the
server saw. Every case also keeps three rules: robots.txt is the first request, the console holds no
traceback, and a failed run says so in exactly one line on stderr.

``python -m tests.pipeline.test_sites [CASE_DIR ...]`` prints what each case does now, as JSON (to record a
case's ``today``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.factories import REPO_ROOT, clean_environment, query_rows, throwaway_database
from tests.sites_server import serving

SITES = REPO_ROOT / "tests" / "fixtures" / "sites"
CASES = sorted(path for path in SITES.iterdir() if (path / "case.json").is_file())
RUN_TIMEOUT_S = 120


@dataclass
class Observed:
    """What one run of a case left: warehouse rows, the console and the requests the server saw."""

    articles: list[str]
    fetch_failures: list[list[str]]
    run: dict[str, Any]
    requests: list[str]
    exit_status: int
    stderr: str


def run_case(case_dir: Path, server_url: str) -> Observed:
    """Serve the case's site, run the pipeline over its interval on a fresh database, and read back."""
    case = json.loads((case_dir / "case.json").read_text("utf-8"))
    expected = case["expected"]
    with (
        throwaway_database(server_url, "newsetl_site", migrated=False) as database_url,
        serving(case_dir, expected.get("site_dir", "site")) as site,
    ):
        env = clean_environment() | {
            "NEWSETL_DATABASE_URL": database_url,
            "NEWSETL_SOURCES_FILE": str(case_dir / "sources.toml"),
            "NEWSETL_DEMO_SITE_URL": site.base_url,
            "NEWSETL_DATA_DIR": str(case_dir / ".newsetl-unused"),
            "PYTHONPATH": str(REPO_ROOT),
        }
        run = [*("run", "--start", expected["start"], "--end", expected["end"]), "--source", expected["source"]]
        stderr = ""
        status = 0
        for verb in (["migrate"], run):
            done = subprocess.run(
                [sys.executable, "-m", "etl", *verb],
                env=env,
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_S,
                check=False,
            )
            stderr += done.stderr
            status = done.returncode
        base = site.base_url
        articles = sorted(_placeholder(url, base) for (url,) in query_rows(database_url, "select url from articles"))
        failures = sorted(
            [_placeholder(url, base), reason]
            for url, reason in query_rows(database_url, "select url, reason from fetch_failures")
        )
        rows = query_rows(
            database_url,
            "select to_jsonb(r) from pipeline_runs as r where source_name = %s order by run_id desc limit 1",
            (expected["source"],),
        )
        return Observed(
            articles=articles,
            fetch_failures=failures,
            run=rows[0][0] if rows else {},
            requests=[f"{method} {path}" for method, path in site.requests],
            exit_status=status,
            stderr=stderr,
        )


def _placeholder(url: str, base_url: str) -> str:
    return url.replace(base_url, "{site}")


def mismatches(outcome: dict[str, Any], observed: Observed) -> list[str]:
    """How ``observed`` differs from one acceptable outcome; empty when it matches."""
    problems = []
    if sorted(outcome.get("articles", [])) != observed.articles:
        problems.append(f"articles {observed.articles} != {sorted(outcome.get('articles', []))}")
    wanted_failures = sorted([list(pair) for pair in outcome.get("fetch_failures", [])])
    if wanted_failures != observed.fetch_failures:
        problems.append(f"failures {observed.fetch_failures} != {wanted_failures}")
    for key, value in outcome.get("run", {}).items():
        got = observed.run.get(key)
        if isinstance(value, dict):
            got_part = {k: (got or {}).get(k) for k in value}
            if _subset(value, got or {}) is False:
                problems.append(f"run.{key} {got_part} != {value}")
        elif got != value:
            problems.append(f"run.{key} {got!r} != {value!r}")
    return problems


def _subset(wanted: dict[str, Any], got: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        if isinstance(value, dict):
            if not isinstance(got.get(key), dict) or not _subset(value, got[key]):
                return False
        elif got.get(key) != value:
            return False
    return True


def console_problems(observed: Observed) -> list[str]:
    """The console rule every case keeps: no traceback; a failed run is one line on stderr."""
    problems = []
    if "Traceback" in observed.stderr:
        problems.append(f"a traceback on the console:\n{observed.stderr}")
    if observed.run.get("status") == "failed":
        lines = [line for line in observed.stderr.splitlines() if line.strip()]
        if len(lines) != 1 or observed.exit_status != 1:
            problems.append(f"a failed run must be one line on stderr and exit 1, got {observed.exit_status}: {lines}")
    return problems


def check_case(case_dir: Path, observed: Observed) -> list[str]:
    """Every way ``observed`` breaks the case: no acceptable outcome matched, a path never to be requested
    was, or the console broke its rule."""
    expected = json.loads((case_dir / "case.json").read_text("utf-8"))["expected"]
    problems: list[str] = []
    tried = [(o.get("name", "?"), mismatches(o, observed)) for o in expected["outcomes_one_of"]]
    if all(found for _, found in tried):
        problems += [f"outcome {name!r}: {'; '.join(found)}" for name, found in tried]
    paths = [request.split(" ", 1)[1] for request in observed.requests]
    if observed.requests and observed.requests[0] != "GET /robots.txt":
        problems.append(f"the first request was {observed.requests[0]}, not GET /robots.txt")
    problems += [
        f"requested {p} (never_requested {prefix})"
        for prefix in expected.get("never_requested", [])
        for p in paths
        if p.startswith(prefix)
    ]
    return problems + console_problems(observed)


@pytest.mark.parametrize("case_dir", CASES, ids=[case.name for case in CASES])
def test_site_case(case_dir: Path, server_url: str) -> None:
    observed = run_case(case_dir, server_url)
    problems = check_case(case_dir, observed)
    assert not problems, "\n".join(problems) + f"\nrequests: {observed.requests}\nstderr: {observed.stderr}"


def _report(case_dirs: list[Path]) -> Iterator[dict[str, Any]]:
    server = os.environ.get("NEWSETL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    for case_dir in case_dirs:
        observed = run_case(case_dir, server)
        yield {"case": case_dir.name, "passes": not check_case(case_dir, observed), **asdict(observed)}


if __name__ == "__main__":
    for record in _report([Path(arg) for arg in sys.argv[1:]] or CASES):
        print(json.dumps(record, ensure_ascii=False, default=str))
