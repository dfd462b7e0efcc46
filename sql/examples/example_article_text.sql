-- The ten newest articles with their deduplicated text, boilerplate left out: one row per article.
select
    source_name,
    published_at,
    title,
    body_text
from article_text
order by published_at desc nulls last, article_id
limit 10;
