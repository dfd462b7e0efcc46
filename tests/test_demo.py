"""``etl.demo``: the demo is served where ``NEWSETL_DEMO_SITE_URL`` says, and moving it to another port finds
the articles the last demo loaded instead of loading a second copy."""

from __future__ import annotations

import re
import socket
from datetime import date
from pathlib import Path

import pytest

from etl.config import Settings
from etl.demo import run_demo
from etl.demo_site.content import SiteConfig

SEED_DAY = SiteConfig(start_date=date(2025, 5, 15), days=1, articles_per_day=2)
"""A small site that still carries the seed story, whose summary the demo prints."""


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports free on 127.0.0.1 a moment ago (held together, so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def test_a_demo_moved_to_another_port_adds_no_second_copy_and_still_finds_the_seed(
    clean_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = []
    for port in free_ports(2):
        settings = Settings(database_url=clean_database, data_dir=tmp_path, demo_site_url=f"http://127.0.0.1:{port}")
        assert run_demo(settings, SEED_DAY) == 0
        printed.append((port, capsys.readouterr().out))
    totals = []
    for port, out in printed:
        assert out.startswith(f"demo site: http://127.0.0.1:{port} ")
        assert "seed article: 'Stärkung der technologischen Beziehungen" in out
        (line,) = [line for line in out.splitlines() if line.startswith("warehouse: ")]
        totals.append(line)
    assert totals[0] == totals[1]
    articles = re.search(r", (\d+) articles,", totals[0])
    assert articles and int(articles.group(1)) > 0
