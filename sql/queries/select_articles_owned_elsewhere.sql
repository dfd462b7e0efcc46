-- Of the given URLs, the articles another source owns (it loaded them first): one row per URL.
select url
from articles
where url = any(%(urls)s) and source_name <> %(source_name)s
order by url;
