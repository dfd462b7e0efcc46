-- 0002: deduplication across articles (boilerplate, near-duplicate paragraphs, the same story elsewhere),
-- full-text search, and the views analysts query.
-- Grain: boilerplate_paragraphs (one row per source and recurring paragraph), paragraph_lsh (one row per
-- paragraph checked for near-duplicates), paragraph_bands (one row per LSH band of an indexed paragraph),
-- paragraph_near_duplicates (one row per linked pair), article_duplicates (one row per copy and earlier
-- article it copies), article_search (one row per article).

create table boilerplate_paragraphs (
    source_name text not null references sources (source_name),
    paragraph_key bytea not null references paragraphs (paragraph_key),
    articles integer not null,
    days integer not null,
    first_seen_on date not null,
    last_seen_on date not null,
    marked_at timestamptz not null default now(),
    constraint boilerplate_paragraphs_pkey primary key (source_name, paragraph_key),
    constraint boilerplate_paragraphs_counts_ck check (articles >= 1 and days >= 1 and last_seen_on >= first_seen_on)
);
comment on table boilerplate_paragraphs is 'One row per paragraph that recurs across many articles of one source (subscription lines, disclaimers, credits); recomputed from article_paragraphs after every run of the source. Left out of article_text, kept in article_paragraphs.';
comment on column boilerplate_paragraphs.source_name is 'The source whose articles repeat the paragraph.';
comment on column boilerplate_paragraphs.paragraph_key is 'The recurring paragraph.';
comment on column boilerplate_paragraphs.articles is 'Distinct articles of the source that carry it.';
comment on column boilerplate_paragraphs.days is 'Distinct UTC publication days of those articles.';
comment on column boilerplate_paragraphs.first_seen_on is 'Earliest UTC publication day of an article carrying it (fetch day when unpublished), whatever the load order.';
comment on column boilerplate_paragraphs.last_seen_on is 'Latest UTC publication day of an article carrying it.';
comment on column boilerplate_paragraphs.marked_at is 'When the row was inserted or its counts last changed.';

create table paragraph_lsh (
    paragraph_key bytea primary key references paragraphs (paragraph_key),
    checked_at timestamptz
);
comment on table paragraph_lsh is 'One row per paragraph taken up by the near-duplicate step; its band hashes are in paragraph_bands.';
comment on column paragraph_lsh.paragraph_key is 'The paragraph.';
comment on column paragraph_lsh.checked_at is 'When its near-duplicate candidates were verified; null while pending (a crashed step resumes there).';

-- No foreign key and no second index: this is the widest table (one row per band of each paragraph) and
-- the near-duplicate step writes it together with the paragraph's paragraph_lsh row, in one transaction.
create table paragraph_bands (
    band smallint not null,
    band_hash bigint not null,
    paragraph_key bytea not null,
    constraint paragraph_bands_pkey primary key (band, band_hash, paragraph_key)
);
comment on table paragraph_bands is 'MinHash LSH index of paragraphs: paragraphs sharing a (band, band_hash) are near-duplicate candidates (band hashes are salted with the numbers, names and dates of the text, which near-duplicates share).';
comment on column paragraph_bands.band is 'Band number, from 0.';
comment on column paragraph_bands.band_hash is 'BLAKE2b-64 of the band''s MinHash values.';
comment on column paragraph_bands.paragraph_key is 'The indexed paragraph.';

create table paragraph_near_duplicates (
    paragraph_key bytea not null references paragraphs (paragraph_key),
    similar_key bytea not null references paragraphs (paragraph_key),
    similarity real not null,
    linked_at timestamptz not null default now(),
    constraint paragraph_near_duplicates_pkey primary key (paragraph_key, similar_key),
    constraint paragraph_near_duplicates_order_ck check (paragraph_key < similar_key),
    constraint paragraph_near_duplicates_similarity_ck check (similarity > 0 and similarity <= 1)
);
create index paragraph_near_duplicates_similar_ix on paragraph_near_duplicates (similar_key);
comment on table paragraph_near_duplicates is 'Pairs of paragraphs that differ only by a typo, punctuation or line wrapping (never by a number, date or name); stored once, the smaller key first.';
comment on column paragraph_near_duplicates.paragraph_key is 'The smaller key of the pair.';
comment on column paragraph_near_duplicates.similar_key is 'The larger key of the pair.';
comment on column paragraph_near_duplicates.similarity is 'Jaccard similarity of the character 5-grams of the two loose forms (case-folded, punctuation dropped).';
comment on column paragraph_near_duplicates.linked_at is 'When the link was recorded.';

