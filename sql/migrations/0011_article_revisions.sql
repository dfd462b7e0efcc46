-- 0011: every capture of an article kept, its revisions, and what changed between them.
--
-- A page is loaded again by a nightly re-crawl (a conditional GET that found it changed), an overlapping backfill,
-- a reprocess, or another capture of it in a web archive. article_captures keeps one row per capture of an
-- article (one fetched_at) as extracted; articles shows the latest capture. A revision is a run of consecutive
-- captures with the same title and body_hash: a re-fetch that found the same title and text adds a capture and
-- no revision, a changed headline or text starts the next revision. Every capture is kept (not only the first
-- of each revision) so that loading the same captures in any order gives the same rows: a capture loaded late
-- can fall between two identical ones and split their revision, and only every capture time says where.
--
-- Grain: article_captures (one row per article and fetched_at), article_revisions (view, one row per article and
-- revision), article_revision_changes (view, one row per article and pair of consecutive revisions).
--
-- A reprocess re-extracts a stored page with its original fetched_at: the capture is replaced in place (new
-- extraction code, not a new revision). The article's existing rows become its first capture here.

create table article_captures (
    article_id bigint not null references articles (article_id) on delete cascade,
    fetched_at timestamptz not null,
    title text,
    published_at timestamptz,
    published_utc_offset_min smallint,
    language text,
    authors text [] not null,
    section text,
    publisher text,
    body_hash bytea not null,
    paragraph_keys bytea [] not null,
    repeats_removed integer not null,
    run_id bigint not null references pipeline_runs (run_id),
    constraint article_captures_pkey primary key (article_id, fetched_at),
    constraint article_captures_body_hash_ck check (octet_length(body_hash) = 16),
    constraint article_captures_counts_ck check (repeats_removed >= 0),
    constraint article_captures_offset_ck check (published_utc_offset_min between -840 and 840)
);
create index article_captures_fetched_ix on article_captures (fetched_at);
comment on table article_captures is
'One row per capture of an article (each distinct fetched_at a page was loaded with), as extracted: the history behind article_revisions. The article row shows the latest capture.';
comment on column article_captures.article_id is 'The article.';
comment on column article_captures.fetched_at is 'When the page was fetched (a web archive''s capture time); a reprocess re-extracts with the same fetched_at and replaces the row.';
comment on column article_captures.title is 'Headline in this capture.';
comment on column article_captures.published_at is 'Publication instant the page stated in this capture.';
comment on column article_captures.published_utc_offset_min is 'UTC offset in minutes stated with published_at (see articles).';
comment on column article_captures.language is 'ISO 639-1 language of this capture.';
comment on column article_captures.authors is 'Author names as this capture states them, in order.';
comment on column article_captures.section is 'Section or category this capture states.';
comment on column article_captures.publisher is 'Publishing organisation this capture states.';
comment on column article_captures.body_hash is 'BLAKE2b-128 of the normalised, deduplicated paragraphs joined by newlines (as articles.body_hash).';
comment on column article_captures.paragraph_keys is 'Keys of the capture''s distinct paragraphs in order (paragraphs.paragraph_key); their texts are in paragraphs.';
comment on column article_captures.repeats_removed is 'Paragraphs the page repeated and the capture holds once.';
comment on column article_captures.run_id is 'The run that loaded (or last re-extracted) this capture.';

insert into article_captures (
    article_id, fetched_at, title, published_at, published_utc_offset_min, language, authors, section, publisher,
    body_hash, paragraph_keys, repeats_removed, run_id
)
select
    a.article_id,
    a.fetched_at,
    a.title,
    a.published_at,
    a.published_utc_offset_min,
    a.language,
    a.authors,
    a.section,
    a.publisher,
    a.body_hash,
    coalesce(
        (select array_agg(ap.paragraph_key order by ap.position) from article_paragraphs as ap
         where ap.article_id = a.article_id),
        '{}'
    ),
    a.repeats_removed,
    a.run_id
from articles as a;

create view article_revisions as
with marked as (
    select
        c.article_id,
        c.fetched_at,
        lag(c.fetched_at) over w is null
        or (c.title, c.body_hash) is distinct from (lag(c.title) over w, lag(c.body_hash) over w) as starts
    from article_captures as c
    window w as (partition by c.article_id order by c.fetched_at)
),

numbered as (
    select
        article_id,
        fetched_at,
        count(*) filter (where starts) over (partition by article_id order by fetched_at) as revision
    from marked
),

