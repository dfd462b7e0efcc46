-- Link the given articles (by URL) with the articles they share most paragraphs with: the later one
-- (by publication time, then URL) is the copy of the earlier. A paragraph is shared when the other article
-- carries it or a near-duplicate of it (paragraph_near_duplicates: a copy with a typo fixed is still a
-- copy); similarity is the Jaccard share of paragraphs. It reads the paragraph lists and near-duplicate
-- links (not the boilerplate marks, which change as more days load), so load order does not matter. Links
-- of these articles that no longer hold are removed; unchanged links are not rewritten.
-- Candidates come from each article's rarest paragraphs only (prefix filtering): a pair with Jaccard
-- similarity >= t shares at least t * |A| of A's paragraphs, so it shares one of any |A| - floor(t * |A|) + 1
-- of them. Taking the rarest keeps a paragraph carried by thousands of articles (a source's boilerplate
-- line) from pairing every batch article with all of them, which made this step grow with the warehouse.
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

carriers as materialized (
    select
        k.paragraph_key,
        (select count(*) from article_paragraphs as x where x.paragraph_key = k.paragraph_key) as articles
    from (select distinct paragraph_key from mine) as k
),

ranked as (
    select
        m.article_id,
        m.paragraph_key,
        row_number() over (partition by m.article_id order by c.articles, m.paragraph_key) as rarity,
        count(*) over (partition by m.article_id) as paragraphs
    from mine as m
    inner join carriers as c on c.paragraph_key = m.paragraph_key
),

probes as (
    select article_id, paragraph_key
    from ranked
    where rarity <= paragraphs - floor(%(min_similarity)s * paragraphs) + 1
),

counterparts as materialized (
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

-- lateral lookups: each probe and pair is found through an index, whatever the planner estimates for the
-- CTEs (a join let it scan the whole paragraph index per batch)
candidates as materialized (
    select distinct p.article_id, other.article_id as other_id
    from probes as p
    inner join counterparts as c on c.paragraph_key = p.paragraph_key
    cross join lateral (
        select x.article_id
        from article_paragraphs as x
        where x.paragraph_key = c.other_key and x.article_id <> p.article_id
        offset 0  -- kept a subquery: never flattened into a join the planner may turn into a scan
    ) as other
),

-- one row per batch article, own paragraph and a paragraph that counts as the same
reached as materialized (
    select distinct m.article_id, m.paragraph_key, c.other_key
    from mine as m
    inner join counterparts as c on c.paragraph_key = m.paragraph_key
),

-- every shared paragraph of a candidate pair, looked up by (article, paragraph) in the unique index
matches as (
    select
        r.article_id,
        cand.other_id,
        r.paragraph_key,
        other.paragraph_key as other_key
    from candidates as cand
    inner join reached as r on r.article_id = cand.article_id
    cross join lateral (
        select x.paragraph_key
        from article_paragraphs as x
        where x.article_id = cand.other_id and x.paragraph_key = r.other_key
        offset 0
    ) as other
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
