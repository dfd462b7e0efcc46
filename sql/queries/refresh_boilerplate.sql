-- Recompute one source's boilerplate from article_paragraphs: a paragraph carried by at least
-- %(min_articles)s articles of the source published on at least %(min_days)s distinct UTC days.
-- A function of the stored articles only, so load order, re-runs and backfills give the same rows;
-- rows whose counts did not change are not rewritten.
with occurrences as (
    select
        ap.paragraph_key,
        (coalesce(a.published_at, a.fetched_at) at time zone 'UTC')::date as day
    from articles as a
    inner join article_paragraphs as ap on ap.article_id = a.article_id
    where a.source_name = %(source_name)s
),

recurring as (
    select
        paragraph_key,
        count(*) as articles,
        count(distinct day) as days,
        min(day) as first_seen_on,
        max(day) as last_seen_on
    from occurrences
    group by paragraph_key
    having count(*) >= %(min_articles)s and count(distinct day) >= %(min_days)s
),

removed as (
    delete from boilerplate_paragraphs as b
    where b.source_name = %(source_name)s
        and not exists (select 1 from recurring as r where r.paragraph_key = b.paragraph_key)
    returning b.paragraph_key
)

insert into boilerplate_paragraphs as b (source_name, paragraph_key, articles, days, first_seen_on, last_seen_on)
select %(source_name)s, paragraph_key, articles, days, first_seen_on, last_seen_on
from recurring
order by paragraph_key
on conflict (source_name, paragraph_key) do update set
    articles = excluded.articles,
    days = excluded.days,
    first_seen_on = excluded.first_seen_on,
    last_seen_on = excluded.last_seen_on,
    marked_at = now()
where (b.articles, b.days, b.first_seen_on, b.last_seen_on)
    is distinct from (excluded.articles, excluded.days, excluded.first_seen_on, excluded.last_seen_on);
