-- Stories published by several sources: one row per original story that another source re-published.
with copies as (
    select
        d.duplicate_of as article_id,
        array_agg(distinct a.source_name order by a.source_name) as copied_by,
        max(d.similarity) as best_similarity
    from article_duplicates as d
    inner join articles as a on a.article_id = d.article_id
    group by d.duplicate_of
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
    and not exists (select 1 from article_duplicates as d where d.article_id = o.article_id)
order by sources desc, o.published_at, o.url;
