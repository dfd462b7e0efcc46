"""All settings in one typed object, read once from the environment and passed down.

Every setting has a documented default here; the environment overrides only what it sets:

- ``NEWSETL_DATABASE_URL``: libpq URL of the warehouse. Unset: an embedded PostgreSQL in ``<data_dir>/pg``.
- ``NEWSETL_DATA_DIR``: where local state lives (embedded warehouse, Airflow home). Default ``.newsetl`` in
  the checkout; for an installed package (no checkout), in the working directory.
- ``NEWSETL_SOURCES_FILE``: the sources file. Default ``etl/sources.toml``.
- ``NEWSETL_DEMO_SITE_URL``: where the demo site is served (``python -m etl demo`` and ``demo-site``) and what
  ``{demo_site}`` in the sources file means. Default ``http://127.0.0.1:8765``.
- ``NEWSETL_LOAD_BATCH_SIZE``: articles per load transaction. Default 200.
- ``NEWSETL_EXTRACT_PROCESSES``: worker processes that extract pages while others are fetched and loaded.
  Default ``os.cpu_count()``; 0 extracts in the pipeline's own process (for debugging and profiling).
- ``NEWSETL_FETCH_<NAME>``: any field of ``FetchSettings`` (``NEWSETL_FETCH_RETRIES=5``).
- ``NEWSETL_DEDUP_<NAME>``: any field of ``DedupSettings`` (``NEWSETL_DEDUP_BOILERPLATE_MIN_DAYS=5``).
- ``NEWSETL_QUALITY_<NAME>``: any field of ``QualitySettings`` (``NEWSETL_QUALITY_MAX_FETCH_FAILED_SHARE=0.1``).
- ``NEWSETL_SCHEDULE_<NAME>``: any field of ``ScheduleSettings`` (``NEWSETL_SCHEDULE_NIGHTLY_AT=02:30``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# An installed wheel carries the SQL inside the package (pyproject.toml maps sql/ to etl/_sql); a checkout, an
# editable install and the Docker image's /opt/newsetl have sql/ beside etl/ instead.
PACKAGED_SQL_DIR = PACKAGE_DIR / "_sql"


def _default_data_dir() -> Path:
    """``.newsetl`` at the root of the checkout; for an installed package, in the working directory."""
    return (Path.cwd() if PACKAGED_SQL_DIR.is_dir() else PROJECT_ROOT) / ".newsetl"


class ConfigError(ValueError):
    """A setting or the sources file cannot work as given."""


@dataclass(frozen=True)
class FetchSettings:
    """How pages are requested: politeness, patience and limits.

    ``total_timeout_s`` bounds one page's whole download (a body trickling slower than the read timeout
    is cut there); ``max_bytes`` bounds its decoded size (gzip bombs included); a robots ``Crawl-delay``
    above ``max_crawl_delay_s`` skips the host; ``max_attempts`` is how many runs try a page that failed
    for a passing reason (timeout, 5xx, ...) before it is given up.
    """

    user_agent: str = "newsetl/0.1 (+https://github.com/newsetl/newsetl; news ETL research crawler)"
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0
    retries: int = 2
    backoff_s: float = 0.5
    backoff_jitter_s: float = 0.5
    backoff_max_s: float = 30.0
    retry_after_max_s: int = 60
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    max_crawl_delay_s: float = 30.0
    concurrency: int = 4
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if "http://" not in self.user_agent and "https://" not in self.user_agent:
            raise ConfigError(f"the fetch user agent must name a contact URL (http...): {self.user_agent!r}")


@dataclass(frozen=True)
class DedupSettings:
    """Deduplication across articles: boilerplate, near-duplicate paragraphs, the same story elsewhere."""

    boilerplate_min_articles: int = 5
    """A paragraph is boilerplate of a source when at least this many of its articles carry it ..."""
    boilerplate_min_days: int = 3
    """... published on at least this many distinct UTC days (a quote shared by two follow-ups is not)."""
    minhash_permutations: int = 64
    lsh_bands: int = 16
    """Bands of ``minhash_permutations / lsh_bands`` values: pairs sharing one band hash are candidates."""
    near_duplicate_min_similarity: float = 0.8
    """Jaccard similarity of character 5-grams a verified near-duplicate pair must reach."""
    near_duplicate_min_chars: int = 40
    """Shorter paragraphs (loose form) are not indexed for near-duplicates: too little text to judge."""
    article_duplicate_min_similarity: float = 0.5
    """Share of paragraphs two articles must have in common (Jaccard) to be the same story."""


@dataclass(frozen=True)
class QualitySettings:
    """Data-quality thresholds: a run whose shares exceed them fails loudly (``etl.pipeline.quality``)."""

    max_no_text_share: float = 0.25
    max_fetch_failed_share: float = 0.25
    max_repeat_share: float = 0.5


@dataclass(frozen=True)
class ScheduleSettings:
    """How Airflow schedules and retries the pipeline; read by the DAG files when they are parsed."""

    nightly_at: str = "00:30"
    retry_delay_s: int = 300
    max_retry_delay_s: int = 1800
    pool: str = "newsetl_sources"
    # Slots of that pool: how many sources load at once, all runs together (set by `make airflow` and compose).
    pool_slots: int = 4
    # How long one source's load may run before Airflow stops it (the task's execution_timeout), seconds.
    load_timeout_s: int = 7200


@dataclass(frozen=True)
class Settings:
    """The whole configuration of a run."""

    database_url: str | None = None
    data_dir: Path = field(default_factory=_default_data_dir)
    sources_file: Path = PACKAGE_DIR / "sources.toml"
    demo_site_url: str = "http://127.0.0.1:8765"
    load_batch_size: int = 200
    extract_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)

    def __post_init__(self) -> None:
        if self.load_batch_size < 1:
            raise ConfigError(f"the load batch size must be at least 1, got {self.load_batch_size}")
        if self.extract_processes < 0:
            raise ConfigError(f"extract processes must be 0 (in process) or more, got {self.extract_processes}")
        _host_and_port(self.demo_site_url)

    @property
    def embedded_pg_dir(self) -> Path:
        return self.data_dir / "pg"

    @property
    def demo_site_address(self) -> tuple[str, int]:
        """Host and port to serve the demo site on: those of ``demo_site_url``, so that one variable moves the
        site (``python -m etl demo``, ``python -m etl demo-site``) and the sources file's ``{demo_site}`` with it."""
        return _host_and_port(self.demo_site_url)


