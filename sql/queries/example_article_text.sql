-- The ten newest articles with their deduplicated text: one row per article.
with newest as (
    select article_id, source_name, url, title, published_at
    from articles
    order by published_at desc nulls last, article_id
    limit 10
)

select
    n.source_name,
    n.published_at,
    n.title,
    string_agg(p.text, E'\n\n' order by ap.position) as body_text
from newest as n
inner join article_paragraphs as ap on ap.article_id = n.article_id
inner join paragraphs as p on p.paragraph_key = ap.paragraph_key
group by n.article_id, n.source_name, n.published_at, n.title
order by n.published_at desc nulls last, n.article_id;
