"""All settings in one typed object, read once from the environment and passed down.

Every setting has a documented default here; the environment overrides only what it sets:

- ``NEWSETL_DATABASE_URL``: libpq URL of the warehouse. Unset: an embedded PostgreSQL in ``<data_dir>/pg``.
- ``NEWSETL_DATA_DIR``: where local state lives (embedded warehouse, Airflow home). Default ``.newsetl`` in
  the checkout; for an installed package (no checkout), in the working directory.
- ``NEWSETL_SOURCES_FILE``: the sources file. Default ``etl/sources.toml``.
- ``NEWSETL_DEMO_SITE_URL``: where the demo site is served (``python -m etl demo`` and ``demo-site``) and what
  ``{demo_site}`` in the sources file means. Default ``http://127.0.0.1:8765``.
- ``NEWSETL_DATABASE_CONNECT_TIMEOUT_S``, ``NEWSETL_DATABASE_STATEMENT_TIMEOUT_S``: how long connecting to the
  warehouse (default 10) and one statement (default 600; lock waits exempt) may take, seconds. A warehouse
  that stops answering fails the run with a line naming the setting instead of hanging it.
- ``NEWSETL_LOAD_BATCH_SIZE``: articles per load transaction. Default 200.
- ``NEWSETL_EXTRACT_PROCESSES``: worker processes that extract pages while others are fetched and loaded.
  Default ``os.cpu_count()``; 0 extracts in the pipeline's own process (for debugging and profiling).
- ``NEWSETL_EXTRACT_TIMEOUT_S``, ``NEWSETL_EXTRACT_MAX_MEMORY_MB``: what one page may cost a worker: seconds
  (default 30; over it: ``too_slow``) and address space in MiB (default 1024; over it: ``too_large``). Neither
  applies with 0 extract processes.
- ``NEWSETL_FETCH_<NAME>``: any field of ``FetchSettings`` (``NEWSETL_FETCH_RETRIES=5``).
- ``NEWSETL_DEDUP_<NAME>``: any field of ``DedupSettings`` (``NEWSETL_DEDUP_BOILERPLATE_MIN_DAYS=5``).
- ``NEWSETL_QUALITY_<NAME>``: any field of ``QualitySettings`` (``NEWSETL_QUALITY_MAX_FETCH_FAILED_SHARE=0.1``).
- ``NEWSETL_SCHEDULE_<NAME>``: any field of ``ScheduleSettings`` (``NEWSETL_SCHEDULE_NIGHTLY_AT=02:30``).
- ``NEWSETL_CCNEWS_<NAME>``: any field of ``CcnewsSettings`` (``NEWSETL_CCNEWS_BASE_URL=http://mirror/``).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import psycopg2
import psycopg2.extensions

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# An installed wheel carries the SQL inside the package (pyproject.toml maps sql/ to etl/_sql); a checkout, an
# editable install and the Docker image's /opt/newsetl have sql/ beside etl/ instead.
PACKAGED_SQL_DIR = PACKAGE_DIR / "_sql"
DEMO_SOURCES_FILE = PACKAGE_DIR / "sources.toml"
"""The shipped sources file: the demo site's editions (the default of ``NEWSETL_SOURCES_FILE``)."""


def _default_data_dir() -> Path:
    """``.newsetl`` at the root of the checkout; for an installed package, in the working directory."""
    return (Path.cwd() if PACKAGED_SQL_DIR.is_dir() else PROJECT_ROOT) / ".newsetl"


class ConfigError(ValueError):
    """A setting or the sources file cannot work as given."""


def between(low: float, high: float) -> dict[str, tuple[float, float]]:
    """Field metadata: the setting's allowed range, ``low <= value <= high``, checked when settings are built."""
    return {"range": (low, high)}


def check_ranges(group: object, prefix: str) -> None:
    """A ``ConfigError`` naming the first field of the dataclass ``group`` outside its ``between`` range, by
    the variable that sets it (``prefix`` + field name in capitals). Non-finite numbers are outside any range."""
    for f in fields(group):  # type: ignore[arg-type]
        if "range" not in f.metadata:
            continue
        low, high = f.metadata["range"]
        value = getattr(group, f.name)
        if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
            raise ConfigError(
                f"{prefix}{f.name.upper()}={value!r} is out of range: allowed {_number(low)} to {_number(high)}"
            )


