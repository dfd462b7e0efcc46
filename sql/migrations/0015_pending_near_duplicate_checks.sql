-- 0015: the near-duplicate step keeps a row only for what is pending.
-- Grain: paragraph_lsh_pending (one row per paragraph whose band keys are stored and whose near-duplicate
-- candidates are not verified yet); paragraph_bands (one row per indexed paragraph) gains its primary key.
--
-- Before, paragraph_lsh held a row for every paragraph the step ever took up, marked checked once verified:
-- 8 MB at 1,000 distinct real pages (8 KiB an article, 0.2x the gzip size of page and text, with the room
-- its fillfactor left for the check mark), written twice per paragraph. Now a paragraph is taken up when
-- its paragraph_bands row is written (the primary key makes two workers' takes of one paragraph one
-- row), with a pending row in the same transaction; verifying its candidates deletes the pending row. A
-- crashed step's pending rows are still there to resume from. A paragraph too short to index gets no row
-- at all: it has no candidates, and is found short again whenever it recurs.
-- Pending rows of paragraphs with band keys carry over; the rest of paragraph_lsh (verified paragraphs,
-- and short ones) is dropped with it.

create table paragraph_lsh_pending (
    paragraph_key bytea primary key references paragraphs (paragraph_key)
);

insert into paragraph_lsh_pending (paragraph_key)
select l.paragraph_key
from paragraph_lsh as l
where l.checked_at is null and exists (select from paragraph_bands as b where b.paragraph_key = l.paragraph_key)
order by l.paragraph_key;

drop table paragraph_lsh;

alter table paragraph_bands add constraint paragraph_bands_pkey primary key (paragraph_key);

comment on table paragraph_lsh_pending is 'One row per paragraph whose band keys are in paragraph_bands and whose near-duplicate candidates are not verified yet (a crashed near-duplicate step resumes there); empty when the step is done.';
comment on column paragraph_lsh_pending.paragraph_key is 'The paragraph.';
comment on table paragraph_bands is 'MinHash LSH index of paragraphs, one row per indexed paragraph: paragraphs sharing a band key are near-duplicate candidates (band hashes are salted with the numbers, names and dates of the text, which near-duplicates share). Written with the paragraph''s paragraph_lsh_pending row, in one transaction; no row for a paragraph too short to index.';
