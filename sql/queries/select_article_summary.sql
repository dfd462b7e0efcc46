-- One article's metadata and paragraph count, by canonical URL.
select title, published_at, language, paragraph_count, repeats_removed
from articles
where url = %(url)s;
