"""``benchmarks.real_pages``: the real-page site lists every article once by day and marks copies as told."""

from __future__ import annotations

import re
from datetime import timedelta

from benchmarks.real_pages import RealSite

PAGES = (
    b"<html><body><article><p>First page, first paragraph.</p><p class='x'>Second.</p></article></body></html>",
    b"<html><body><article><p>Second page.</p><div>Chrome line.</div></article></body></html>",
)
BASE = "http://127.0.0.1:9"


def test_distinct_copies_mark_every_paragraph_with_their_number_and_identical_ones_are_the_page() -> None:
    distinct = RealSite(PAGES, articles=5, per_day=2, variant="distinct")
    identical = RealSite(PAGES, articles=5, per_day=2, variant="identical")
    assert distinct.page(2).count(b"No. 2: ") == 2
    assert b"<p class='x'>No. 2: Second." in distinct.page(2)
    assert b"<div>Chrome line.</div>" in distinct.page(3)
    assert distinct.page(2) != distinct.page(4)
    assert identical.page(3) == identical.page(1) == PAGES[1]


def test_the_sitemaps_list_every_article_once_on_its_day_and_each_url_answers_its_page() -> None:
    site = RealSite(PAGES, articles=5, per_day=2, variant="distinct")
    assert site.days == 3
    index = site.answer(BASE, "/sitemap.xml")[1].decode()
    days = re.findall(r"<loc>(.*?)</loc>", index)
    assert days == [f"{BASE}/sitemaps/{site.start + timedelta(days=n):%Y-%m-%d}.xml" for n in range(3)]
    urls = [u for day in days for u in re.findall(r"<loc>(.*?)</loc>", site.answer(BASE, day[len(BASE) :])[1].decode())]
    assert urls == [BASE + site.path_of(n) for n in range(5)]
    assert site.answer(BASE, site.path_of(4)) == (200, site.page(4), "text/html; charset=utf-8")
    assert site.answer(BASE, site.path_of(4).replace("story-4", "story-5"))[0] == 404
    assert site.answer(BASE, "/robots.txt")[1].endswith(f"Sitemap: {BASE}/sitemap.xml\n".encode())
