"""The records passed between pipeline stages.

Every stage takes and returns these frozen dataclasses, so the data flows one way and a stage can be
tested with hand-built values. Failures are values too (``Failure``), never exceptions.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Source:
    """One news site as configured in the sources file."""

    name: str
    base_url: str
    language: str
    discovery: tuple[str, ...] = ("sitemap",)
    sitemap_url: str | None = None
    feed_url: str | None = None
    archive_url: str | None = None
    article_url_pattern: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    article_selector: str | None = None
    news_sitemap_url: str | None = None
    min_delay_s: float = 1.0
    concurrency: int | None = None
    canonical_base_url: str | None = None
    """Where the warehouse files pages fetched under ``base_url`` (``etl.sources.identity_url``); None: as fetched."""


@dataclass(frozen=True)
class Interval:
    """A half-open time interval ``[start, end)`` in UTC, as Airflow's data intervals are."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"interval end {self.end.isoformat()} is not after start {self.start.isoformat()}")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class DiscoveredUrl:
    """An article URL found for a source, with the date discovery saw for it.

    ``published_hint``: the date that placed it in the interval (a publication date, a ``lastmod``, or the day
    its URL names), for ordering only. ``published_at``: the publication date the listing states (a feed
    item's published date, a news sitemap's ``news:publication_date``), offset kept; None for a ``lastmod``
    (a modification date), an ``updated`` date or a URL's day. Extraction uses it as the article's
    ``published_at`` when the page states none (``etl.pipeline.workers.extract_page``).
    """

    source: str
    url: str
    published_hint: datetime | None
    via: str
    published_at: datetime | None = None


@dataclass(frozen=True)
class Discovery:
    """What discovery found for a source and interval (``etl.crawl.discover``).

    ``counts``: per method tried, ``{"seen": n, "taken": n, <reason>: n, ...}`` with the reasons entries were
    left out (``etl.crawl.discover.DROP_REASONS``), as ``pipeline_runs.discovery_counts`` keeps it.
    ``method``: the method whose URLs these are: the first that took any, else the first that answered (a
    method that took none for a reason other than ``etl.crawl.discover.QUIET_REASONS`` hands over to the
    next); None when none answered (then ``failures`` says why).
    """

    urls: tuple[DiscoveredUrl, ...]
    failures: tuple[Failure, ...]
    counts: Mapping[str, Mapping[str, int]]
    method: str | None


@dataclass(frozen=True)
class FetchedPage:
    """A page body as the server sent it, and where it finally came from."""

    source: str
    requested_url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    fetched_at: datetime
    elapsed_s: float
    headers: tuple[tuple[str, str], ...] = ()
    not_modified: bool = False

    def header(self, name: str) -> str | None:
        """The value of response header ``name`` (case-insensitive), if the server sent it."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Failure:
    """A URL that did not become an article, with a short machine-readable reason."""

    source: str
    url: str
    stage: str
    reason: str
    http_status: int | None
    at: datetime
    detail: str = ""


@dataclass(frozen=True)
class Article:
    """What extraction found on a page: metadata and main-text paragraphs in page order, repeats included."""

    source: str
    url: str
    title: str | None
    published_at: datetime | None
    language: str | None
    authors: tuple[str, ...]
    section: str | None
    fetched_at: datetime
    paragraphs: tuple[str, ...]
    publisher: str | None = None
    """The organisation that publishes it (``authors`` are people). ``published_at`` keeps the page's offset."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as stored: its content key (hash of the normalised text) and its original text."""

    key: bytes
    text: str


@dataclass(frozen=True)
class DedupedArticle:
    """An article whose paragraphs are unique by key, each at its first position."""

    article: Article
    paragraphs: tuple[Paragraph, ...]
    repeats_removed: int
    body_hash: bytes


@dataclass
class StageCounts:
    """How many items each stage saw; one row of ``pipeline_runs``."""

    urls_discovered: int = 0
    robots_disallowed: int = 0
    pages_fetched: int = 0
    fetch_failed: int = 0
    extract_failed: int = 0
    articles_extracted: int = 0
    paragraphs_extracted: int = 0
    paragraphs_repeated: int = 0
    articles_loaded: int = 0
    discovery_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per discovery method tried: entries seen, taken and left out by reason (``Discovery.counts``)."""
    load_failed: int = 0
    """Extracted articles the warehouse rejected (recorded as ``not_storable`` failures)."""
    urls_given_up: int = 0
    """Earlier failures the run stopped retrying (recorded as ``given_up`` failures)."""
    characters_replaced: int = 0
    """NUL characters and lone surrogates made storable (U+FFFD) in the text the run loaded."""


@dataclass
class StageTimes:
    """Seconds each stage was busy in one run; stages overlap, so they add up to more than the wall time.

    ``fetch_s`` is the fetch thread's time (requests, conditional-GET lookups), ``archive_s`` its writes to
    the raw archive, ``extract_s`` and ``dedup_s`` the extraction workers' time summed over pages,
    ``load_s`` the COPY and merge transactions; the cross-article steps: ``near_duplicates_s``,
    ``copies_s`` and ``search_s`` after each batch, ``boilerplate_s`` after the run. Each stage adds its own
    time (``timed``), so a new stage is one field here and one ``with`` where it runs.
    """

    discover_s: float = 0.0
    fetch_s: float = 0.0
    archive_s: float = 0.0
    extract_s: float = 0.0
    dedup_s: float = 0.0
    load_s: float = 0.0
    near_duplicates_s: float = 0.0
    copies_s: float = 0.0
    search_s: float = 0.0
    boilerplate_s: float = 0.0
    wall_s: float = 0.0

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the block's wall time to the field ``stage`` (``"load_s"``); an unknown name is a bug."""
        if not hasattr(self, stage):
            raise AttributeError(f"StageTimes has no stage {stage!r}")
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, stage, getattr(self, stage) + time.perf_counter() - started)
