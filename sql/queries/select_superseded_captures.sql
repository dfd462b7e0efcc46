-- Of the batch's captures (load_articles) of articles their source owns, those older than the article's latest
-- capture: loaded as earlier states (revisions), not as the article's current text. One row each.
select l.url, l.fetched_at
from load_articles as l
inner join articles as a on a.url = l.url and a.source_name = l.source_name
where exists (
    select 1
    from article_captures as c
    where c.article_id = a.article_id and c.fetched_at > l.fetched_at
)
order by l.url, l.fetched_at;
