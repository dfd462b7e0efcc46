-- Insert new articles and update those whose content or metadata changed; an unchanged article is left
-- as it is (its row is still locked for this transaction, so concurrent loads of it serialise).
-- The first source to load an article owns it: another source listing the same URL leaves the row (its
-- source_name, run_id, fetched_at, text) as it is. Records in load_changed the articles whose paragraphs must
-- be (re)written. Keyed by url_key(url): URLs of any length.
with upserted as (
    insert into articles as a (
        source_name, url, title, published_at, published_utc_offset_min, language, authors, section, publisher,
        fetched_at, body_hash, paragraph_count, repeats_removed, run_id
    )
    select
        source_name, url, title, published_at, published_utc_offset_min, language, authors, section, publisher,
        fetched_at, body_hash, paragraph_count, repeats_removed, %(run_id)s
    from load_articles
    order by url
    on conflict (url_key(url)) do update set
        title = excluded.title,
        published_at = excluded.published_at,
        published_utc_offset_min = excluded.published_utc_offset_min,
        language = excluded.language,
        authors = excluded.authors,
        section = excluded.section,
        publisher = excluded.publisher,
        fetched_at = excluded.fetched_at,
        body_hash = excluded.body_hash,
        paragraph_count = excluded.paragraph_count,
        repeats_removed = excluded.repeats_removed,
        run_id = excluded.run_id
    where a.source_name = excluded.source_name
        and (a.title, a.published_at, a.published_utc_offset_min, a.language, a.authors, a.section, a.publisher,
             a.body_hash, a.repeats_removed)
        is distinct from
          (excluded.title, excluded.published_at, excluded.published_utc_offset_min, excluded.language,
           excluded.authors, excluded.section, excluded.publisher, excluded.body_hash, excluded.repeats_removed)
    returning a.article_id, a.url
)
insert into load_changed (article_id, url)
select article_id, url
from upserted;
