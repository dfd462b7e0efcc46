-- Row counts of the warehouse tables users query (one row).
select
    (select count(*) from sources) as sources,
    (select count(*) from articles) as articles,
    (select count(*) from paragraphs) as paragraphs,
    (select count(*) from article_paragraphs) as article_paragraphs,
    (select coalesce(sum(repeats_removed), 0) from articles) as repeats_removed,
    (select count(distinct url) from fetch_failures) as urls_not_loaded;
