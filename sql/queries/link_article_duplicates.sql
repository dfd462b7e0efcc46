-- Link the given articles (by URL) with the articles they share most paragraphs with: the later one
-- (by publication time, then URL) is the copy of the earlier. Similarity is the Jaccard share of
-- paragraphs. It reads only the two articles' paragraph lists (not the boilerplate marks, which change as
-- more days load), so load order does not matter. Links of these articles that no longer hold are
-- removed; unchanged links are not rewritten.
with batch as (
    select article_id
    from articles
    where url = any(%(urls)s)
),

shared as (
    select
        mine.article_id,
        other.article_id as other_id,
        count(*) as shared_paragraphs
    from batch as b
    inner join article_paragraphs as mine on mine.article_id = b.article_id
    inner join article_paragraphs as other
        on other.paragraph_key = mine.paragraph_key and other.article_id <> mine.article_id
    group by mine.article_id, other.article_id
),

scored as (
    select
        s.shared_paragraphs,
        s.shared_paragraphs::real / (a.paragraph_count + o.paragraph_count - s.shared_paragraphs) as similarity,
        (coalesce(a.published_at, a.fetched_at), a.url) > (coalesce(o.published_at, o.fetched_at), o.url) as later,
        a.article_id,
        o.article_id as other_id
    from shared as s
    inner join articles as a on a.article_id = s.article_id
    inner join articles as o on o.article_id = s.other_id
),

pairs as (
    select distinct
        case when later then article_id else other_id end as article_id,
        case when later then other_id else article_id end as duplicate_of,
        similarity,
        shared_paragraphs
    from scored
    where similarity >= %(min_similarity)s
),

removed as (
    delete from article_duplicates as d
    using batch as b
    where (d.article_id = b.article_id or d.duplicate_of = b.article_id)
        and not exists (
            select 1 from pairs as p where p.article_id = d.article_id and p.duplicate_of = d.duplicate_of
        )
    returning d.article_id
)

insert into article_duplicates as d (article_id, duplicate_of, similarity, shared_paragraphs)
select article_id, duplicate_of, similarity, shared_paragraphs
from pairs
order by article_id, duplicate_of
on conflict (article_id, duplicate_of) do update set
    similarity = excluded.similarity,
    shared_paragraphs = excluded.shared_paragraphs,
    linked_at = now()
where (d.similarity, d.shared_paragraphs) is distinct from (excluded.similarity, excluded.shared_paragraphs);
