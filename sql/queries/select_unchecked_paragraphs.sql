-- Of the given paragraphs, those whose near-duplicates were never verified: new ones, or a crashed step's.
-- Each paragraph's check looked up by key: a join let the planner hash all of paragraph_lsh per batch.
select p.paragraph_key
from paragraphs as p
where
    p.paragraph_key = any(%(keys)s)
    and (select l.checked_at from paragraph_lsh as l where l.paragraph_key = p.paragraph_key) is null
order by p.paragraph_key;
