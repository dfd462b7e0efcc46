-- 0001: the warehouse's core tables.
-- Grain: sources (one row per configured site), pipeline_runs (one row per source per run attempt),
-- articles (one row per canonical URL), paragraphs (one row per distinct normalised paragraph),
-- article_paragraphs (one row per paragraph position of an article), fetch_failures (one row per URL
-- that did not become an article, per run).

create table sources (
    source_name text primary key,
    base_url text not null,
    language text not null,
    registered_at timestamptz not null default now()
);
comment on table sources is 'One row per news source configured in the sources file.';
comment on column sources.source_name is 'Unique name of the source, as in the sources file.';
comment on column sources.base_url is 'Home page URL of the source.';
comment on column sources.language is 'Default ISO 639-1 language of the source, used when a page does not say.';
comment on column sources.registered_at is 'When the pipeline first saw this source.';

create table pipeline_runs (
    run_id bigint generated always as identity primary key,
    source_name text not null references sources (source_name),
    interval_start timestamptz not null,
    interval_end timestamptz not null,
    dag_run_id text,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    status text not null default 'running',
    urls_discovered integer not null default 0,
    robots_disallowed integer not null default 0,
    pages_fetched integer not null default 0,
    fetch_failed integer not null default 0,
    extract_failed integer not null default 0,
    articles_extracted integer not null default 0,
    paragraphs_extracted integer not null default 0,
    paragraphs_repeated integer not null default 0,
    articles_loaded integer not null default 0,
    error text,
    constraint pipeline_runs_interval_ck check (interval_end > interval_start),
    constraint pipeline_runs_status_ck check (status in ('running', 'success', 'failed')),
    constraint pipeline_runs_finished_ck check (finished_at is null or finished_at >= started_at),
    constraint pipeline_runs_counts_ck check (
        least(urls_discovered, robots_disallowed, pages_fetched, fetch_failed, extract_failed,
              articles_extracted, paragraphs_extracted, paragraphs_repeated, articles_loaded) >= 0
    )
);
create index pipeline_runs_source_interval_ix on pipeline_runs (source_name, interval_start);
comment on table pipeline_runs is 'One row per attempt to run the pipeline for one source and one data interval: an audit log.';
comment on column pipeline_runs.run_id is 'Identifier of the attempt.';
comment on column pipeline_runs.source_name is 'The source this attempt processed.';
comment on column pipeline_runs.interval_start is 'Start of the data interval (inclusive), UTC.';
comment on column pipeline_runs.interval_end is 'End of the data interval (exclusive), UTC.';
comment on column pipeline_runs.dag_run_id is 'Airflow run id when Airflow started the attempt, else null.';
comment on column pipeline_runs.started_at is 'When the attempt started.';
comment on column pipeline_runs.finished_at is 'When the attempt ended, successfully or not; null while running.';
comment on column pipeline_runs.status is 'running, success or failed.';
comment on column pipeline_runs.urls_discovered is 'Article URLs discovery found for the interval.';
comment on column pipeline_runs.robots_disallowed is 'Discovered URLs not fetched because robots.txt disallows them.';
comment on column pipeline_runs.pages_fetched is 'Pages fetched successfully (HTTP 200, HTML).';
comment on column pipeline_runs.fetch_failed is 'URLs whose fetch failed (see fetch_failures).';
comment on column pipeline_runs.extract_failed is 'Fetched pages from which no article could be extracted.';
comment on column pipeline_runs.articles_extracted is 'Articles extracted from fetched pages.';
comment on column pipeline_runs.paragraphs_extracted is 'Main-text paragraphs extracted, repeats included.';
comment on column pipeline_runs.paragraphs_repeated is 'Paragraphs dropped because they repeat earlier ones of the same article.';
comment on column pipeline_runs.articles_loaded is 'Articles written to the warehouse (new, changed or unchanged).';
comment on column pipeline_runs.error is 'Why the attempt failed, when it did.';

