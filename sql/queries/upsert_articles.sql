-- Insert the batch's articles not in the warehouse yet (each with its latest capture in the batch) and lock the
-- rows of those that are, in URL order: every later statement of the load that touches an article's captures or
-- row runs under this lock, so concurrent loads of one article (a backfill and the nightly run) serialise and
-- lock rows in the same order. No existing row is changed here (update_articles_from_captures.sql does that
-- from the captures). The first source to load an article owns it: another source listing the same URL adds
-- no capture and leaves the row as it is. Records the inserted articles in load_changed. Keyed by
-- url_key(url): URLs of any length.
with inserted as (
    insert into articles as a (
        source_name, url, title, published_at, published_utc_offset_min, language, authors, section, publisher,
        fetched_at, body_hash, paragraph_count, repeats_removed, run_id
    )
    select distinct on (url)
        source_name, url, title, published_at, published_utc_offset_min, language, authors, section, publisher,
        fetched_at, body_hash, paragraph_count, repeats_removed, %(run_id)s
    from load_articles
    order by url, fetched_at desc
    on conflict (url_key(url)) do update set run_id = a.run_id
    where false
    returning a.article_id, a.url
)
insert into load_changed (article_id, url)
select article_id, url
from inserted;
