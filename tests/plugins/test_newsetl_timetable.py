"""``PreviousDayTimetable``: a run per UTC day, started at the nightly time, with or without catchup."""

from __future__ import annotations

from datetime import timedelta

import pendulum
import pytest

pytest.importorskip("airflow")
from airflow.timetables.base import DataInterval, TimeRestriction

from plugins.newsetl_timetable import PreviousDayTimetable, parse_run_at

DAY = pendulum.datetime(2025, 5, 15, tz="UTC")
NEXT = DAY + timedelta(days=1)
AT = timedelta(hours=2, minutes=30)


def test_nightly_time_parses_and_must_fall_within_a_day() -> None:
    assert parse_run_at("02:30") == AT
    with pytest.raises(ValueError):
        parse_run_at("24:00")
    with pytest.raises(ValueError):
        parse_run_at("late")


def test_the_run_after_a_day_covers_the_next_whole_day_at_the_nightly_time() -> None:
    info = PreviousDayTimetable(AT).next_dagrun_info(
        last_automated_data_interval=DataInterval(DAY - timedelta(days=1), DAY),
        restriction=TimeRestriction(earliest=DAY - timedelta(days=10), latest=None, catchup=True),
    )

    assert info is not None
    assert info.data_interval == DataInterval(DAY, NEXT)
    assert info.run_after == NEXT + AT


def test_first_run_starts_at_the_first_whole_day_after_start_date() -> None:
    info = PreviousDayTimetable(AT).next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=DAY - timedelta(hours=3), latest=None, catchup=True),
    )

    assert info is not None and info.data_interval == DataInterval(DAY, NEXT)


def test_without_catchup_the_first_run_is_the_latest_day_due() -> None:
    now = pendulum.now("UTC")
    info = PreviousDayTimetable(AT).next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=DAY, latest=None, catchup=False),
    )

    assert info is not None
    assert info.data_interval.end - info.data_interval.start == timedelta(days=1)
    assert info.run_after <= now + timedelta(days=1)
    assert info.run_after > now - timedelta(days=1)


def test_manual_run_loads_the_last_complete_day() -> None:
    assert PreviousDayTimetable(AT).infer_manual_data_interval(run_after=NEXT + timedelta(hours=1)) == DataInterval(
        DAY, NEXT
    )


def test_serialises_its_nightly_time() -> None:
    timetable = PreviousDayTimetable(AT)
    assert PreviousDayTimetable.deserialize(timetable.serialize()) == timetable
