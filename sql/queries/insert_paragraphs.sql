-- Add the paragraphs of the captures this batch added or replaced (load_captured: current text and earlier
-- revisions alike) not seen before. A known key keeps its text and time unless this batch has an earlier
-- capture of it: first_seen_at is the earliest fetch that carried the paragraph and text its form there
-- (ties: the smaller text), whatever the load order. Ordered by key so that concurrent batches take row locks
-- in the same order; the update locks only the rows it changes (an earlier capture loaded late).
with first_seen as (
    select distinct on (p.paragraph_key)
        p.paragraph_key,
        p.text,
        p.fetched_at
    from load_captured as lc
    inner join articles as a on a.article_id = lc.article_id
    inner join load_articles as l on l.url = a.url and l.source_name = a.source_name
    inner join load_paragraphs as p on p.url = l.url and p.fetched_at = l.fetched_at
    order by p.paragraph_key, p.fetched_at, p.text
)

insert into paragraphs (paragraph_key, text, first_seen_at)
select paragraph_key, text, fetched_at
from first_seen
order by paragraph_key
on conflict (paragraph_key) do nothing;

with first_seen as (
    select distinct on (p.paragraph_key)
        p.paragraph_key,
        p.text,
        p.fetched_at
    from load_captured as lc
    inner join articles as a on a.article_id = lc.article_id
    inner join load_articles as l on l.url = a.url and l.source_name = a.source_name
    inner join load_paragraphs as p on p.url = l.url and p.fetched_at = l.fetched_at
    order by p.paragraph_key, p.fetched_at, p.text
),

earlier as (
    select t.paragraph_key
    from paragraphs as t
    inner join first_seen as f on f.paragraph_key = t.paragraph_key
    where (f.fetched_at, f.text) < (t.first_seen_at, t.text)
    order by t.paragraph_key
    for update of t
)

update paragraphs as t set
    text = f.text,
    first_seen_at = f.fetched_at
from first_seen as f
where t.paragraph_key = f.paragraph_key
    and t.paragraph_key in (select paragraph_key from earlier)
    and (f.fetched_at, f.text) < (t.first_seen_at, t.text);
