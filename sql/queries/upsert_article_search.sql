-- (Re)build the search document of the given articles (by URL) whose stored version is not indexed yet:
-- title (weight A) and paragraphs (weight B) in the configuration of the article's language. An article
-- without paragraphs gets no document.
-- Capped: the first 1,000 characters of the title and the first 200,000 of the text (paragraphs joined by
-- newlines) are indexed, about 30,000 words, far beyond a news article. A tsvector holds at most 1 MB of
-- distinct lexemes (`string is too long for tsvector`); 201,000 characters of at most 4 UTF-8 bytes each
-- (lower-cased, stemmed) stay below it, whatever the page. The stored text is never cut.
-- A small, frequent statement: JIT compilation (hundreds of ms when the planner overestimates) costs
-- more than it saves.
set local jit = off;

-- Every row is reached through an index, a bounded number per given article: the articles by URL, their
-- indexed version by id, their paragraphs by article (in position order) and each paragraph's text by key.
-- Each lookup is a lateral subquery kept apart (offset 0), so a planner misled by the estimates cannot turn
-- one into a scan of a whole table: the joins this replaced hashed all of article_paragraphs and paragraphs
-- for every batch (5.2 s a batch at 10,000 articles, growing with the warehouse).
with versions as materialized (
    select
        a.article_id,
        a.title,
        search_config(a.language) as search_config,
        md5(concat_ws(E'\x1f', a.title, a.language, encode(a.body_hash, 'hex'))) as indexed_version
    from (select distinct u.url from unnest(%(urls)s::text []) as u (url)) as given
    cross join lateral (
        select x.article_id, x.title, x.language, x.body_hash from articles as x where x.url = given.url
        offset 0
    ) as a
),

stale as materialized (
    select v.article_id, v.title, v.search_config, v.indexed_version
    from versions as v
    left join lateral (
        select x.indexed_version from article_search as x where x.article_id = v.article_id
        offset 0
    ) as s on true
    where s.indexed_version is distinct from v.indexed_version
),

documents as (
    select
        st.article_id,
        st.indexed_version,
        st.search_config,
        setweight(to_tsvector(st.search_config, left(coalesce(st.title, ''), 1000)), 'A')
        || setweight(to_tsvector(st.search_config, left(t.text, 200000)), 'B')
        as search_vector
    from stale as st
    cross join lateral (
        select string_agg(p.text, E'\n' order by ap.position) as text
        from (
            select x.position, x.paragraph_key from article_paragraphs as x where x.article_id = st.article_id
            offset 0
        ) as ap
        cross join lateral (
            select y.text from paragraphs as y where y.paragraph_key = ap.paragraph_key
            offset 0
        ) as p
    ) as t
    where t.text is not null
)

insert into article_search as s (article_id, indexed_version, search_config, search_vector)
select article_id, indexed_version, search_config, search_vector
from documents
order by article_id
on conflict (article_id) do update set
    indexed_version = excluded.indexed_version,
    search_config = excluded.search_config,
    search_vector = excluded.search_vector;
