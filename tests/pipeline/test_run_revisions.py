"""``etl.pipeline.run`` over a site that revises an article between two nightly runs: the re-crawl's conditional
GETs find the one changed page, and the article keeps its identity with its earlier state as a revision."""

from __future__ import annotations

from pathlib import Path

import psycopg2

from etl.pipeline.run import run_source
from tests.factories import DEMO_ARTICLE_BASE, MAY_15, settings_for, stored_paragraphs
from tests.revised_site import CORRECTION, revised_entry, running_revised_site


def test_a_headline_changed_between_two_runs_becomes_a_revision(
    clean_database: str, db: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    with running_revised_site() as (running, revised):
        settings = settings_for(clean_database, running, tmp_path / "newsetl")
        entry = revised_entry(running.site)
        url = DEMO_ARTICLE_BASE + entry.path
        first = run_source(settings, "demo-en", MAY_15)
        with db.cursor() as cur:
            cur.execute("select article_id, fetched_at from articles where url = %s", (url,))
            article_id, first_fetched_at = cur.fetchone()
            cur.execute("select count(*) from articles")
            articles = cur.fetchone()[0]
        db.commit()
        revised.revise(entry.path, entry.title + " (corrected)")
        second = run_source(settings, "demo-en", MAY_15)
    assert (first.status, second.status) == ("success", "success")
    assert revised.not_modified == articles - 1  # every other page answered 304
    with db.cursor() as cur:
        cur.execute("select article_id, title from articles where url = %s", (url,))
        assert cur.fetchone() == (article_id, entry.title + " (corrected)")
        cur.execute("select count(*) from articles")
        assert cur.fetchone()[0] == articles
        cur.execute("select url, revision, is_current, title from article_revisions where revision > 1")
        assert cur.fetchall() == [(url, 2, True, entry.title + " (corrected)")]
        cur.execute(
            "select from_fetched_at, headline_changed, old_title, new_title, paragraphs_added, paragraphs_removed "
            "from article_revision_changes"
        )
        assert cur.fetchall() == [(first_fetched_at, True, entry.title, entry.title + " (corrected)", [CORRECTION], [])]
    assert stored_paragraphs(db, url)[-1] == CORRECTION
