"""``etl.config``: defaults, and environment overrides of only what is set."""

from __future__ import annotations

import os
import re
from dataclasses import fields
from pathlib import Path

import pytest

from etl.config import (
    PROJECT_ROOT,
    ConfigError,
    DedupSettings,
    FetchSettings,
    QualitySettings,
    ScheduleSettings,
    load_settings,
    parse_setting,
)


def test_defaults_use_the_embedded_warehouse_inside_the_project() -> None:
    settings = load_settings({})
    assert settings.database_url is None
    assert settings.embedded_pg_dir == PROJECT_ROOT / ".newsetl" / "pg"
    assert settings.fetch == FetchSettings()


def test_environment_overrides_only_what_it_sets(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "NEWSETL_DATABASE_URL": "postgresql://u@h/db",
            "NEWSETL_DATA_DIR": str(tmp_path),
            "NEWSETL_FETCH_RETRIES": "5",
            "NEWSETL_FETCH_READ_TIMEOUT_S": "2.5",
            "NEWSETL_DEMO_SITE_URL": "http://127.0.0.1:9000/",
        }
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.data_dir == tmp_path.resolve()
    assert settings.fetch.retries == 5
    assert settings.fetch.read_timeout_s == 2.5
    assert settings.fetch.connect_timeout_s == FetchSettings().connect_timeout_s
    assert settings.demo_site_url == "http://127.0.0.1:9000"


def test_a_malformed_number_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="NEWSETL_FETCH_RETRIES='many'"):
        load_settings({"NEWSETL_FETCH_RETRIES": "many"})


def test_a_user_agent_without_a_contact_url_is_refused() -> None:
    with pytest.raises(ConfigError, match="contact URL"):
        load_settings({"NEWSETL_FETCH_USER_AGENT": "python-requests"})


def test_dedup_thresholds_are_settings_with_environment_overrides() -> None:
    settings = load_settings(
        {"NEWSETL_DEDUP_BOILERPLATE_MIN_DAYS": "4", "NEWSETL_DEDUP_NEAR_DUPLICATE_MIN_SIMILARITY": "0.9"}
    )
    assert settings.dedup == DedupSettings(boilerplate_min_days=4, near_duplicate_min_similarity=0.9)
    with pytest.raises(ConfigError, match="NEWSETL_DEDUP_LSH_BANDS"):
        load_settings({"NEWSETL_DEDUP_LSH_BANDS": "many"})


def test_quality_thresholds_and_schedule_come_from_their_own_prefixes() -> None:
    settings = load_settings({"NEWSETL_QUALITY_MAX_REPEAT_SHARE": "0.1", "NEWSETL_SCHEDULE_NIGHTLY_AT": "02:30"})
    assert settings.quality.max_repeat_share == 0.1
    assert settings.quality.max_fetch_failed_share == load_settings({}).quality.max_fetch_failed_share
    assert settings.schedule.nightly_at == "02:30"


def test_extraction_processes_default_to_the_cores_and_zero_means_in_process() -> None:
    assert load_settings({}).extract_processes == (os.cpu_count() or 1)
    assert load_settings({"NEWSETL_EXTRACT_PROCESSES": "0"}).extract_processes == 0
    with pytest.raises(ConfigError):
        load_settings({"NEWSETL_EXTRACT_PROCESSES": "-1"})


def test_the_demo_site_is_served_where_its_url_says() -> None:
    assert load_settings({}).demo_site_address == ("127.0.0.1", 8765)
    assert load_settings({"NEWSETL_DEMO_SITE_URL": "http://localhost:9000/"}).demo_site_address == ("localhost", 9000)
    assert load_settings({"NEWSETL_DEMO_SITE_URL": "http://127.0.0.1:0"}).demo_site_address == ("127.0.0.1", 0)


@pytest.mark.parametrize("url", ["127.0.0.1:9000", "http://127.0.0.1:port", "ftp://127.0.0.1:9000", "http://:9000"])
def test_a_demo_site_url_without_host_and_port_is_a_clear_error(url: str) -> None:
    with pytest.raises(ConfigError, match="NEWSETL_DEMO_SITE_URL"):
        load_settings({"NEWSETL_DEMO_SITE_URL": url})


