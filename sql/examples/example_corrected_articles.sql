-- Corrected articles of a day: one row per article published that day (UTC) whose page changed after it was
-- first captured (headline or text), with its first and current headline and what its revisions changed in all.
-- For the corrections captured on a day instead, filter on to_fetched_at.
with changes as (
    select
        article_id,
        count(*) as revisions_after_first,
        bool_or(headline_changed) as headline_changed,
        sum(cardinality(paragraphs_added)) as paragraphs_added,
        sum(cardinality(paragraphs_removed)) as paragraphs_removed,
        max(to_fetched_at) as last_changed_at
    from article_revision_changes
    group by article_id
),

first_titles as (
    select article_id, title as first_title
    from article_revisions
    where revision = 1
)

select
    a.source_name,
    a.published_at,
    f.first_title,
    a.title as current_title,
    c.revisions_after_first,
    c.headline_changed,
    c.paragraphs_added,
    c.paragraphs_removed,
    c.last_changed_at,
    a.url
from articles as a
inner join changes as c on c.article_id = a.article_id
inner join first_titles as f on f.article_id = a.article_id
where (a.published_at at time zone 'UTC')::date = date '2025-05-15'
order by c.last_changed_at desc, a.article_id;
