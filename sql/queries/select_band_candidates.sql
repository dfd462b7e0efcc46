-- Near-duplicate candidates of the pending paragraphs staged in load_bands: other paragraphs sharing at
-- least one band key. One row per (paragraph, candidate), with the candidate's text.
-- A small, frequent statement: JIT compilation (hundreds of ms when the planner overestimates) costs
-- more than it saves.
set local jit = off;

with candidates as (
    select distinct
        mine.paragraph_key,
        other.paragraph_key as other_key
    from load_bands as mine
    -- each pending paragraph looked up in the GIN index (one probe per band key), whatever the planner
    -- estimates for the unanalysed staging table
    cross join lateral (
        select o.paragraph_key
        from paragraph_bands as o
        where o.band_keys && mine.band_keys and o.paragraph_key <> mine.paragraph_key
        offset 0  -- kept a subquery: never flattened into a join the planner may turn into a scan
    ) as other
)

-- each candidate's text looked up by key: a join let the planner hash the whole paragraphs table per batch
select
    c.paragraph_key,
    c.other_key,
    (select p.text from paragraphs as p where p.paragraph_key = c.other_key) as text
from candidates as c
order by c.paragraph_key, c.other_key;
