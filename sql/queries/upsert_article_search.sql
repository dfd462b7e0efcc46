-- (Re)build the search document of the given articles (by URL) whose stored version is not indexed yet:
-- title (weight A) and paragraphs (weight B) in the configuration of the article's language.
-- Capped: the first 1,000 characters of the title and the first 200,000 of the text (paragraphs joined by
-- newlines) are indexed, about 30,000 words, far beyond a news article. A tsvector holds at most 1 MB of
-- distinct lexemes (`string is too long for tsvector`); 201,000 characters of at most 4 UTF-8 bytes each
-- (lower-cased, stemmed) stay below it, whatever the page. The stored text is never cut.
-- A small, frequent statement: JIT compilation (hundreds of ms when the planner overestimates) costs
-- more than it saves.
set local jit = off;

with versions as (
    select
        article_id,
        title,
        search_config(language) as search_config,
        md5(concat_ws(E'\x1f', title, language, encode(body_hash, 'hex'))) as indexed_version
    from articles
    where url = any(%(urls)s)
),

stale as (
    select v.article_id, v.title, v.search_config, v.indexed_version
    from versions as v
    left join article_search as s on s.article_id = v.article_id
    where s.indexed_version is distinct from v.indexed_version
),

documents as (
    select
        st.article_id,
        st.indexed_version,
        st.search_config,
        setweight(to_tsvector(st.search_config, left(coalesce(st.title, ''), 1000)), 'A')
        || setweight(
            to_tsvector(st.search_config, left(string_agg(p.text, E'\n' order by ap.position), 200000)), 'B'
        )
        as search_vector
    from stale as st
    inner join article_paragraphs as ap on ap.article_id = st.article_id
    inner join paragraphs as p on p.paragraph_key = ap.paragraph_key
    group by st.article_id, st.indexed_version, st.search_config, st.title
)

insert into article_search as s (article_id, indexed_version, search_config, search_vector)
select article_id, indexed_version, search_config, search_vector
from documents
order by article_id
on conflict (article_id) do update set
    indexed_version = excluded.indexed_version,
    search_config = excluded.search_config,
    search_vector = excluded.search_vector;