def _number(value: float) -> str:
    """``2_000_000_000`` as ``2,000,000,000`` and ``0.1`` as ``0.1``: a bound as a person reads it."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class FetchSettings:
    """How pages are requested: politeness, patience and limits.

    ``total_timeout_s`` bounds one page's whole download (a body trickling slower than the read timeout
    is cut there); ``max_bytes`` bounds its decoded size (gzip bombs included); a robots ``Crawl-delay``
    above ``max_crawl_delay_s`` skips the host; ``max_attempts`` is how many runs try a page that failed
    for a passing reason (timeout, 5xx, ...) before it is given up; a given-up page is fetched again when
    discovery lists it, or after ``given_up_retry_days`` (doubled at each further give-up, at most
    ``given_up_retry_max_days``; ``etl.crawl.retries``).
    """

    user_agent: str = "newsetl/0.1 (+https://github.com/newsetl/newsetl; news ETL research crawler)"
    connect_timeout_s: float = field(default=5.0, metadata=between(0.1, 300))
    read_timeout_s: float = field(default=20.0, metadata=between(0.1, 3600))
    total_timeout_s: float = field(default=60.0, metadata=between(0.1, 86_400))
    retries: int = field(default=2, metadata=between(0, 20))
    backoff_s: float = field(default=0.5, metadata=between(0, 600))
    backoff_jitter_s: float = field(default=0.5, metadata=between(0, 600))
    backoff_max_s: float = field(default=30.0, metadata=between(0, 3600))
    retry_after_max_s: int = field(default=60, metadata=between(0, 86_400))
    max_bytes: int = field(default=10_000_000, metadata=between(1024, 2_000_000_000))
    max_redirects: int = field(default=5, metadata=between(0, 30))
    max_crawl_delay_s: float = field(default=30.0, metadata=between(0, 3600))
    concurrency: int = field(default=4, metadata=between(1, 256))
    max_attempts: int = field(default=3, metadata=between(1, 100))
    given_up_retry_days: float = field(default=1.0, metadata=between(0, 365))
    given_up_retry_max_days: float = field(default=32.0, metadata=between(0, 3650))

    def __post_init__(self) -> None:
        check_ranges(self, "NEWSETL_FETCH_")
        if "http://" not in self.user_agent and "https://" not in self.user_agent:
            raise ConfigError(f"the fetch user agent must name a contact URL (http...): {self.user_agent!r}")


@dataclass(frozen=True)
class DedupSettings:
    """Deduplication across articles: boilerplate, near-duplicate paragraphs, the same story elsewhere."""

    boilerplate_min_articles: int = field(default=5, metadata=between(2, 1_000_000))
    """A paragraph is boilerplate of a source when at least this many of its articles carry it ..."""
    boilerplate_min_days: int = field(default=3, metadata=between(1, 3650))
    """... published on at least this many distinct UTC days (a quote shared by two follow-ups is not)."""
    minhash_permutations: int = field(default=64, metadata=between(1, 1024))
    lsh_bands: int = field(default=16, metadata=between(1, 1024))
    """Bands of ``minhash_permutations / lsh_bands`` values: pairs sharing one band hash are candidates."""
    near_duplicate_min_similarity: float = field(default=0.8, metadata=between(0.01, 1))
    """Jaccard similarity of character 5-grams a verified near-duplicate pair must reach."""
    near_duplicate_min_chars: int = field(default=40, metadata=between(1, 1_000_000))
    """Shorter paragraphs (loose form) are not indexed for near-duplicates: too little text to judge."""
    article_duplicate_min_similarity: float = field(default=0.5, metadata=between(0.01, 1))
    """Share of paragraphs two articles must have in common (Jaccard) to be the same story."""
    article_duplicate_probe_carriers: int = field(default=2, metadata=between(1, 1000))
    """Of the articles carrying one of an article's rarest paragraphs, how many (the first loaded) it is compared
    with for the same story: the work per article stays bounded however often a story was copied."""

    def __post_init__(self) -> None:
        check_ranges(self, "NEWSETL_DEDUP_")
        if self.minhash_permutations % self.lsh_bands:
            raise ConfigError(
                f"NEWSETL_DEDUP_LSH_BANDS={self.lsh_bands} must divide "
                f"NEWSETL_DEDUP_MINHASH_PERMUTATIONS={self.minhash_permutations}"
            )


@dataclass(frozen=True)
class QualitySettings:
    """Data-quality thresholds: a run whose shares exceed them fails loudly (``etl.pipeline.quality``)."""

    max_no_text_share: float = field(default=0.25, metadata=between(0, 1))
    max_fetch_failed_share: float = field(default=0.25, metadata=between(0, 1))
    max_repeat_share: float = field(default=0.5, metadata=between(0, 1))

    def __post_init__(self) -> None:
        check_ranges(self, "NEWSETL_QUALITY_")


@dataclass(frozen=True)
class ScheduleSettings:
    """How Airflow schedules and retries the pipeline; read by the DAG files when they are parsed."""

    nightly_at: str = "00:30"
    retry_delay_s: int = field(default=300, metadata=between(0, 86_400))
    max_retry_delay_s: int = field(default=1800, metadata=between(0, 86_400))
    pool: str = "newsetl_sources"
    # Slots of that pool: how many sources load at once, all runs together (set by `make airflow` and compose).
    pool_slots: int = field(default=4, metadata=between(1, 1024))
    # How long one source's load may run before Airflow stops it (the task's execution_timeout), seconds.
    load_timeout_s: int = field(default=7200, metadata=between(60, 604_800))

    def __post_init__(self) -> None:
        check_ranges(self, "NEWSETL_SCHEDULE_")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", self.nightly_at):
            raise ConfigError(f"NEWSETL_SCHEDULE_NIGHTLY_AT={self.nightly_at!r} is not a time of day HH:MM (UTC)")
        if self.max_retry_delay_s < self.retry_delay_s:
            raise ConfigError(
                f"NEWSETL_SCHEDULE_MAX_RETRY_DELAY_S={self.max_retry_delay_s} is below "
                f"NEWSETL_SCHEDULE_RETRY_DELAY_S={self.retry_delay_s}"
            )


@dataclass(frozen=True)
class CcnewsSettings:
    """Where ``python -m etl ccnews`` and the ``news_archive`` DAG read Common Crawl News (``etl.archives.ccnews``).

    ``base_url``: the root under which ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` and the files it lists
    lie (Common Crawl's public HTTPS endpoint, or a mirror; a missing final ``/`` is implied).
    ``margin_days``: a file whose name's crawl time lies more than this many days before the interval's
    start or after its end is not read (a page is captured after it is published, and CC-NEWS captures
    most within days).
    """

    base_url: str = "https://data.commoncrawl.org/"
    margin_days: float = field(default=3.0, metadata=between(0, 366))

    def __post_init__(self) -> None:
        check_ranges(self, "NEWSETL_CCNEWS_")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ConfigError(
                f"NEWSETL_CCNEWS_BASE_URL={self.base_url!r} is not an http(s) URL without query "
                "(https://data.commoncrawl.org/)"
            )


@dataclass(frozen=True)
class Settings:
    """The whole configuration of a run."""

    database_url: str | None = None
    database_connect_timeout_s: float = field(default=10.0, metadata=between(0.5, 3600))
    """How long connecting to the warehouse may take (libpq ``connect_timeout``)."""
    database_statement_timeout_s: float = field(default=600.0, metadata=between(0.5, 86_400))
    """How long one statement may run (the server's ``statement_timeout``); a warehouse that does not answer
    for this long plus a grace (``etl.warehouse.connection``) has its connection cut. Lock waits are exempt."""
    data_dir: Path = field(default_factory=_default_data_dir)
    sources_file: Path = DEMO_SOURCES_FILE
    demo_site_url: str = "http://127.0.0.1:8765"
    load_batch_size: int = field(default=200, metadata=between(1, 100_000))
    extract_processes: int = field(default_factory=lambda: os.cpu_count() or 1, metadata=between(0, 256))
    extract_timeout_s: float = field(default=30.0, metadata=between(0.1, 86_400))
    """A page a worker extracts for longer is a ``too_slow`` failure and its worker is replaced."""
    extract_max_memory_mb: int = field(default=1024, metadata=between(256, 1_048_576))
    """Address space an extraction worker may use (RLIMIT_AS); a page needing more is ``too_large``."""
    fetch: FetchSettings = field(default_factory=FetchSettings)
    dedup: DedupSettings = field(default_factory=DedupSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    ccnews: CcnewsSettings = field(default_factory=CcnewsSettings)

    def __post_init__(self) -> None:
        check_ranges(self, "NEWSETL_")
        _host_and_port(self.demo_site_url)
        if self.database_url is not None:
            _check_database_url(self.database_url)

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


def _check_database_url(url: str) -> None:
    """A ``ConfigError`` unless ``url`` is a libpq connection string: ``postgresql://user@host:port/dbname`` or
    ``host=... dbname=...`` (the forms libpq accepts, checked by libpq's own parser)."""
    try:
        ports = psycopg2.extensions.parse_dsn(url).get("port", "")
    except psycopg2.ProgrammingError as exc:
        raise ConfigError(
            "NEWSETL_DATABASE_URL is not a PostgreSQL connection URL (postgresql://user@host:5432/dbname): "
            + re.sub(r"(//[^:/@\s]*:)[^@\s]*@", r"\1***@", str(exc).strip())
        ) from exc
    for port in filter(None, ports.split(",")):  # libpq takes one port per host: "5432,5433"
        if not (port.isdigit() and 1 <= int(port) <= 65_535):
            raise ConfigError(f"NEWSETL_DATABASE_URL names port {port!r}: a port is a number from 1 to 65535")


_Group = TypeVar("_Group", FetchSettings, DedupSettings, QualitySettings, ScheduleSettings, CcnewsSettings)
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


_TOP_LEVEL_NUMBERS = (
    "database_connect_timeout_s",
    "database_statement_timeout_s",
    "load_batch_size",
    "extract_processes",
    "extract_timeout_s",
    "extract_max_memory_mb",
)
"""The numeric fields of ``Settings`` itself, each set by ``NEWSETL_<FIELD>`` (the groups have their prefixes)."""


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from defaults plus ``NEWSETL_*`` variables of ``environ`` (default: the process)."""
    env = os.environ if environ is None else environ
    settings = Settings(
        fetch=_overridden(FetchSettings(), "NEWSETL_FETCH_", env),
        dedup=_overridden(DedupSettings(), "NEWSETL_DEDUP_", env),
        quality=_overridden(QualitySettings(), "NEWSETL_QUALITY_", env),
        schedule=_overridden(ScheduleSettings(), "NEWSETL_SCHEDULE_", env),
        ccnews=_overridden(CcnewsSettings(), "NEWSETL_CCNEWS_", env),
    )
    if env.get("NEWSETL_DATABASE_URL"):
        settings = replace(settings, database_url=env["NEWSETL_DATABASE_URL"])
    if env.get("NEWSETL_DATA_DIR"):
        settings = replace(settings, data_dir=Path(env["NEWSETL_DATA_DIR"]).resolve())
    if env.get("NEWSETL_SOURCES_FILE"):
        settings = replace(settings, sources_file=Path(env["NEWSETL_SOURCES_FILE"]).resolve())
    if env.get("NEWSETL_DEMO_SITE_URL"):
        settings = replace(settings, demo_site_url=env["NEWSETL_DEMO_SITE_URL"].rstrip("/"))
    numbers: dict[str, Any] = {}
    for name in _TOP_LEVEL_NUMBERS:
        variable = f"NEWSETL_{name.upper()}"
        if env.get(variable):
            numbers[name] = parse_setting(variable, env[variable], type(getattr(settings, name)))
    return replace(settings, **numbers) if numbers else settings