@pytest.mark.parametrize(
    ("raw", "value"), [("false", False), ("No", False), ("0", False), ("true", True), ("on", True)]
)
def test_a_boolean_setting_is_read_as_a_word_not_as_python_truthiness(raw: str, value: bool) -> None:
    assert parse_setting("NEWSETL_X", raw, bool) is value


def test_a_boolean_setting_that_is_no_boolean_word_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="NEWSETL_X='maybe' is not a boolean"):
        parse_setting("NEWSETL_X", "maybe", bool)


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf"])
def test_a_number_setting_must_be_finite(raw: str) -> None:
    with pytest.raises(ConfigError, match="NEWSETL_FETCH_TOTAL_TIMEOUT_S"):
        load_settings({"NEWSETL_FETCH_TOTAL_TIMEOUT_S": raw})


def test_pool_slots_and_the_load_timeout_are_settings() -> None:
    schedule = load_settings({"NEWSETL_SCHEDULE_POOL_SLOTS": "2", "NEWSETL_SCHEDULE_LOAD_TIMEOUT_S": "600"}).schedule
    assert (schedule.pool_slots, schedule.load_timeout_s) == (2, 600)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NEWSETL_FETCH_CONCURRENCY", "0", "NEWSETL_FETCH_CONCURRENCY=0 is out of range: allowed 1 to 256"),
        ("NEWSETL_FETCH_MAX_BYTES", "-1", "NEWSETL_FETCH_MAX_BYTES=-1 is out of range: allowed 1,024 to"),
        ("NEWSETL_FETCH_TOTAL_TIMEOUT_S", "nan", "NEWSETL_FETCH_TOTAL_TIMEOUT_S='nan' is not a finite number"),
        ("NEWSETL_FETCH_CONNECT_TIMEOUT_S", "0", "NEWSETL_FETCH_CONNECT_TIMEOUT_S=0.0 is out of range"),
        ("NEWSETL_FETCH_RETRIES", "1000", "NEWSETL_FETCH_RETRIES=1000 is out of range: allowed 0 to 20"),
        ("NEWSETL_DEDUP_NEAR_DUPLICATE_MIN_SIMILARITY", "1.5", "out of range: allowed 0.01 to 1"),
        ("NEWSETL_DEDUP_LSH_BANDS", "7", "NEWSETL_DEDUP_LSH_BANDS=7 must divide NEWSETL_DEDUP_MINHASH_PERMUTATIONS"),
        ("NEWSETL_QUALITY_MAX_REPEAT_SHARE", "-0.1", "NEWSETL_QUALITY_MAX_REPEAT_SHARE=-0.1 is out of range"),
        ("NEWSETL_SCHEDULE_NIGHTLY_AT", "25:00", "is not a time of day HH:MM"),
        ("NEWSETL_SCHEDULE_MAX_RETRY_DELAY_S", "10", "is below NEWSETL_SCHEDULE_RETRY_DELAY_S=300"),
        ("NEWSETL_LOAD_BATCH_SIZE", "0", "NEWSETL_LOAD_BATCH_SIZE=0 is out of range: allowed 1 to 100,000"),
        ("NEWSETL_EXTRACT_PROCESSES", "-1", "NEWSETL_EXTRACT_PROCESSES=-1 is out of range: allowed 0 to 256"),
        ("NEWSETL_DATABASE_URL", "garbage", "NEWSETL_DATABASE_URL is not a PostgreSQL connection URL"),
        ("NEWSETL_DATABASE_URL", "postgres://db:99999/x", "NEWSETL_DATABASE_URL names port '99999': a port is"),
        ("NEWSETL_DATABASE_URL", "host=db port=0 dbname=x", "NEWSETL_DATABASE_URL names port '0'"),
    ],
)
def test_a_setting_out_of_its_range_is_refused_when_read_naming_the_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message) if "(" in message else message):
        load_settings({variable: value})


def test_every_numeric_setting_has_a_range() -> None:
    groups = (FetchSettings(), DedupSettings(), QualitySettings(), ScheduleSettings())
    unchecked = [
        f"{type(group).__name__}.{f.name}"
        for group in groups
        for f in fields(group)
        if f.type in ("int", "float") and "range" not in f.metadata
    ]
    assert unchecked == []


def test_a_bad_database_url_is_refused_without_showing_its_password() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"NEWSETL_DATABASE_URL": "postgresql://reader:s3cret@db.example:5432/news?bogus=1"})
    assert "s3cret" not in str(raised.value)
