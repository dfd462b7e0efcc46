"""``PreviousDayTimetable``: every night at a set UTC time, a run covering the whole previous UTC day.

Airflow's cron timetables tie the data interval to the trigger time: ``CronDataIntervalTimetable("30 2 * * *")``
covers 02:30 to 02:30, ``CronTriggerTimetable`` an interval ending at the trigger. This one keeps the data
interval a calendar day ``[D 00:00, D+1 00:00)`` UTC and only delays the run to ``D+1 00:00 + run_at``, so
late-published articles of D are in by then.

"The 15th" means the day loaded wherever a user looks:

- the logical date of every run is the start of the day it loads (D 00:00), as with a midnight cron;
- run ids name that day: ``scheduled__2025-05-15``, ``backfill__2025-05-15T00:00:00+00:00``,
  ``manual__2025-05-15__<trigger time>``;
- a backfill's runs are "run after" their day itself (a past day's run is due at once; only the nightly
  run waits for ``run_at``), so the Runs tab's *Run After* column of a backfill shows the days it loads. Airflow
  names a backfill's runs after their run-after time itself (``DagRun.generate_run_id``), which is why this
  is the one way to make those names say the day;
- a manual run loads the UTC day of its logical date: trigger with logical date 2025-05-15 (any time of day)
  to load the 15th; the form's default, now, loads today so far.

It lives in the plugins folder and registers itself as a plugin, because the scheduler and the API server
rebuild a DAG's timetable from its serialised form and accept only core or registered timetable classes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.plugins_manager import AirflowPlugin
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from airflow.utils.types import DagRunType
from pendulum import DateTime

DAY = timedelta(days=1)


def parse_run_at(text: str) -> timedelta:
    """``"HH:MM"`` as the time after midnight UTC it names; refuses anything outside one day."""
    hours, _, minutes = text.strip().partition(":")
    try:
        run_at = timedelta(hours=int(hours), minutes=int(minutes or 0))
    except ValueError as exc:
        raise ValueError(f"nightly time {text!r} is not HH:MM") from exc
    if not timedelta(0) <= run_at < DAY:
        raise ValueError(f"nightly time {text!r} is not within one day")
    return run_at


def _midnight(moment: DateTime) -> DateTime:
    return pendulum.instance(moment).in_timezone("UTC").start_of("day")


def _next_midnight(moment: DateTime) -> DateTime:
    midnight = _midnight(moment)
    return midnight if midnight == moment else midnight + DAY


class PreviousDayTimetable(Timetable):
    """One run per UTC day D, covering ``[D, D+1)`` and starting at ``D+1 + run_at``."""

    def __init__(self, run_at: timedelta = timedelta(0)) -> None:
        self.run_at = run_at
        hours, minutes = divmod(int(run_at.total_seconds()) // 60, 60)
        self._at = f"{hours:02d}:{minutes:02d}"
        self.description = f"Daily at {self._at} UTC, loading the previous UTC day"

    @property
    def summary(self) -> str:
        return f"{self._at} UTC, previous day"

    def serialize(self) -> dict[str, Any]:
        return {"run_at_s": int(self.run_at.total_seconds())}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls(timedelta(seconds=data["run_at_s"]))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PreviousDayTimetable) and other.run_at == self.run_at

    def __hash__(self) -> int:
        return hash(self.run_at)

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        """A manual run loads the UTC day of its logical date (Airflow passes the logical date as ``run_after``)."""
        start = _midnight(run_after)
        return DataInterval(start, start + DAY)

    def generate_run_id(
        self, *, run_type: DagRunType, run_after: DateTime, data_interval: DataInterval | None, **extra: Any
    ) -> str:
        """Run ids that name the day loaded; a manual run's also its trigger time, so two triggers of one day
        have two ids."""
        if data_interval is None:
            return super().generate_run_id(run_type=run_type, run_after=run_after, data_interval=data_interval, **extra)
        day = f"{data_interval.start:%Y-%m-%d}"
        if run_type == DagRunType.MANUAL:
            return run_type.generate_run_id(suffix=f"{day}__{run_after.isoformat()}")
        return run_type.generate_run_id(suffix=day)

    def _info(self, day: DateTime, *, backfill: bool) -> DagRunInfo:
        run_after = day if backfill else day + DAY + self.run_at
        return DagRunInfo(run_after=run_after, data_interval=DataInterval(day, day + DAY))

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        # A backfill asks for the runs between two dates (``latest`` set, catchup on); the scheduler asks with
        # the DAG's own restriction (no end date, catchup off). Only the nightly run waits for ``run_at``.
        backfill = restriction.catchup and restriction.latest is not None
        earliest = restriction.earliest and _next_midnight(restriction.earliest)
        if not restriction.catchup:
            # Without catchup, start with the latest day whose run time has passed (run it now) or is next.
            latest_due = _midnight(pendulum.now("UTC") - self.run_at) - DAY
            earliest = latest_due if earliest is None else max(earliest, latest_due)
        if last_automated_data_interval is not None:
            day = _next_midnight(last_automated_data_interval.end)
            if earliest is not None:
                day = max(day, earliest)
        elif earliest is None:
            return None
        else:
            day = earliest
        if restriction.latest is not None and day > restriction.latest:
            return None
        return self._info(day, backfill=backfill)


class NewsetlTimetablePlugin(AirflowPlugin):
    """Registers ``PreviousDayTimetable`` with the scheduler, DAG processor and API server."""

    name = "newsetl_timetable"
    timetables = [PreviousDayTimetable]  # noqa: RUF012 (AirflowPlugin's declared class attribute)
