-- Copy the daily_source_stats view into daily_source_stats_snapshot for the UTC days in [day_start, day_end).
-- Rows that did not change are not rewritten, so re-running gives the same rows.
with fresh as (
    select source_name, day, articles, copies, paragraphs, repeats_removed, boilerplate_paragraphs, failures
    from daily_source_stats
    where day >= (%(day_start)s at time zone 'UTC')::date
        and day < (%(day_end)s at time zone 'UTC')::date
),

stale as (
    delete from daily_source_stats_snapshot as s
    where s.day >= (%(day_start)s at time zone 'UTC')::date
        and s.day < (%(day_end)s at time zone 'UTC')::date
        and not exists (select 1 from fresh as f where f.source_name = s.source_name and f.day = s.day)
)

insert into daily_source_stats_snapshot as s (
    source_name, day, articles, copies, paragraphs, repeats_removed, boilerplate_paragraphs, failures
)
select source_name, day, articles, copies, paragraphs, repeats_removed, boilerplate_paragraphs, failures
from fresh
on conflict (source_name, day) do update set
    articles = excluded.articles,
    copies = excluded.copies,
    paragraphs = excluded.paragraphs,
    repeats_removed = excluded.repeats_removed,
    boilerplate_paragraphs = excluded.boilerplate_paragraphs,
    failures = excluded.failures,
    refreshed_at = now()
where (s.articles, s.copies, s.paragraphs, s.repeats_removed, s.boilerplate_paragraphs, s.failures)
    is distinct from (
        excluded.articles, excluded.copies, excluded.paragraphs, excluded.repeats_removed,
        excluded.boilerplate_paragraphs, excluded.failures
    );
