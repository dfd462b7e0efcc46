-- Top stories of a day (UTC): one row per original story published that day, the most re-published first.
-- A story is an article that copies no earlier one; its copies are the articles linked to it.
with stories as (
    select article_id, source_name, title, published_at, paragraph_count
    from article_text
    where duplicate_of is null
        and (published_at at time zone 'UTC')::date = date '2025-05-15'
),

copies as (
    select
        d.duplicate_of as article_id,
        count(*) as copies,
        count(distinct a.source_name) as copying_sources
    from article_duplicates as d
    inner join articles as a on a.article_id = d.article_id
    group by d.duplicate_of
)

select
    s.source_name,
    s.published_at,
    s.title,
    coalesce(c.copies, 0) as copies,
    coalesce(c.copying_sources, 0) as copying_sources
from stories as s
left join copies as c on c.article_id = s.article_id
order by copies desc, s.paragraph_count desc, s.published_at, s.article_id
limit 10;
