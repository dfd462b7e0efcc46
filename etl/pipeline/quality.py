"""Data-quality check of finished runs: shares of empty pages, failed fetches and repeated paragraphs.

A share above its threshold fails the check loudly (``QualityCheckFailed`` naming the run, source and
share); the verdict and the shares are recorded on each run's ``pipeline_runs`` row either way, so a
second check of the same runs overwrites the first. Reads ``Settings.quality`` (``NEWSETL_QUALITY_*``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from etl.config import QualitySettings, Settings
from etl.warehouse.connection import connect, warehouse_url
from etl.warehouse.queries import query

logger = logging.getLogger(__name__)


class QualityCheckFailed(RuntimeError):
    """At least one run crossed a data-quality threshold."""


@dataclass(frozen=True)
class RunQuality:
    """The shares judged for one run, and which of them crossed their threshold."""

    run_id: int
    source: str
    no_text_share: float
    fetch_failed_share: float
    repeat_share: float
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def share(part: int, whole: int) -> float:
    """``part / whole``, 0.0 when there is nothing to share out."""
    return part / whole if whole > 0 else 0.0


def judge(
    thresholds: QualitySettings,
    *,
    run_id: int,
    source: str,
    urls_discovered: int,
    robots_disallowed: int,
    pages_fetched: int,
    fetch_failed: int,
    extract_failed: int,
    paragraphs_extracted: int,
    paragraphs_repeated: int,
) -> RunQuality:
    """The quality of one run from its stage counts: a pure function, so thresholds test without I/O."""
    shares = {
        "no_text_share": (share(extract_failed, pages_fetched), thresholds.max_no_text_share),
        "fetch_failed_share": (
            share(fetch_failed, urls_discovered - robots_disallowed),
            thresholds.max_fetch_failed_share,
        ),
        "repeat_share": (share(paragraphs_repeated, paragraphs_extracted), thresholds.max_repeat_share),
    }
    problems = tuple(f"{name} {value:.2f} > {limit:.2f}" for name, (value, limit) in shares.items() if value > limit)
    return RunQuality(
        run_id,
        source,
        no_text_share=shares["no_text_share"][0],
        fetch_failed_share=shares["fetch_failed_share"][0],
        repeat_share=shares["repeat_share"][0],
        problems=problems,
    )


def check_quality(settings: Settings, run_ids: Sequence[int]) -> list[RunQuality]:
    """Judge and record the given runs; raise ``QualityCheckFailed`` if any crossed a threshold."""
    conn = connect(warehouse_url(settings), settings)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("select_run_quality"), {"run_ids": list(run_ids)})
            columns = [column.name for column in cur.description]
            results = []
            for row in cur.fetchall():
                counts = dict(zip(columns, row, strict=True))
                counts.pop("status")
                counts["source"] = counts.pop("source_name")
                results.append(judge(settings.quality, **counts))
            for result in results:
                verdict = {k: v for k, v in asdict(result).items() if k not in ("source", "problems")}
                cur.execute(query("record_run_quality"), {**verdict, "passed": result.passed})
    finally:
        conn.close()
    for result in results:
        logger.info(
            "run %s (%s): no text %.2f, fetch failed %.2f, repeats %.2f%s",
            result.run_id,
            result.source,
            result.no_text_share,
            result.fetch_failed_share,
            result.repeat_share,
            "" if result.passed else " FAILED: " + "; ".join(result.problems),
        )
    failed = [f"run {r.run_id} ({r.source}): {'; '.join(r.problems)}" for r in results if not r.passed]
    if failed:
        raise QualityCheckFailed("data quality below thresholds (NEWSETL_QUALITY_*): " + " | ".join(failed))
    return results
