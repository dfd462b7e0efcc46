-- Recompute daily_source_stats for the UTC days in [day_start, day_end); re-running gives the same rows.
with day_articles as (
    -- one row per source and UTC publication day
    select
        a.source_name,
        (a.published_at at time zone 'UTC')::date as day,
        count(*) as articles,
        sum(a.paragraph_count) as paragraphs,
        sum(a.repeats_removed) as repeats_removed
    from articles as a
    where a.published_at >= %(day_start)s and a.published_at < %(day_end)s
    group by a.source_name, (a.published_at at time zone 'UTC')::date
),

stale as (
    delete from daily_source_stats as s
    where s.day >= (%(day_start)s at time zone 'UTC')::date
        and s.day < (%(day_end)s at time zone 'UTC')::date
        and not exists (select 1 from day_articles as d where d.source_name = s.source_name and d.day = s.day)
)

insert into daily_source_stats (source_name, day, articles, paragraphs, repeats_removed)
select source_name, day, articles, paragraphs, repeats_removed
from day_articles
on conflict (source_name, day) do update set
    articles = excluded.articles,
    paragraphs = excluded.paragraphs,
    repeats_removed = excluded.repeats_removed,
    refreshed_at = now();