def _host_and_port(url: str) -> tuple[str, int]:
    """Host and port of an http(s) URL (the scheme's default port when it names none), or a ConfigError."""
    problem = f"the demo site URL (NEWSETL_DEMO_SITE_URL) must be http://host:port, got {url!r}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(problem) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(problem)
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    return parts.hostname, port


_Group = TypeVar("_Group", FetchSettings, DedupSettings, QualitySettings, ScheduleSettings)
_Value = TypeVar("_Value")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_setting(name: str, raw: str, kind: type[_Value]) -> _Value:
    """``raw`` as a value of ``kind``; a ``ConfigError`` naming the variable when it is not one.

    Booleans are words (``bool("false")`` would be True); numbers must be finite (``nan`` would switch a
    limit off unnoticed)."""
    if kind is bool:
        word = raw.strip().lower()
        if word in _TRUE | _FALSE:
            return cast(_Value, word in _TRUE)
        raise ConfigError(f"{name}={raw!r} is not a boolean (true/false, yes/no, on/off, 1/0)")
    try:
        # Every settings type (str, int, float) is built from its text.
        value = kind(raw)  # type: ignore[call-arg]
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{name}={raw!r} is not a finite number")
    return value


def _overridden(defaults: _Group, prefix: str, env: Mapping[str, str]) -> _Group:
    """``defaults`` with every field that ``env`` sets as ``<prefix><FIELD>`` replaced."""
    changes: dict[str, Any] = {}
    for f in fields(defaults):
        name = f"{prefix}{f.name.upper()}"
        if name in env:
            changes[f.name] = parse_setting(name, env[name], type(getattr(defaults, f.name)))
    return replace(defaults, **changes)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from defaults plus ``NEWSETL_*`` variables of ``environ`` (default: the process)."""
    env = os.environ if environ is None else environ
    settings = Settings(
        fetch=_overridden(FetchSettings(), "NEWSETL_FETCH_", env),
        dedup=_overridden(DedupSettings(), "NEWSETL_DEDUP_", env),
        quality=_overridden(QualitySettings(), "NEWSETL_QUALITY_", env),
        schedule=_overridden(ScheduleSettings(), "NEWSETL_SCHEDULE_", env),
    )
    if env.get("NEWSETL_DATABASE_URL"):
        settings = replace(settings, database_url=env["NEWSETL_DATABASE_URL"])
    if env.get("NEWSETL_DATA_DIR"):
        settings = replace(settings, data_dir=Path(env["NEWSETL_DATA_DIR"]).resolve())
    if env.get("NEWSETL_SOURCES_FILE"):
        settings = replace(settings, sources_file=Path(env["NEWSETL_SOURCES_FILE"]).resolve())
    if env.get("NEWSETL_DEMO_SITE_URL"):
        settings = replace(settings, demo_site_url=env["NEWSETL_DEMO_SITE_URL"].rstrip("/"))
    if env.get("NEWSETL_LOAD_BATCH_SIZE"):
        batch = parse_setting("NEWSETL_LOAD_BATCH_SIZE", env["NEWSETL_LOAD_BATCH_SIZE"], int)
        settings = replace(settings, load_batch_size=batch)
    if env.get("NEWSETL_EXTRACT_PROCESSES"):
        processes = parse_setting("NEWSETL_EXTRACT_PROCESSES", env["NEWSETL_EXTRACT_PROCESSES"], int)
        settings = replace(settings, extract_processes=processes)
    return settings
