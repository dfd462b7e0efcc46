-- Add the batch's captures of the articles this source owns, one per article and fetched_at. A capture loaded
-- again with other content is a re-extraction of the same fetch (reprocess: same fetched_at, newer extraction
-- code), replaced in place, never a new revision; loaded again unchanged, it is left as it is. Records in
-- load_captured the articles whose captures were added or replaced: only those are recomputed.
with keys as (
    select url, fetched_at, array_agg(paragraph_key order by position) as paragraph_keys
    from load_paragraphs
    group by url, fetched_at
),

captured as (
    insert into article_captures as c (
        article_id, fetched_at, title, published_at, published_utc_offset_min, language, authors, section,
        publisher, body_hash, paragraph_keys, repeats_removed, run_id
    )
    select
        a.article_id, l.fetched_at, l.title, l.published_at, l.published_utc_offset_min, l.language, l.authors,
        l.section, l.publisher, l.body_hash, coalesce(k.paragraph_keys, '{}'), l.repeats_removed, %(run_id)s
    from load_articles as l
    inner join articles as a on a.url = l.url and a.source_name = l.source_name
    left join keys as k on k.url = l.url and k.fetched_at = l.fetched_at
    order by a.article_id, l.fetched_at
    on conflict (article_id, fetched_at) do update set
        title = excluded.title,
        published_at = excluded.published_at,
        published_utc_offset_min = excluded.published_utc_offset_min,
        language = excluded.language,
        authors = excluded.authors,
        section = excluded.section,
        publisher = excluded.publisher,
        body_hash = excluded.body_hash,
        paragraph_keys = excluded.paragraph_keys,
        repeats_removed = excluded.repeats_removed,
        run_id = excluded.run_id
    where (c.title, c.published_at, c.published_utc_offset_min, c.language, c.authors, c.section, c.publisher,
           c.body_hash, c.paragraph_keys, c.repeats_removed)
        is distinct from
          (excluded.title, excluded.published_at, excluded.published_utc_offset_min, excluded.language,
           excluded.authors, excluded.section, excluded.publisher, excluded.body_hash, excluded.paragraph_keys,
           excluded.repeats_removed)
    returning c.article_id
)

insert into load_captured (article_id)
select distinct article_id
from captured;
