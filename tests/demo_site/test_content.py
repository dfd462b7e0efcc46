"""The demo site's content and ground truth: deterministic, faithful to the pages, noisy where intended."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import UTC, date

import pytest
from bs4 import BeautifulSoup

from etl.demo_site.content import (
    SEED_PATH,
    ArticleTruth,
    DemoSite,
    SiteConfig,
    build_site,
    dedup_key,
    load_seed_lines,
    unique_paragraphs,
)

BLOCK_TAGS = ["p", "h2", "h3", "li", "blockquote"]
SEED_LINES = list(load_seed_lines("de"))


def page_blocks(site: DemoSite, truth: ArticleTruth) -> list[str]:
    """The main-text blocks as an extractor that knows the edition's body container sees them."""
    _, _, body = site.response(truth.path)
    soup = BeautifulSoup(body, "lxml")
    container = soup.select_one(site.edition(truth.edition).body_selector)
    assert container is not None, truth.path
    return [block.get_text() for block in container.find_all(BLOCK_TAGS)]


def sample_pages(site: DemoSite) -> list[str]:
    first_day = site.config.dates[0].isoformat()
    paths = ["/", "/robots.txt", SEED_PATH]
    for edition in site.editions:
        prefix = edition.path_prefix
        paths += [prefix, f"{prefix}rss.xml", f"{prefix}sitemap.xml", f"{prefix}sitemaps/{first_day}.xml"]
        paths += [f"{prefix}archive/{first_day}/", f"{prefix}{edition.sections[0].slug}/"]
        paths += [entry.path for entry in site.entries(edition.name)[::15]]
    return paths


def test_same_config_builds_byte_identical_pages() -> None:
    first, second = build_site(), build_site()
    for path in sample_pages(first):
        assert first.response(path) == second.response(path), path


def test_article_truth_does_not_depend_on_site_size(site: DemoSite) -> None:
    larger = build_site(SiteConfig(days=14, articles_per_day=20))
    for truth in list(site.articles())[::7]:
        assert larger.article(truth.path) == truth


def test_seed_page_shows_the_nine_lines_in_order(site: DemoSite) -> None:
    truth = site.article(SEED_PATH)
    assert truth is not None and truth.kind == "seed"
    assert list(truth.paragraphs) == SEED_LINES
    assert page_blocks(site, truth) == SEED_LINES


def test_seed_truth_holds_the_five_distinct_paragraphs(site: DemoSite) -> None:
    truth = site.article(SEED_PATH)
    assert truth is not None
    assert truth.unique_paragraphs == tuple(SEED_LINES[:5])
    assert (truth.title, truth.language, truth.published_at.date()) == (
        "Stärkung der technologischen Beziehungen: der High-Tech Park prüfte die Zusammenarbeit mit China",
        "de",
        date(2025, 5, 15),
    )


def test_noisy_seed_normalises_to_the_same_five_paragraphs(site: DemoSite) -> None:
    (truth,) = [t for t in site.articles("de") if t.kind == "seed_noisy"]
    assert truth.unique_paragraphs == tuple(SEED_LINES[:5])
    repeats = truth.paragraphs[5:]
    assert all(repeat != clean for repeat, clean in zip(repeats, SEED_LINES[:5], strict=True))
    assert [dedup_key(repeat) for repeat in repeats] == [dedup_key(clean) for clean in SEED_LINES[:5]]


def test_noisy_seed_source_carries_every_kind_of_noise(site: DemoSite) -> None:
    (truth,) = [t for t in site.articles("de") if t.kind == "seed_noisy"]
    source = site.response(truth.path)[2].decode("utf-8")
    for marker in ("&nbsp;", "&shy;", "&#", "\n        ", unicodedata.normalize("NFD", "ä")):
        assert marker in source, repr(marker)
    assert any(char in source for char in "\u200b\u200d\u2060\ufeff")
    assert "&auml;" in source or "&uuml;" in source or "&ouml;" in source


def test_unique_paragraphs_merge_only_what_reads_the_same() -> None:
    paragraphs = (
        " Grüße aus Minsk. ",
        "Gr\u00fc\u00dfe\u00a0aus Min\u00adsk.",
        unicodedata.normalize("NFD", "Grüße aus\u200b Minsk."),
        "Grüße aus Brest.",
    )
    assert unique_paragraphs(paragraphs) == ("Grüße aus Minsk.", "Grüße aus Brest.")


