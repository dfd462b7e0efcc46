-- Top stories of a day (UTC): one row per original story published that day, the most re-published first.
-- A story is an article that copies no earlier one; its copies are the articles whose duplicate_of leads to
-- it (directly, or through a copy that loaded before the original did).
with recursive story_of as (
    select d.article_id, d.duplicate_of as story_id
    from article_duplicates as d
    where not exists (select 1 from article_duplicates as o where o.article_id = d.duplicate_of)
    union
    select d.article_id, s.story_id
    from article_duplicates as d
    inner join story_of as s on s.article_id = d.duplicate_of
),

stories as (
    select article_id, source_name, title, published_at, paragraph_count
    from article_text
    where duplicate_of is null
        and (published_at at time zone 'UTC')::date = date '2025-05-15'
),

-- copies counts every copy; copying_sources only the other sources that re-published the story (a source's
-- own updated copy under a new URL is a copy, not another source)
copies as (
    select
        s.story_id as article_id,
        count(*) as copies,
        count(distinct a.source_name) filter (where a.source_name <> o.source_name) as copying_sources
    from story_of as s
    inner join articles as a on a.article_id = s.article_id
    inner join articles as o on o.article_id = s.story_id
    group by s.story_id
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
