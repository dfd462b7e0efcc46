-- Of the given paragraphs, those whose near-duplicates were never verified: new ones, or a crashed step's.
select p.paragraph_key
from paragraphs as p
left join paragraph_lsh as l on l.paragraph_key = p.paragraph_key
where p.paragraph_key = any(%(keys)s) and l.checked_at is null
order by p.paragraph_key;