@pytest.mark.parametrize("edition", ["de", "es", "ru", "en", "mirror"])
def test_page_body_blocks_equal_truth_paragraphs(site: DemoSite, edition: str) -> None:
    for truth in site.articles(edition):
        if truth.status == 200:
            assert page_blocks(site, truth) == list(truth.paragraphs), truth.path


def test_each_edition_body_container_appears_only_on_its_own_pages(site: DemoSite) -> None:
    for edition in site.editions:
        for other in site.editions:
            entry = next(e for e in site.entries(other.name) if e.listed)
            soup = BeautifulSoup(site.response(entry.path)[2], "lxml")
            assert (soup.select_one(edition.body_selector) is not None) == (edition is other)


def test_generated_paragraphs_never_repeat_across_articles(site: DemoSite) -> None:
    deliberate = {dedup_key(edition.boilerplate) for edition in site.editions}
    owners: dict[str, set[str]] = defaultdict(set)
    for truth in site.articles():
        if truth.kind in ("generated", "internal"):
            for paragraph in truth.unique_paragraphs:
                owners[dedup_key(paragraph)].add(truth.path)
    shared = {key for key, paths in owners.items() if len(paths) > 1 and key not in deliberate}
    assert shared == set()


def test_some_generated_articles_repeat_paragraphs_verbatim_and_with_noise(site: DemoSite) -> None:
    generated = [t for t in site.articles() if t.kind == "generated"]
    verbatim = [t for t in generated if len(set(t.paragraphs)) < len(t.paragraphs)]
    noisy = [t for t in generated if len({p.strip() for p in t.paragraphs}) > len(t.unique_paragraphs)]
    assert verbatim and noisy


def test_some_generated_articles_end_with_the_edition_boilerplate(site: DemoSite) -> None:
    for edition in site.editions:
        endings = [t.paragraphs[-1] for t in site.articles(edition.name) if t.kind == "generated"]
        assert 0 < endings.count(edition.boilerplate) < len(endings)


def test_mirror_copy_of_the_russian_seed_ends_with_its_source(site: DemoSite) -> None:
    (original,) = [t for t in site.articles("ru") if t.kind == "seed_ru"]
    copies = [t for t in site.articles("mirror") if t.title == original.title]
    assert [c.kind for c in copies] == ["syndicated"]
    assert copies[0].paragraphs == (*original.paragraphs, "Источник: belta.by")
    assert copies[0].published_at > original.published_at


def test_mirror_syndicates_part_of_the_russian_edition(site: DemoSite) -> None:
    russian = {t.title: t.paragraphs for t in site.articles("ru") if t.kind == "generated"}
    copies = [t for t in site.articles("mirror") if t.kind == "syndicated" and t.title in russian]
    assert 0.1 * len(russian) < len(copies) < 0.35 * len(russian)
    assert all(copy.paragraphs[:-1] == russian[copy.title] for copy in copies)


def test_published_time_falls_on_the_same_day_in_utc_and_local_time(site: DemoSite) -> None:
    for truth in site.articles():
        assert truth.published_at.utcoffset() is not None
        assert truth.published_at.date() == truth.published_at.astimezone(UTC).date(), truth.path


def test_articles_come_in_published_then_path_order(site: DemoSite) -> None:
    keys = [(t.published_at, t.path) for t in site.articles()]
    assert keys == sorted(keys)


def test_seed_variants_exist_only_when_their_day_is_in_range() -> None:
    later = build_site(SiteConfig(start_date=date(2025, 5, 16), days=1, articles_per_day=2))
    kinds = {t.kind for t in later.articles()}
    assert "seed_es" in kinds
    assert not kinds & {"seed", "seed_noisy", "seed_ru", "unavailable", "missing"}


def test_large_site_builds_and_serves() -> None:
    large = build_site(SiteConfig(days=30, articles_per_day=70))
    assert len(large.entries()) > 10_500
    newest = large.entries("de")[-1]
    assert large.response(newest.path)[0] == 200
