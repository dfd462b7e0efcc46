-- 0014: one story link per copy, so that linking a new article costs the same however often its story was
-- copied.
-- Grain: article_duplicates (one row per copy: the earliest article it was found to copy).
--
-- Before, every pair of copies of a story had a row: the 34th copy of a syndicated story was compared with,
-- and linked to, the 33 before it, and the story step's time per article grew with the warehouse (3.7x per
-- article from 1,000 to 10,000 real pages, benchmarks/real_pages.py). Now a copy is compared with the first
-- few articles loaded that carry its rarest paragraphs and the articles they copy, and keeps one row: the
-- earliest of them it copies (sql/queries/link_article_duplicates.sql). Which articles are copies (have a
-- row) is unchanged; the stories are the articles without a row, as before.
-- Existing rows are reduced to that one per copy: the earliest article (by publication time, then URL) it
-- was linked to.

delete from article_duplicates as d
using (
    select distinct on (x.article_id) x.article_id, x.duplicate_of
    from article_duplicates as x
    inner join articles as o on o.article_id = x.duplicate_of
    order by x.article_id, coalesce(o.published_at, o.fetched_at), o.url
) as kept
where d.article_id = kept.article_id and d.duplicate_of <> kept.duplicate_of;

alter table article_duplicates drop constraint article_duplicates_pkey;
alter table article_duplicates add constraint article_duplicates_pkey primary key (article_id);

comment on table article_duplicates is 'One row per article that re-publishes an earlier one (syndication, mirrors): count stories as articles without a row here. A copy points at the earliest article it was found to copy, which may itself be a copy when its story''s original loaded after it (follow duplicate_of to an article without a row to reach the story).';
comment on column article_duplicates.duplicate_of is 'The earliest article it was found to re-publish (by published_at, then URL).';
comment on column article_text.duplicate_of is 'The earlier article this one re-publishes (article_duplicates), null for an original story.';
