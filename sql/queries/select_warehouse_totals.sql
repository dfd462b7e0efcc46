-- Row counts of the warehouse tables users query (one row).
select
    (select count(*) from sources) as sources,
    (select count(*) from articles) as articles,
    (select count(*) from articles as a where not exists (
        select 1 from article_duplicates as d where d.article_id = a.article_id
    )) as stories,
    (select count(*) from paragraphs) as paragraphs,
    (select count(*) from article_paragraphs) as article_paragraphs,
    (select coalesce(sum(repeats_removed), 0) from articles) as repeats_removed,
    (select count(*) from boilerplate_paragraphs) as boilerplate_paragraphs,
    (select count(*) from paragraph_near_duplicates) as near_duplicate_pairs,
    (select count(*) from article_duplicates) as article_copies,
    -- pages that failed and never loaded since (a page that failed once and loaded later is not counted;
    -- discovery documents such as a feed that did not answer are not pages)
    (select count(distinct url_key(f.url)) from fetch_failures as f
        where f.stage <> 'discover'
            and not exists (select 1 from articles as a where url_key(a.url) = url_key(f.url))) as urls_not_loaded;
