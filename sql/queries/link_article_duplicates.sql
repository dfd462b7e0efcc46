-- Link the given articles (by URL) as copies of the earliest article they share most paragraphs with, and
-- the articles that copy them: one row per copy (article_duplicates' primary key), pointing at an earlier
-- article (by publication time, then URL). A paragraph is shared when the other article carries it or a
-- near-duplicate of it (paragraph_near_duplicates: a copy with a typo fixed is still a copy); similarity is
-- the Jaccard share of paragraphs. It reads the paragraph lists and near-duplicate links (not the boilerplate
-- marks, which change as more days load). Links of these articles that no longer hold are removed (a copy
-- of one of them so unlinked is named in the result, to be linked next); unchanged links are not rewritten.
--
-- The work per article is bounded, whatever the warehouse holds and however often a story was copied:
-- - candidates come from each article's rarest paragraphs only (prefix filtering): a pair with Jaccard
--   similarity >= t shares at least t * |A| of A's paragraphs, so it shares one of any
--   |A| - floor(t * |A|) + 1 of them;
-- - of the articles carrying such a paragraph, only the first few loaded (lowest article_id;
--   DedupSettings.article_duplicate_probe_carriers) are compared, with the articles they copy: a story's original is loaded before its copies when runs
--   follow the calendar, and every later copy then links to it. A copy's own copies need not be compared:
--   they point at it or at its original. When the original of a story already copied more than that many
--   times loads last (a backfill), the copies it was not compared with keep pointing at a copy that now
--   points at it; follow duplicate_of to an article without a row to reach the story (the example queries
--   do);
-- - the articles that copy these articles are compared again, so that a changed text unlinks them.
-- So which articles are copies does not depend on load order; which earlier article a copy points at may,
-- for stories copied more than that many times.
-- A small, frequent statement: JIT compilation (hundreds of ms when the planner overestimates) costs
-- more than it saves.
set local jit = off;

-- Every row is reached through an index, a bounded number per batch article and paragraph: the batch
-- articles by URL, their paragraphs by article, carriers by paragraph, the pair's articles by id.
-- Each lookup is a lateral subquery kept apart (offset 0), so a planner misled by the estimates of the
-- CTEs cannot turn one into a scan of a whole table.
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

-- how many other articles carry each paragraph, counted up to the number compared: enough to rank a batch
-- article's paragraphs by rarity (any |A| - floor(t * |A|) + 1 of them are valid probes)
carriers as materialized (
    select
        k.paragraph_key,
        (
            select count(*)
            from (
                select 1 from article_paragraphs as x where x.paragraph_key = k.paragraph_key
                limit %(probe_carriers)s + 1
            ) as c
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

-- the first articles loaded that carry a probe or a paragraph that counts as the same, read in order from
-- the (paragraph_key, article_id) index; each probe's counterparts are looked up again rather than joined
-- with the CTE: the planner, estimating it small, scanned the whole of it once per probe
carrying as materialized (
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
        order by x.article_id
        limit %(probe_carriers)s
    ) as other
),

-- those articles, the articles they copy, and the articles that copy a batch article (compared again)
candidates as materialized (
    select c.article_id, c.other_id
    from carrying as c
    union
    select c.article_id, d.duplicate_of
    from carrying as c
    cross join lateral (
        select x.duplicate_of from article_duplicates as x where x.article_id = c.other_id
        offset 0
    ) as d
    where d.duplicate_of <> c.article_id
    union
    select b.article_id, d.article_id
    from batch as b
    cross join lateral (
        select x.article_id from article_duplicates as x where x.duplicate_of = b.article_id
        offset 0
    ) as d
),

-- one row per batch article, own paragraph and a paragraph that counts as the same
reached as materialized (
    select distinct m.article_id, m.paragraph_key, c.other_key
    from mine as m
    inner join counterparts as c on c.paragraph_key = m.paragraph_key
),

-- every shared paragraph of a candidate pair, looked up by (paragraph, article) in the unique index
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
        (a.published, a.url) > (o.published, o.url) as later,
        a.article_id,
        a.published as article_published,
        a.url as article_url,
        o.article_id as other_id,
        o.published as other_published,
        o.url as other_url
    from shared as s
    cross join lateral (
        select x.article_id, x.paragraph_count, coalesce(x.published_at, x.fetched_at) as published, x.url
        from articles as x where x.article_id = s.article_id
        offset 0
    ) as a
    cross join lateral (
        select x.article_id, x.paragraph_count, coalesce(x.published_at, x.fetched_at) as published, x.url
        from articles as x where x.article_id = s.other_id
        offset 0
    ) as o
),

-- every verified pair as (copy, the earlier article it copies)
pairs as (
    select distinct
        case when later then article_id else other_id end as article_id,
        case when later then other_id else article_id end as duplicate_of,
        case when later then other_published else article_published end as original_published,
        case when later then other_url else article_url end as original_url,
        similarity,
        shared_paragraphs
    from scored
    where similarity >= %(min_similarity)s
),

-- what each copy could point at: the pairs just verified, and the stored link of a copy outside the batch
-- (unless it points at a batch article: that pair was verified again above)
offers as (
    select article_id, duplicate_of, original_published, original_url, similarity, shared_paragraphs
    from pairs
    union all
    select d.article_id, d.duplicate_of, o.published, o.url, d.similarity, d.shared_paragraphs
    from (select distinct p.article_id from pairs as p) as copy
    cross join lateral (
        select x.article_id, x.duplicate_of, x.similarity, x.shared_paragraphs
        from article_duplicates as x where x.article_id = copy.article_id
        offset 0
    ) as d
    cross join lateral (
        select coalesce(x.published_at, x.fetched_at) as published, x.url
        from articles as x where x.article_id = d.duplicate_of
        offset 0
    ) as o
    where not exists (select 1 from batch as b where b.article_id = d.article_id or b.article_id = d.duplicate_of)
),

-- each copy points at the earliest article it copies
chosen as (
    select distinct on (article_id) article_id, duplicate_of, similarity, shared_paragraphs
    from offers
    order by article_id, original_published, original_url
),

removed as (
    delete from article_duplicates as d
    using batch as b
    where (d.article_id = b.article_id or d.duplicate_of = b.article_id)
        and not exists (select 1 from chosen as c where c.article_id = d.article_id)
    returning d.article_id
),

written as (
    insert into article_duplicates as d (article_id, duplicate_of, similarity, shared_paragraphs)
    select article_id, duplicate_of, similarity, shared_paragraphs
    from chosen
    order by article_id
    on conflict (article_id) do update set
        duplicate_of = excluded.duplicate_of,
        similarity = excluded.similarity,
        shared_paragraphs = excluded.shared_paragraphs,
        linked_at = now()
    where (d.duplicate_of, d.similarity, d.shared_paragraphs)
        is distinct from (excluded.duplicate_of, excluded.similarity, excluded.shared_paragraphs)
    returning d.article_id
)

-- rows written, and the URLs of the copies outside the batch whose link to a batch article no longer holds:
-- they may copy another article, which they are compared with next (etl.dedup.copies)
select
    (select count(*) from written) + (select count(*) from removed) as changed,
    array(
        select a.url
        from removed as r
        inner join articles as a on a.article_id = r.article_id
        where not exists (select 1 from batch as b where b.article_id = r.article_id)
        order by a.url
    ) as unlinked;
