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

-- Every row is reached through an index, a bounded number per batch article and paragraph: the batch
-- articles by URL, their paragraphs by article, carriers and pairs by paragraph, the pair's articles by id.
-- Each lookup is a lateral subquery kept apart (offset 0), so a planner misled by the estimates of the
-- CTEs cannot turn one into a scan of a whole table: at 3,000 articles it had merged all of
-- article_paragraphs and nested a scan of the batch's counterparts inside each probe, 30x the time per
-- article of 1,000.
with batch as materialized (
    select a.article_id
    from unnest(%(urls)s::text []) as given (url)
    cross join lateral (
        select x.article_id from articles as x where x.url = given.url
        offset 0
    ) as a
),

mine as materialized (
    select b.article_id, ap.paragraph_key
    from batch as b
    cross join lateral (
        select x.paragraph_key from article_paragraphs as x where x.article_id = b.article_id
        offset 0
    ) as ap
),

-- how many articles carry each paragraph, counted up to 1,000: enough to rank a batch article's paragraphs by
-- rarity (any |A| - floor(t * |A|) + 1 of them are valid probes), and a bounded lookup for a line thousands
-- of articles repeat
carriers as materialized (
    select
        k.paragraph_key,
        (
            select count(*)
            from (select 1 from article_paragraphs as x where x.paragraph_key = k.paragraph_key limit 1000) as c
        ) as articles
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

-- each batch paragraph and the paragraphs that count as the same (itself and its linked near-duplicates),
-- looked up by key in either column of paragraph_near_duplicates
counterparts as materialized (
    select k.paragraph_key, c.other_key
    from (select distinct paragraph_key from mine) as k
    cross join lateral (
        select k.paragraph_key as other_key
        union
        select n.similar_key from paragraph_near_duplicates as n where n.paragraph_key = k.paragraph_key
        union
        select n.paragraph_key from paragraph_near_duplicates as n where n.similar_key = k.paragraph_key
    ) as c
),

-- each probe's counterparts looked up again rather than joined with the CTE: the planner, estimating it
-- small, scanned the whole of it once per probe (15,000 x 8,000 rows a batch)
candidates as materialized (
    select distinct p.article_id, other.article_id as other_id
    from probes as p
    cross join lateral (
        select p.paragraph_key as other_key
        union
        select n.similar_key from paragraph_near_duplicates as n where n.paragraph_key = p.paragraph_key
        union
        select n.paragraph_key from paragraph_near_duplicates as n where n.similar_key = p.paragraph_key
    ) as c
    cross join lateral (
        select x.article_id
        from article_paragraphs as x
        where x.paragraph_key = c.other_key and x.article_id <> p.article_id
        offset 0
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
    cross join lateral (
        select x.article_id, x.paragraph_count, x.published_at, x.fetched_at, x.url
        from articles as x where x.article_id = s.article_id
        offset 0
    ) as a
    cross join lateral (
        select x.article_id, x.paragraph_count, x.published_at, x.fetched_at, x.url
        from articles as x where x.article_id = s.other_id
        offset 0
    ) as o
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
