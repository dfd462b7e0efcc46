-- Link the given articles (by URL) with the articles they share most paragraphs with: the later one
-- (by publication time, then URL) is the copy of the earlier. A paragraph is shared when the other article
-- carries it or a near-duplicate of it (paragraph_near_duplicates: a copy with a typo fixed is still a
-- copy); similarity is the Jaccard share of paragraphs. It reads the paragraph lists and near-duplicate
-- links (not the boilerplate marks, which change as more days load), so load order does not matter. Links
-- of these articles that no longer hold are removed; unchanged links are not rewritten.
-- A small, frequent statement: JIT compilation (hundreds of ms when the planner overestimates) costs
-- more than it saves.
set local jit = off;

with batch as materialized (
    select article_id
    from articles
    where url = any(%(urls)s)
),

mine as materialized (
    select ap.article_id, ap.paragraph_key
    from batch as b
    inner join article_paragraphs as ap on ap.article_id = b.article_id
),

counterparts as (
    select paragraph_key, paragraph_key as other_key
    from mine
    union
    select n.paragraph_key, n.similar_key
    from paragraph_near_duplicates as n
    where n.paragraph_key in (select paragraph_key from mine)
    union
    select n.similar_key, n.paragraph_key
    from paragraph_near_duplicates as n
    where n.similar_key in (select paragraph_key from mine)
),

-- one row per batch article, own paragraph and a paragraph that counts as the same; materialized, so the
-- articles carrying them are then found through the paragraph index, never by pairing every batch
-- paragraph with every stored one (a plan the planner chose once the warehouse held 10,000 articles)
reached as materialized (
    select distinct m.article_id, m.paragraph_key, c.other_key
    from mine as m
    inner join counterparts as c on c.paragraph_key = m.paragraph_key
),

matches as (
    select
        r.article_id,
        other.article_id as other_id,
        r.paragraph_key,
        other.paragraph_key as other_key
    from reached as r
    inner join article_paragraphs as other on other.paragraph_key = r.other_key
    where other.article_id <> r.article_id
),

shared as (
    -- the smaller side, so that a pair scores the same from either article
    select
        article_id,
        other_id,
        least(count(distinct paragraph_key), count(distinct other_key)) as shared_paragraphs
    from matches
    group by article_id, other_id
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
