"""Daily per-source statistics: the ``daily_source_stats`` view copied into ``daily_source_stats_snapshot``
for the days a load just touched.

Called by the example downstream DAG when a day's load succeeds; recomputing a day gives the same rows.
"""

from __future__ import annotations

from etl.config import Settings
from etl.records import Interval
from etl.warehouse.connection import connect, warehouse_url
from etl.warehouse.queries import query


def refresh_daily_stats(settings: Settings, interval: Interval) -> int:
    """Recompute the stats of the UTC days in ``interval``; return how many source-day rows it holds now."""
    conn = connect(warehouse_url(settings), settings)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("refresh_daily_source_stats"), {"day_start": interval.start, "day_end": interval.end})
            return cur.rowcount
    finally:
        conn.close()
