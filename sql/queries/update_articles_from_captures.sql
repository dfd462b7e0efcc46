-- Make each article whose captures changed (load_captured) show its latest capture (by fetched_at, whatever
-- the load order): its title, text and metadata, with fetched_at the first capture of the latest revision
-- (the newest run of captures with the same title and body_hash), so an identical re-fetch moves nothing and an
-- older capture loaded late changes the row only when it starts the current revision earlier. A row already so
-- is left as it is. Records the changed articles in load_changed (their paragraphs are rewritten).
with captures as (
    select
        c.article_id,
        c.fetched_at,
        c.title,
        c.body_hash,
        row_number() over (partition by c.article_id order by c.fetched_at desc) as newest_first
    from load_captured as lc
    inner join article_captures as c on c.article_id = lc.article_id
),

latest as (
    select article_id, fetched_at, title, body_hash
    from captures
    where newest_first = 1
),

revision_starts as (
    select
        l.article_id,
        l.fetched_at as latest_fetched_at,
        max(c.fetched_at) filter (where (c.title, c.body_hash) is distinct from (l.title, l.body_hash)) as changed_at
    from latest as l
    inner join captures as c on c.article_id = l.article_id
    group by l.article_id, l.fetched_at
),

wanted as (
    select
        c.article_id,
        c.title,
        c.published_at,
        c.published_utc_offset_min,
        c.language,
        c.authors,
        c.section,
        c.publisher,
        (
            select min(o.fetched_at)
            from captures as o
            where o.article_id = s.article_id and o.fetched_at > coalesce(s.changed_at, '-infinity')
        ) as fetched_at,
        c.body_hash,
        cardinality(c.paragraph_keys) as paragraph_count,
        c.repeats_removed,
        c.run_id
    from revision_starts as s
    inner join article_captures as c on c.article_id = s.article_id and c.fetched_at = s.latest_fetched_at
),

updated as (
    update articles as a set
        title = w.title,
        published_at = w.published_at,
        published_utc_offset_min = w.published_utc_offset_min,
        language = w.language,
        authors = w.authors,
        section = w.section,
        publisher = w.publisher,
        fetched_at = w.fetched_at,
        body_hash = w.body_hash,
        paragraph_count = w.paragraph_count,
        repeats_removed = w.repeats_removed,
        run_id = w.run_id
    from wanted as w
    where a.article_id = w.article_id
        and (a.title, a.published_at, a.published_utc_offset_min, a.language, a.authors, a.section, a.publisher,
             a.fetched_at, a.body_hash, a.paragraph_count, a.repeats_removed)
        is distinct from
          (w.title, w.published_at, w.published_utc_offset_min, w.language, w.authors, w.section, w.publisher,
           w.fetched_at, w.body_hash, w.paragraph_count, w.repeats_removed)
    returning a.article_id, a.url
)

insert into load_changed (article_id, url)
select u.article_id, u.url
from updated as u
where not exists (select 1 from load_changed as c where c.article_id = u.article_id);
