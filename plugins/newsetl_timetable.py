"""``PreviousDayTimetable``: every night at a set UTC time, a run covering the whole previous UTC day.

Airflow's cron timetables tie the data interval to the trigger time: ``CronDataIntervalTimetable("30 2 * * *")``
covers 02:30 to 02:30, ``CronTriggerTimetable`` an interval ending at the trigger. This one keeps the data
interval a calendar day ``[D 00:00, D+1 00:00)`` UTC and only delays the run to ``D+1 00:00 + run_at``, so
late-published articles of D are in by then. The logical date is D 00:00, as with a midnight cron.

It lives in the plugins folder and registers itself as a plugin, because the scheduler and the API server
rebuild a DAG's timetable from its serialised form and accept only core or registered timetable classes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.plugins_manager import AirflowPlugin
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
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
        """A manual run loads the last complete UTC day before it was triggered."""
        end = _midnight(run_after)
        return DataInterval(end - DAY, end)

    def _info(self, day: DateTime) -> DagRunInfo:
        return DagRunInfo(run_after=day + DAY + self.run_at, data_interval=DataInterval(day, day + DAY))

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
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
        return self._info(day)


class NewsetlTimetablePlugin(AirflowPlugin):
    """Registers ``PreviousDayTimetable`` with the scheduler, DAG processor and API server."""

    name = "newsetl_timetable"
    timetables = [PreviousDayTimetable]  # noqa: RUF012 (AirflowPlugin's declared class attribute)