create table articles (
    article_id bigint generated always as identity primary key,
    source_name text not null references sources (source_name),
    url text not null,
    title text,
    published_at timestamptz,
    language text,
    authors text[] not null default '{}',
    section text,
    fetched_at timestamptz not null,
    body_hash bytea not null,
    paragraph_count integer not null,
    repeats_removed integer not null default 0,
    run_id bigint not null references pipeline_runs (run_id),
    constraint articles_url_key unique (url),
    constraint articles_body_hash_ck check (octet_length(body_hash) = 16),
    constraint articles_counts_ck check (paragraph_count >= 0 and repeats_removed >= 0)
);
create index articles_source_published_ix on articles (source_name, published_at);
create index articles_published_ix on articles (published_at);
comment on table articles is 'One row per article, identified by its canonical URL; holds its latest extracted version.';
comment on column articles.article_id is 'Surrogate key of the article.';
comment on column articles.source_name is 'Source the article was found on.';
comment on column articles.url is 'Canonical URL (scheme and host lower-cased, fragment and tracking parameters dropped).';
comment on column articles.title is 'Headline.';
comment on column articles.published_at is 'Publication time as the page states it.';
comment on column articles.language is 'ISO 639-1 language of the article.';
comment on column articles.authors is 'Author names as the page states them, in order.';
comment on column articles.section is 'Section or category of the site, as the page states it.';
comment on column articles.fetched_at is 'When the stored version was fetched; unchanged by re-runs that find the same content.';
comment on column articles.body_hash is 'BLAKE2b-128 of the normalised, deduplicated paragraphs joined by newlines.';
comment on column articles.paragraph_count is 'Number of distinct paragraphs (rows in article_paragraphs).';
comment on column articles.repeats_removed is 'Paragraphs the page repeated and the warehouse holds once.';
comment on column articles.run_id is 'The pipeline run that stored this version.';

create table paragraphs (
    paragraph_key bytea primary key,
    text text not null,
    first_seen_at timestamptz not null,
    constraint paragraphs_key_ck check (octet_length(paragraph_key) = 16),
    constraint paragraphs_text_ck check (btrim(text) <> '')
);
comment on table paragraphs is 'One row per distinct paragraph, content-addressed by the hash of its normalised text.';
comment on column paragraphs.paragraph_key is 'BLAKE2b-128 of the normalised text (NFC, whitespace collapsed, soft hyphens and zero-width characters removed).';
comment on column paragraphs.text is 'The paragraph as first seen, in its original form.';
comment on column paragraphs.first_seen_at is 'Fetch time of the first article that carried this paragraph.';

create table article_paragraphs (
    article_id bigint not null references articles (article_id) on delete cascade,
    position integer not null,
    paragraph_key bytea not null references paragraphs (paragraph_key),
    constraint article_paragraphs_pkey primary key (article_id, position),
    constraint article_paragraphs_once_key unique (article_id, paragraph_key),
    constraint article_paragraphs_position_ck check (position >= 1)
);
create index article_paragraphs_paragraph_ix on article_paragraphs (paragraph_key);
comment on table article_paragraphs is 'The text of each article: its distinct paragraphs by position; an article holds a paragraph at most once.';
comment on column article_paragraphs.article_id is 'The article.';
comment on column article_paragraphs.position is 'Position of the paragraph in the article, from 1, in first-seen order.';
comment on column article_paragraphs.paragraph_key is 'The paragraph at that position.';

create table fetch_failures (
    failure_id bigint generated always as identity primary key,
    run_id bigint not null references pipeline_runs (run_id),
    source_name text not null references sources (source_name),
    url text not null,
    stage text not null,
    reason text not null,
    http_status integer,
    detail text not null default '',
    failed_at timestamptz not null,
    constraint fetch_failures_run_url_key unique (run_id, url),
    constraint fetch_failures_stage_ck check (stage in ('discover', 'fetch', 'extract'))
);
create index fetch_failures_url_ix on fetch_failures (url);
comment on table fetch_failures is 'One row per URL that did not become an article in a run, with the reason.';
comment on column fetch_failures.failure_id is 'Surrogate key.';
comment on column fetch_failures.run_id is 'The run in which it failed.';
comment on column fetch_failures.source_name is 'Source of the URL.';
comment on column fetch_failures.url is 'The URL (a page, or a sitemap or feed for discovery failures).';
comment on column fetch_failures.stage is 'discover, fetch or extract.';
comment on column fetch_failures.reason is 'Short machine-readable reason: http_503, timeout, robots_disallowed, no_text, ...';
comment on column fetch_failures.http_status is 'HTTP status of the last response, when there was one.';
comment on column fetch_failures.detail is 'Human-readable detail (exception text), may be empty.';
comment on column fetch_failures.failed_at is 'When it failed.';