create table article_duplicates (
    article_id bigint not null references articles (article_id) on delete cascade,
    duplicate_of bigint not null references articles (article_id) on delete cascade,
    similarity real not null,
    shared_paragraphs integer not null,
    linked_at timestamptz not null default now(),
    constraint article_duplicates_pkey primary key (article_id, duplicate_of),
    constraint article_duplicates_self_ck check (article_id <> duplicate_of),
    constraint article_duplicates_similarity_ck check (similarity > 0 and similarity <= 1)
);
create index article_duplicates_duplicate_of_ix on article_duplicates (duplicate_of);
comment on table article_duplicates is 'One row per article that re-publishes an earlier one (syndication, mirrors): count stories as articles without a row here.';
comment on column article_duplicates.article_id is 'The later copy (by published_at, then URL).';
comment on column article_duplicates.duplicate_of is 'The earlier article it re-publishes.';
comment on column article_duplicates.similarity is 'Shared paragraphs (equal or near-duplicates) over the union of both articles'' paragraphs (Jaccard).';
comment on column article_duplicates.shared_paragraphs is 'Paragraphs the two articles have in common, equal or as linked near-duplicates.';
comment on column article_duplicates.linked_at is 'When the link was recorded or its similarity last changed.';

create function search_config(language text) returns regconfig
language sql immutable parallel safe
as $$
    select case language
        when 'de' then 'german'
        when 'es' then 'spanish'
        when 'ru' then 'russian'
        when 'en' then 'english'
        else 'simple'
    end::regconfig
$$;
comment on function search_config(text) is 'Text search configuration for an ISO 639-1 language: german, spanish, russian, english, else simple.';

create table article_search (
    article_id bigint primary key references articles (article_id) on delete cascade,
    indexed_version text not null,
    search_config regconfig not null,
    search_vector tsvector not null
);
create index article_search_vector_ix on article_search using gin (search_vector);
comment on table article_search is 'Full-text search document of each article (title weight A, paragraphs weight B), in its language''s configuration; query with @@ websearch_to_tsquery(search_config(language), ...).';
comment on column article_search.article_id is 'The article.';
comment on column article_search.indexed_version is 'MD5 of the title, language and body_hash indexed; a different one means the article changed and is re-indexed.';
comment on column article_search.search_config is 'The text search configuration used (search_config(articles.language)).';
comment on column article_search.search_vector is 'Title and paragraphs as a tsvector; GIN-indexed.';

create view article_text as
with kept as (
    select
        ap.article_id,
        ap.position,
        p.text
    from article_paragraphs as ap
    inner join articles as a on a.article_id = ap.article_id
    inner join paragraphs as p on p.paragraph_key = ap.paragraph_key
    where not exists (
        select 1
        from boilerplate_paragraphs as b
        where b.source_name = a.source_name and b.paragraph_key = ap.paragraph_key
    )
),

originals as (
    select
        article_id,
        min(duplicate_of) as duplicate_of
    from article_duplicates
    group by article_id
)

select
    a.article_id,
    a.source_name,
    a.url,
    a.title,
    a.published_at,
    a.language,
    o.duplicate_of,
    count(k.position)::integer as paragraph_count,
    coalesce(string_agg(k.text, E'\n\n' order by k.position), '') as body_text
from articles as a
left join kept as k on k.article_id = a.article_id
left join originals as o on o.article_id = a.article_id
group by a.article_id, o.duplicate_of;
comment on view article_text is 'One row per article: its deduplicated text without the source''s boilerplate, paragraphs in order separated by blank lines.';
comment on column article_text.article_id is 'The article.';
comment on column article_text.source_name is 'Source the article was found on.';
comment on column article_text.url is 'Canonical URL.';
comment on column article_text.title is 'Headline.';
comment on column article_text.published_at is 'Publication time as the page states it.';
comment on column article_text.language is 'ISO 639-1 language of the article.';
comment on column article_text.duplicate_of is 'An earlier article this one re-publishes (the smallest article_id when several), null for an original story.';
comment on column article_text.paragraph_count is 'Paragraphs in body_text (boilerplate left out).';
comment on column article_text.body_text is 'The paragraphs joined by blank lines.';

