-- Add the paragraphs of new and changed articles (load_changed) not seen before; a known key keeps its
-- first-seen text and time. Ordered by key so that concurrent batches take row locks in the same order.
with first_seen as (
    select distinct on (p.paragraph_key)
        p.paragraph_key,
        p.text,
        a.fetched_at
    from load_paragraphs as p
    inner join load_articles as a on a.url = p.url
    inner join load_changed as c on c.url = p.url
    order by p.paragraph_key, a.fetched_at, p.url, p.position
)
insert into paragraphs (paragraph_key, text, first_seen_at)
select paragraph_key, text, fetched_at
from first_seen
order by paragraph_key
on conflict (paragraph_key) do nothing;
