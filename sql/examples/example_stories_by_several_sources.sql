-- Stories published by several sources: one row per original story that another source re-published.
-- A copy's duplicate_of leads to its story directly, or through a copy that loaded before the original did.
with recursive story_of as (
    select d.article_id, d.duplicate_of as story_id, d.similarity
    from article_duplicates as d
    where not exists (select 1 from article_duplicates as o where o.article_id = d.duplicate_of)
    union
    select d.article_id, s.story_id, d.similarity
    from article_duplicates as d
    inner join story_of as s on s.article_id = d.duplicate_of
),

copies as (
    select
        s.story_id as article_id,
        array_agg(distinct a.source_name order by a.source_name) as copied_by,
        max(s.similarity) as best_similarity
    from story_of as s
    inner join articles as a on a.article_id = s.article_id
    group by s.story_id
)

select
    o.source_name,
    o.published_at,
    o.title,
    c.copied_by,
    1 + cardinality(array_remove(c.copied_by, o.source_name)) as sources,
    c.best_similarity
from copies as c
inner join articles as o on o.article_id = c.article_id
where c.copied_by <> array[o.source_name]
order by sources desc, o.published_at, o.url;
