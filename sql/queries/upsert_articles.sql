-- Insert new articles and update those whose content or metadata changed; an unchanged article is left
-- as it is (its row is still locked for this transaction, so concurrent loads of it serialise).
-- Records in load_changed the articles whose paragraphs must be (re)written.
with upserted as (
    insert into articles as a (
        source_name, url, title, published_at, language, authors, section,
        fetched_at, body_hash, paragraph_count, repeats_removed, run_id
    )
    select
        source_name, url, title, published_at, language, authors, section,
        fetched_at, body_hash, paragraph_count, repeats_removed, %(run_id)s
    from load_articles
    order by url
    on conflict (url) do update set
        source_name = excluded.source_name,
        title = excluded.title,
        published_at = excluded.published_at,
        language = excluded.language,
        authors = excluded.authors,
        section = excluded.section,
        fetched_at = excluded.fetched_at,
        body_hash = excluded.body_hash,
        paragraph_count = excluded.paragraph_count,
        repeats_removed = excluded.repeats_removed,
        run_id = excluded.run_id
    where (a.source_name, a.title, a.published_at, a.language, a.authors, a.section,
           a.body_hash, a.repeats_removed)
        is distinct from
          (excluded.source_name, excluded.title, excluded.published_at, excluded.language,
           excluded.authors, excluded.section, excluded.body_hash, excluded.repeats_removed)
    returning a.article_id, a.url
)
insert into load_changed (article_id, url)
select article_id, url
from upserted;
