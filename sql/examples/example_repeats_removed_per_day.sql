-- Repeats removed per day (UTC): one row per day, over all sources; within-article repeats dropped and
-- boilerplate paragraphs left out of article_text.
select
    day,
    sum(articles) as articles,
    sum(paragraphs) as paragraphs,
    sum(repeats_removed) as repeats_removed,
    sum(boilerplate_paragraphs) as boilerplate_paragraphs,
    sum(copies) as copies
from daily_source_stats
where articles > 0
group by day
order by day;