create view daily_source_stats as
with article_days as (
    select
        a.source_name,
        (coalesce(a.published_at, a.fetched_at) at time zone 'UTC')::date as day,
        count(*) as articles,
        count(*) filter (where exists (
            select 1 from article_duplicates as d where d.article_id = a.article_id
        )) as copies,
        sum(a.paragraph_count) as paragraphs,
        sum(a.repeats_removed) as repeats_removed
    from articles as a
    group by a.source_name, day
),

boilerplate_days as (
    select
        a.source_name,
        (coalesce(a.published_at, a.fetched_at) at time zone 'UTC')::date as day,
        count(*) as boilerplate_paragraphs
    from articles as a
    inner join article_paragraphs as ap on ap.article_id = a.article_id
    inner join boilerplate_paragraphs as b on b.source_name = a.source_name and b.paragraph_key = ap.paragraph_key
    group by a.source_name, day
),

failure_days as (
    select
        f.source_name,
        (r.interval_start at time zone 'UTC')::date as day,
        count(distinct f.url) as failures
    from fetch_failures as f
    inner join pipeline_runs as r on r.run_id = f.run_id
    group by f.source_name, day
)

select
    coalesce(ad.source_name, fd.source_name) as source_name,
    coalesce(ad.day, fd.day) as day,
    coalesce(ad.articles, 0) as articles,
    coalesce(ad.copies, 0) as copies,
    coalesce(ad.paragraphs, 0) as paragraphs,
    coalesce(ad.repeats_removed, 0) as repeats_removed,
    coalesce(bd.boilerplate_paragraphs, 0) as boilerplate_paragraphs,
    coalesce(fd.failures, 0) as failures
from article_days as ad
left join boilerplate_days as bd on bd.source_name = ad.source_name and bd.day = ad.day
full outer join failure_days as fd on fd.source_name = ad.source_name and fd.day = ad.day;
comment on view daily_source_stats is 'One row per source and UTC day: articles, copies, paragraphs, repeats removed, boilerplate and failed URLs.';
comment on column daily_source_stats.source_name is 'The source.';
comment on column daily_source_stats.day is 'UTC publication day of the articles (fetch day when unpublished); for failures, the first day of the data interval of the run that recorded them.';
comment on column daily_source_stats.articles is 'Articles published that day.';
comment on column daily_source_stats.copies is 'Of those, articles that re-publish an earlier one (see article_duplicates).';
comment on column daily_source_stats.paragraphs is 'Distinct paragraphs of those articles, boilerplate included (sum of articles.paragraph_count).';
comment on column daily_source_stats.repeats_removed is 'Paragraphs the pages repeated within an article and the warehouse holds once.';
comment on column daily_source_stats.boilerplate_paragraphs is 'Paragraph occurrences that are boilerplate of the source (left out of article_text).';
comment on column daily_source_stats.failures is 'Distinct URLs recorded in fetch_failures for runs starting that day.';

create view paragraph_reuse as
select
    p.paragraph_key,
    p.text,
    count(*) as articles,
    count(distinct a.source_name) as sources,
    min(a.published_at) as first_published_at,
    max(a.published_at) as last_published_at,
    bool_or(b.paragraph_key is not null) as boilerplate
from article_paragraphs as ap
inner join articles as a on a.article_id = ap.article_id
inner join paragraphs as p on p.paragraph_key = ap.paragraph_key
left join boilerplate_paragraphs as b on b.source_name = a.source_name and b.paragraph_key = ap.paragraph_key
group by p.paragraph_key
having count(*) >= 2;
comment on view paragraph_reuse is 'One row per paragraph carried by two or more articles: the most repeated paragraphs first when ordered by articles.';
comment on column paragraph_reuse.paragraph_key is 'The paragraph.';
comment on column paragraph_reuse.text is 'Its text as first seen.';
comment on column paragraph_reuse.articles is 'Articles that carry it.';
comment on column paragraph_reuse.sources is 'Distinct sources of those articles.';
comment on column paragraph_reuse.first_published_at is 'Earliest publication time of an article carrying it.';
comment on column paragraph_reuse.last_published_at is 'Latest publication time of an article carrying it.';
comment on column paragraph_reuse.boilerplate is 'Whether it is boilerplate of at least one of those sources.';
