"""Shared fixtures: one default demo site, and one served over a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from etl.demo_site.content import DemoSite, build_site
from etl.demo_site.server import RunningSite, running_demo_site


@pytest.fixture(scope="session")
def site() -> DemoSite:
    return build_site()


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSite]:
    with running_demo_site() as served:
        yield served
