"""``etl.extract.titles``: a page title without the site's name."""

from __future__ import annotations

from typing import Any

import pytest

from etl.extract.titles import strip_site_name


@pytest.mark.parametrize(
    ("title", "kwargs", "expected"),
    [
        ("Bridge reopens | Daily Example", {"site_name": "Daily Example"}, "Bridge reopens"),
        ("Daily Example - Bridge reopens", {"site_name": "Daily Example"}, "Bridge reopens"),
        ("Bridge reopens — Daily Example", {"site_name": "The Daily Example"}, "Bridge reopens"),
        ("Bridge reopens - Local - Daily Example", {"site_name": "Daily Example"}, "Bridge reopens - Local"),
        ("Bridge reopens | Dailyexample", {"host": "www.dailyexample.com"}, "Bridge reopens"),
        ("The Guardian | Bridge reopens", {"host": "www.theguardian.com"}, "Bridge reopens"),
        ("Bridge reopens | Moxie", {"host": "www.withmoxie.com"}, "Bridge reopens"),
        ("Bridge reopens after two years | DE", {}, "Bridge reopens after two years | DE"),
        ("Bridge reopens | BBC News", {"host": "www.bbc.co.uk"}, "Bridge reopens"),
        ("Biden - Trump debate: who won | CNN", {"host": "edition.cnn.com"}, "Biden - Trump debate: who won"),
        ("Biden - Trump debate", {"host": "www.example.com"}, "Biden - Trump debate"),
        ("Storm hits coast - Live updates", {"site_name": "Coast Daily"}, "Storm hits coast - Live updates"),
        (
            "News from the city: Council - Bridge reopens after two years",
            {"h1": "Bridge reopens after two years"},
            "Bridge reopens after two years",
        ),
        ("Bridge reopens", {"site_name": "Daily Example"}, "Bridge reopens"),
    ],
)
def test_strip_site_name(title: str, kwargs: dict[str, Any], expected: str) -> None:
    assert strip_site_name(title, **kwargs) == expected


def test_a_declared_site_name_that_matches_no_part_keeps_the_title() -> None:
    title = "Jane Doe – on the region's plans until 2030"
    assert strip_site_name(title, site_name="Mirror News") == title


def test_without_shape_rules_only_a_part_naming_the_site_goes() -> None:
    assert strip_site_name("Biden - Trump debate", by_shape=False) == "Biden - Trump debate"
    assert strip_site_name("Biden - Trump debate", by_shape=True) == "Biden - Trump debate"
    assert strip_site_name("Debate night recap | CNN", by_shape=True) == "Debate night recap | CNN"
    assert strip_site_name("Debate night recap | CNN", host="edition.cnn.com", by_shape=False) == "Debate night recap"


def test_the_parts_that_are_the_h1_whole_are_the_title() -> None:
    title = "Biden - Trump debate - what we learned - Politics - Example Post"
    assert (
        strip_site_name(title, h1="Biden - Trump debate - what we learned") == "Biden - Trump debate - what we learned"
    )
    assert strip_site_name("Biden - Trump debate", h1="Biden vs Trump") == "Biden - Trump debate"
