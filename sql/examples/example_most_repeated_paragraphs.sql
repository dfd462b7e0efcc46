-- The most repeated paragraphs across articles: one row per paragraph, top ten.
select
    text,
    articles,
    sources,
    boilerplate,
    first_published_at,
    last_published_at
from paragraph_reuse
order by articles desc, sources desc, paragraph_key
limit 10;
