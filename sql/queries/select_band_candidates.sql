-- Near-duplicate candidates of the pending paragraphs staged in load_bands: other paragraphs sharing at
-- least one (band, band_hash). One row per (paragraph, candidate), with the candidate's text.
-- A small, frequent statement: JIT compilation (hundreds of ms when the planner overestimates) costs
-- more than it saves.
set local jit = off;

with candidates as (
    select distinct
        mine.paragraph_key,
        other.paragraph_key as other_key
    from load_bands as mine
    inner join paragraph_bands as other
        on other.band = mine.band and other.band_hash = mine.band_hash
    where other.paragraph_key <> mine.paragraph_key
)

-- each candidate's text looked up by key: a join let the planner hash the whole paragraphs table per batch
select
    c.paragraph_key,
    c.other_key,
    (select p.text from paragraphs as p where p.paragraph_key = c.other_key) as text
from candidates as c
order by c.paragraph_key, c.other_key;
