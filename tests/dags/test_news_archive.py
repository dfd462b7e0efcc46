"""The ``news_archive`` DAG: it parses, maps one import per WARC file in the pool, and a run against a local
CC-NEWS mirror imports every file of the month and loads the articles published in the interval.

As in test_news_etl.py, ``airflow`` is imported only inside fixtures and tests (after ``airflow_env`` pointed
``AIRFLOW_HOME`` at a throwaway directory), and ``dag.test()`` runs in a subprocess configured by
environment alone, as a worker is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from etl.config import load_settings
from etl.demo_site.content import SiteConfig, build_site
from tests.archives.builders import BASE, Rec, page, write_warc
from tests.archives.mirror import Mirror, publish_month, running_mirror
from tests.dags.airflow_runs import run_logged
from tests.factories import DAGS_FOLDER, query_rows

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag

# argv: dags folder, run conf (JSON), result file.
DAG_TEST_SCRIPT = """
import json, sys
from airflow.dag_processing.dagbag import DagBag

dag = DagBag(dag_folder=sys.argv[1]).dags["news_archive"]
run = dag.test(run_conf=json.loads(sys.argv[2]))
result = {
    "state": run.state,
    "tasks": sorted([ti.task_id, ti.map_index, ti.rendered_map_index, ti.state] for ti in run.get_task_instances()),
}
with open(sys.argv[3], "w") as out:
    json.dump(result, out)
