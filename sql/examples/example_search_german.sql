-- German articles mentioning a term (stemmed: "Zusammenarbeit" also finds "Zusammenarbeiten"), best match
-- first; one row per article. The GIN index on article_search.search_vector answers the @@.
with hits as (
    select
        s.article_id,
        ts_rank(s.search_vector, q.query) as rank
    from article_search as s
    cross join websearch_to_tsquery('german', 'Zusammenarbeit') as q (query)
    where s.search_config = 'german'::regconfig and s.search_vector @@ q.query
)

select
    t.source_name,
    t.published_at,
    t.title,
    round(h.rank::numeric, 4) as rank
from hits as h
inner join article_text as t on t.article_id = h.article_id
order by h.rank desc, t.published_at, t.article_id;
