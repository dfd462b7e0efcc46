-- Of the given paragraphs, those whose near-duplicates were never verified: new ones (no band keys yet,
-- which includes the ones too short to index) or a crashed step's (still pending). Each lookup by key: a
-- join let the planner hash a whole table per batch.
select p.paragraph_key
from paragraphs as p
where
    p.paragraph_key = any(%(keys)s)
    and (
        not exists (select from paragraph_bands as b where b.paragraph_key = p.paragraph_key)
        or exists (select from paragraph_lsh_pending as x where x.paragraph_key = p.paragraph_key)
    )
order by p.paragraph_key;
