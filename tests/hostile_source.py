"""Settings and a sources file for a pipeline run over the hostile site, with small limits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from etl.config import FetchSettings, Settings
from tests.hostile_server import HostileServer

HOSTILE_FETCH = FetchSettings(
    connect_timeout_s=0.5,
    read_timeout_s=0.5,
    total_timeout_s=2.0,
    retries=1,
    backoff_s=0.0,
    retry_after_max_s=2,
    max_bytes=2_000_000,
    concurrency=4,
    max_attempts=3,
)
"""Small limits so every fault of the hostile site resolves in about two seconds at most."""


def hostile_sources_file(site: HostileServer, directory: Path) -> Path:
    hosts = ", ".join(f'"{host}"' for host in site.hosts)
    path = directory / "hostile-sources.toml"
    path.write_text(
        "[[source]]\n"
        'name = "hostile"\n'
        f'base_url = "{site.base_url}/"\n'
        'language = "de"\n'
        'discovery = ["sitemap"]\n'
        f'sitemap_url = "{site.base_url}/sitemap.xml"\n'
        f"allowed_hosts = [{hosts}]\n"
        "min_delay_s = 0\n"
        "concurrency = 4\n",
        encoding="utf-8",
    )
    return path


def hostile_settings(settings: Settings, site: HostileServer, directory: Path, **fetch: object) -> Settings:
    """``settings`` (a database) running the hostile source with ``HOSTILE_FETCH`` (overridden by ``fetch``)."""
    return replace(settings, sources_file=hostile_sources_file(site, directory), fetch=replace(HOSTILE_FETCH, **fetch))
