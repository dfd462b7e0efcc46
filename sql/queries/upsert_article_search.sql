-- (Re)build the search document of the given articles (by URL) whose stored version is not indexed yet:
-- title (weight A) and paragraphs (weight B) in the configuration of the article's language.
with stale as (
    select a.article_id, a.run_id, a.title, search_config(a.language) as search_config
    from articles as a
    left join article_search as s on s.article_id = a.article_id
    where a.url = any(%(urls)s) and s.run_id is distinct from a.run_id
),

documents as (
    select
        st.article_id,
        st.run_id,
        st.search_config,
        setweight(to_tsvector(st.search_config, coalesce(st.title, '')), 'A')
        || setweight(to_tsvector(st.search_config, string_agg(p.text, E'\n' order by ap.position)), 'B')
        as search_vector
    from stale as st
    inner join article_paragraphs as ap on ap.article_id = st.article_id
    inner join paragraphs as p on p.paragraph_key = ap.paragraph_key
    group by st.article_id, st.run_id, st.search_config, st.title
)

insert into article_search as s (article_id, run_id, search_config, search_vector)
select article_id, run_id, search_config, search_vector
from documents
order by article_id
on conflict (article_id) do update set
    run_id = excluded.run_id,
    search_config = excluded.search_config,
    search_vector = excluded.search_vector;
