-- Articles per source and publication day (UTC): one row per source and day.
select
    source_name,
    (published_at at time zone 'UTC')::date as published_day,
    count(*) as articles,
    sum(paragraph_count) as paragraphs,
    sum(repeats_removed) as repeats_removed
from articles
group by source_name, published_day
order by published_day, source_name;