"""


def test_news_archive_lists_files_then_maps_one_import_per_file_then_checks(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    dag = dagbag.dags["news_archive"]

    assert set(dag.task_ids) == {"migrate_warehouse", "list_warc_files", "import_warc_file", "check_imports"}
    assert dag.get_task("list_warc_files").upstream_task_ids == {"migrate_warehouse"}
    assert dag.get_task("import_warc_file").upstream_task_ids == {"list_warc_files"}
    assert dag.get_task("import_warc_file").is_mapped
    assert dag.get_task("check_imports").upstream_task_ids == {"import_warc_file"}


def test_imports_run_in_the_pool_named_by_their_file(dagbag: DagBag) -> None:
    dag = dagbag.dags["news_archive"]
    task = dag.get_task("import_warc_file")

    assert task.pool == load_settings({}).schedule.pool
    assert task.map_index_template == "{{ warc_file_name }}"
    assert all(t.doc_md for t in dag.tasks)
    assert dag.timetable.can_be_scheduled is False  # triggered by hand only
    assert dag.catchup is False


def test_params_choose_sources_interval_and_files(dagbag: DagBag) -> None:
    params = dagbag.dags["news_archive"].params

    assert params["sources"] == []
    assert (params["start"], params["end"]) == ("2025-05-01", "2025-06-01")
    assert params["warc_files"] == []
    # optional in the trigger form (Airflow's UI marks a field required unless its type allows null); left
    # empty, or cleared to null, both mean "every source" and "Common Crawl News"
    for name in ("sources", "warc_files"):
        assert params.get_param(name).resolve(None) is None
        assert params.get_param(name).resolve([]) == []


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    """A CC-NEWS mirror with two files in May 2025: demo-de captures of the 12th to 18th and of the 13th."""
    site = build_site(SiteConfig())
    generated = [e for e in site.entries("de") if e.kind == "generated" and e.status == 200]
    files = {}
    for name, entries in (
        ("CC-NEWS-20250512000000-00000.warc.gz", generated[::8][:6]),
        ("CC-NEWS-20250513000000-00001.warc.gz", generated[13:16]),
    ):
        records = [Rec(BASE + e.path, page(site, e), e.published_at.astimezone(UTC)) for e in entries]
        files[name] = write_warc(tmp_path / name, records).read_bytes()
    with running_mirror(tmp_path / "mirror") as running:
        publish_month(running, 2025, 5, files)
        yield running


@pytest.mark.slow
def test_a_run_imports_every_file_of_the_month_from_the_mirror(
    airflow_metadata_env: dict[str, str], clean_database: str, mirror: Mirror, tmp_path: Path
) -> None:
    env = {
        **airflow_metadata_env,
        "NEWSETL_DATABASE_URL": clean_database,
        "NEWSETL_CCNEWS_BASE_URL": mirror.base_url,
        "NEWSETL_EXTRACT_PROCESSES": "1",
    }
    conf = {"sources": ["demo-de"], "start": "2025-05-13", "end": "2025-05-16"}

    result = run_dag_test(conf, env, tmp_path)

    assert result["state"] == "success"
    imports = [task for task in result["tasks"] if task[0] == "import_warc_file"]
    assert sorted(name for _, _, name, _ in imports) == [
        "CC-NEWS-20250512000000-00000.warc.gz",
        "CC-NEWS-20250513000000-00001.warc.gz",
    ]
    assert all(state == "success" for *_, state in imports)
    assert query_rows(clean_database, "select status, count(*) from warc_imports group by 1") == [("done", 2)]
    published = query_rows(clean_database, "select published_at from articles")
    assert published
    assert all("2025-05-13" <= f"{at.astimezone(UTC):%Y-%m-%d}" < "2025-05-16" for (at,) in published)


@pytest.mark.parametrize("content", [None, b"", b"<html>a page saved by hand, no archive</html>\n" * 40])
def test_a_file_no_retry_can_mend_fails_its_import_at_once(
    airflow_metadata_env: dict[str, str], clean_database: str, tmp_path: Path, content: bytes | None
) -> None:
    """A path that does not exist, an empty file, a file that is no WARC: the same after every retry."""
    env = {**airflow_metadata_env, "NEWSETL_DATABASE_URL": clean_database, "NEWSETL_EXTRACT_PROCESSES": "1"}
    path = tmp_path / "crawl.warc.gz"
    if content is not None:
        path.write_bytes(content)
    conf = {"warc_files": [str(path)], "start": "2025-05-13", "end": "2025-05-16"}

    # A retry would wait 5 minutes first: the timeout is what fails this test then.
    result = run_dag_test(conf, env, tmp_path, timeout=240)

    assert result["state"] == "failed"
    assert [task[3] for task in result["tasks"] if task[0] == "import_warc_file"] == ["failed"]
    assert query_rows(clean_database, "select count(*) from warc_imports where status = 'done'") == [(0,)]


@pytest.mark.slow
def test_a_month_whose_index_fails_fails_the_run_after_the_other_months_import(
    airflow_metadata_env: dict[str, str], clean_database: str, mirror: Mirror, tmp_path: Path
) -> None:
    mirror.failing.add("crawl-data/CC-NEWS/2025/04/warc.paths.gz")
    env = {
        **airflow_metadata_env,
        "NEWSETL_DATABASE_URL": clean_database,
        "NEWSETL_CCNEWS_BASE_URL": mirror.base_url,
        "NEWSETL_CCNEWS_MARGIN_DAYS": "15",
        "NEWSETL_EXTRACT_PROCESSES": "1",
    }
    conf = {"sources": ["demo-de"], "start": "2025-05-13", "end": "2025-05-16"}

    result = run_dag_test(conf, env, tmp_path)

    assert result["state"] == "failed"
    states = {(task, name): state for task, _, name, state in result["tasks"]}
    assert states[("import_warc_file", "CC-NEWS-20250512000000-00000.warc.gz")] == "success"
    assert states[("import_warc_file", "CC-NEWS-20250513000000-00001.warc.gz")] == "success"
    assert [state for (task, _), state in states.items() if task == "check_imports"] == ["failed"]
    assert query_rows(clean_database, "select status, count(*) from warc_imports group by 1") == [("done", 2)]


def run_dag_test(conf: dict[str, Any], env: dict[str, str], tmp_path: Path, timeout: float = 900) -> dict[str, Any]:
    """Run ``news_archive`` once with ``dag.test()`` in a fresh interpreter; return what the run did."""
    result_file = tmp_path / "dag_test.json"
    command = [sys.executable, "-c", DAG_TEST_SCRIPT, str(DAGS_FOLDER), json.dumps(conf), str(result_file)]
    run_logged(command, env=env, timeout=timeout)
    return json.loads(result_file.read_text())
