-- Rewrite the paragraph list of new and changed articles only (load_changed), from their latest capture: an
-- older capture loaded late is a revision and never replaces the current paragraphs.
delete from article_paragraphs as ap
using load_changed as c
where ap.article_id = c.article_id;

insert into article_paragraphs (article_id, position, paragraph_key)
select c.article_id, k.position::integer, k.paragraph_key
from (select distinct article_id from load_changed) as c
cross join lateral (
    select ac.paragraph_keys
    from article_captures as ac
    where ac.article_id = c.article_id
    order by ac.fetched_at desc
    limit 1
) as latest
cross join lateral unnest(latest.paragraph_keys) with ordinality as k (paragraph_key, position)
order by c.article_id, k.position;
