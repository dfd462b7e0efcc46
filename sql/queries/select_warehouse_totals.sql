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
    (select count(distinct url) from fetch_failures) as urls_not_loaded;
