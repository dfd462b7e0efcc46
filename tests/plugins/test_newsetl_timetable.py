"""``PreviousDayTimetable``: a run per UTC day, started at the nightly time, with or without catchup.

Airflow is imported only inside tests, after the ``dagbag`` fixture pointed it at a throwaway home with
``plugins/`` as its plugins folder (on ``sys.path``), as the scheduler imports the plugin.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pendulum
import pytest

DAY = pendulum.datetime(2025, 5, 15, tz="UTC")
NEXT = DAY + timedelta(days=1)
AT = timedelta(hours=2, minutes=30)


@pytest.fixture(scope="module")
def tt(dagbag: object) -> SimpleNamespace:
    """The plugin module and Airflow's timetable types, imported once Airflow is configured."""
    import newsetl_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    return SimpleNamespace(
        timetable=newsetl_timetable.PreviousDayTimetable(AT),
        parse_run_at=newsetl_timetable.parse_run_at,
        cls=newsetl_timetable.PreviousDayTimetable,
        DataInterval=DataInterval,
        TimeRestriction=TimeRestriction,
    )


def test_nightly_time_parses_and_must_fall_within_a_day(tt: SimpleNamespace) -> None:
    assert tt.parse_run_at("02:30") == AT
    with pytest.raises(ValueError):
        tt.parse_run_at("24:00")
    with pytest.raises(ValueError):
        tt.parse_run_at("late")


def test_the_run_after_a_day_covers_the_next_whole_day_at_the_nightly_time(tt: SimpleNamespace) -> None:
    info = tt.timetable.next_dagrun_info(
        last_automated_data_interval=tt.DataInterval(DAY - timedelta(days=1), DAY),
        restriction=tt.TimeRestriction(earliest=DAY - timedelta(days=10), latest=None, catchup=True),
    )

    assert info is not None
    assert info.data_interval == tt.DataInterval(DAY, NEXT)
    assert info.run_after == NEXT + AT


def test_first_run_starts_at_the_first_whole_day_after_start_date(tt: SimpleNamespace) -> None:
    info = tt.timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=tt.TimeRestriction(earliest=DAY - timedelta(hours=3), latest=None, catchup=True),
    )

    assert info is not None and info.data_interval == tt.DataInterval(DAY, NEXT)


def test_without_catchup_the_first_run_is_the_latest_day_due(tt: SimpleNamespace) -> None:
    now = pendulum.now("UTC")
    info = tt.timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=tt.TimeRestriction(earliest=DAY, latest=None, catchup=False),
    )

    assert info is not None
    assert info.data_interval.end - info.data_interval.start == timedelta(days=1)
    assert now - timedelta(days=1) < info.run_after <= now + timedelta(days=1)


@pytest.mark.parametrize("logical_date", [DAY, DAY + timedelta(hours=14, minutes=5)])
def test_a_manual_run_loads_the_day_of_its_logical_date(tt: SimpleNamespace, logical_date: pendulum.DateTime) -> None:
    interval = tt.timetable.infer_manual_data_interval(run_after=logical_date)
    assert interval == tt.DataInterval(DAY, NEXT)


def test_a_backfill_run_is_due_on_the_day_it_loads(tt: SimpleNamespace) -> None:
    info = tt.timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=tt.TimeRestriction(earliest=DAY, latest=DAY + timedelta(days=2), catchup=True),
    )

    assert info is not None
    assert info.data_interval == tt.DataInterval(DAY, NEXT)
    assert info.logical_date == DAY
    assert info.run_after == DAY


def test_run_ids_name_the_day_loaded(tt: SimpleNamespace) -> None:
    from airflow.utils.types import DagRunType

    day = tt.DataInterval(DAY, NEXT)
    triggered = NEXT + timedelta(days=200, hours=3)

    scheduled = tt.timetable.generate_run_id(run_type=DagRunType.SCHEDULED, run_after=NEXT + AT, data_interval=day)
    manual = tt.timetable.generate_run_id(run_type=DagRunType.MANUAL, run_after=triggered, data_interval=day)
    again = tt.timetable.generate_run_id(
        run_type=DagRunType.MANUAL, run_after=triggered + timedelta(seconds=1), data_interval=day
    )

    assert scheduled == "scheduled__2025-05-15"
    assert manual.startswith("manual__2025-05-15__")
    assert again != manual


def test_serialises_its_nightly_time(tt: SimpleNamespace) -> None:
    assert tt.cls.deserialize(tt.timetable.serialize()) == tt.timetable
