"""``etl.pipeline.quality``: shares judged against thresholds, recorded on the runs, and a loud failure."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import psycopg2.extensions
import pytest

from etl.config import QualitySettings, Settings
from etl.dates import day_start
from etl.pipeline.quality import QualityCheckFailed, check_quality, judge, share
from etl.pipeline.run import run_sources
from etl.records import Interval
from tests.factories import DAY

COUNTS = {
    "run_id": 1,
    "source": "s",
    "urls_discovered": 10,
    "robots_disallowed": 2,
    "pages_fetched": 6,
    "fetch_failed": 2,
    "extract_failed": 1,
    "paragraphs_extracted": 40,
    "paragraphs_repeated": 4,
}


def test_shares_are_parts_of_what_each_stage_saw() -> None:
    quality = judge(QualitySettings(), **COUNTS)

    assert quality.no_text_share == share(1, 6)
    assert quality.fetch_failed_share == share(2, 8)
    assert quality.repeat_share == share(4, 40)
    assert quality.passed


def test_a_share_above_its_threshold_is_a_named_problem() -> None:
    quality = judge(QualitySettings(max_fetch_failed_share=0.2), **COUNTS)

    assert not quality.passed
    assert quality.problems == ("fetch_failed_share 0.25 > 0.20",)


def test_nothing_seen_is_no_problem() -> None:
    empty = {key: 0 for key in COUNTS if key not in ("run_id", "source")}
    assert judge(QualitySettings(), run_id=1, source="s", **empty).passed


def _day_runs(settings: Settings) -> list[int]:
    start = day_start(DAY)
    return [run.run_id for run in run_sources(settings, Interval(start, start + timedelta(days=1)), ["demo-de"])]


def recorded(db: psycopg2.extensions.connection, run_ids: list[int]) -> list[tuple]:
    with db.cursor() as cur:
        cur.execute(
            "select quality_passed, fetch_failed_share from pipeline_runs where run_id = any(%s) order by run_id",
            (run_ids,),
        )
        return cur.fetchall()


def test_demo_day_passes_and_its_shares_are_recorded(settings: Settings, db: psycopg2.extensions.connection) -> None:
    run_ids = _day_runs(settings)

    (result,) = check_quality(settings, run_ids)

    assert recorded(db, run_ids) == [(True, pytest.approx(result.fetch_failed_share))]


def test_crossing_a_threshold_fails_loudly_and_is_recorded(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    run_ids = _day_runs(settings)
    strict = replace(settings, quality=QualitySettings(max_repeat_share=0.0))

    with pytest.raises(QualityCheckFailed, match=r"demo-de.*repeat_share"):
        check_quality(strict, run_ids)
    assert [passed for passed, _ in recorded(db, run_ids)] == [False]