revisions as (
    select
        article_id,
        revision,
        min(fetched_at) as first_fetched_at,
        max(fetched_at) as last_fetched_at,
        count(*) as captures
    from numbered
    group by article_id, revision
)

select
    r.article_id,
    a.source_name,
    a.url,
    r.revision::integer as revision,
    r.revision = max(r.revision) over (partition by r.article_id) as is_current,
    r.first_fetched_at,
    r.last_fetched_at,
    r.captures::integer as captures,
    c.title,
    c.published_at,
    c.body_hash,
    c.paragraph_keys
from revisions as r
inner join articles as a on a.article_id = r.article_id
inner join article_captures as c on c.article_id = r.article_id and c.fetched_at = r.last_fetched_at;
comment on view article_revisions is
'One row per revision of an article, in capture order: consecutive captures with the same title and body_hash are one revision; the last one is what articles shows, the earlier ones are its earlier states.';
comment on column article_revisions.article_id is 'The article.';
comment on column article_revisions.source_name is 'Source the article belongs to.';
comment on column article_revisions.url is 'Canonical URL of the article (its identity).';
comment on column article_revisions.revision is 'Number of the revision, from 1, in capture order.';
comment on column article_revisions.is_current is 'Whether this is the latest revision (the one articles and article_paragraphs hold).';
comment on column article_revisions.first_fetched_at is 'When this revision was first captured: the article''s fetched_at while it was current.';
comment on column article_revisions.last_fetched_at is 'When this revision was last captured (before a changed page was captured, for an earlier one).';
comment on column article_revisions.captures is 'Captures of the page that found this revision.';
comment on column article_revisions.title is 'Headline of the revision.';
comment on column article_revisions.published_at is 'Publication instant the page stated (in its last capture of the revision).';
comment on column article_revisions.body_hash is 'BLAKE2b-128 of the revision''s normalised paragraphs.';
comment on column article_revisions.paragraph_keys is 'Keys of the revision''s distinct paragraphs in order (paragraphs.paragraph_key).';

create view article_revision_changes as
with pairs as (
    select
        article_id,
        source_name,
        url,
        lag(revision) over w as from_revision,
        revision as to_revision,
        lag(first_fetched_at) over w as from_fetched_at,
        first_fetched_at as to_fetched_at,
        lag(title) over w as old_title,
        title as new_title,
        lag(paragraph_keys) over w as old_keys,
        paragraph_keys as new_keys
    from article_revisions
    window w as (partition by article_id order by revision)
)

select
    p.article_id,
    p.source_name,
    p.url,
    p.from_revision,
    p.to_revision,
    p.from_fetched_at,
    p.to_fetched_at,
    p.old_title is distinct from p.new_title as headline_changed,
    p.old_title,
    p.new_title,
    array(
        select t.text
        from unnest(p.new_keys) with ordinality as k (paragraph_key, n)
        inner join paragraphs as t on t.paragraph_key = k.paragraph_key
        where k.paragraph_key <> all(p.old_keys)
        order by k.n
    ) as paragraphs_added,
    array(
        select t.text
        from unnest(p.old_keys) with ordinality as k (paragraph_key, n)
        inner join paragraphs as t on t.paragraph_key = k.paragraph_key
        where k.paragraph_key <> all(p.new_keys)
        order by k.n
    ) as paragraphs_removed
from pairs as p
where p.from_revision is not null;
comment on view article_revision_changes is
'One row per article and pair of consecutive revisions: whether the headline changed (old and new), and the paragraphs the later revision added or removed, in their order. Paragraphs moved within the article are neither.';
comment on column article_revision_changes.article_id is 'The article.';
comment on column article_revision_changes.source_name is 'Source the article belongs to.';
comment on column article_revision_changes.url is 'Canonical URL of the article.';
comment on column article_revision_changes.from_revision is 'The earlier revision (article_revisions.revision).';
comment on column article_revision_changes.to_revision is 'The revision after it.';
comment on column article_revision_changes.from_fetched_at is 'When the earlier revision was first captured.';
comment on column article_revision_changes.to_fetched_at is 'When the change was first captured (the later revision''s first capture).';
comment on column article_revision_changes.headline_changed is 'Whether the headline differs between the two revisions.';
comment on column article_revision_changes.old_title is 'Headline of the earlier revision.';
comment on column article_revision_changes.new_title is 'Headline of the later revision.';
comment on column article_revision_changes.paragraphs_added is 'Texts of the paragraphs the later revision has and the earlier had not, in the later revision''s order.';
comment on column article_revision_changes.paragraphs_removed is 'Texts of the paragraphs the earlier revision had and the later has not, in the earlier revision''s order.';
