-- 0003: the raw page archive, and attempt counts of failures.
-- Grain: page_bodies (one row per distinct response body), page_fetches (one row per page fetched, or
-- confirmed unchanged by a 304, per run). fetch_failures gains the attempt number of each failure.

create table page_bodies (
    body_sha256 bytea primary key,
    body_gzip bytea not null,
    size_bytes integer not null,
    first_stored_at timestamptz not null default now(),
    constraint page_bodies_sha256_ck check (octet_length(body_sha256) = 32),
    constraint page_bodies_size_ck check (size_bytes >= 0)
);
comment on table page_bodies is 'One row per distinct page body the pipeline fetched, gzip-compressed and content-addressed.';
comment on column page_bodies.body_sha256 is 'SHA-256 of the body as received (after HTTP content decoding).';
comment on column page_bodies.body_gzip is 'The body, gzip-compressed.';
comment on column page_bodies.size_bytes is 'Size of the uncompressed body in bytes.';
comment on column page_bodies.first_stored_at is 'When this body was first stored.';

create table page_fetches (
    fetch_id bigint generated always as identity primary key,
    run_id bigint not null references pipeline_runs (run_id),
    source_name text not null references sources (source_name),
    url text not null,
    final_url text not null,
    http_status integer not null,
    not_modified boolean not null default false,
    content_type text not null default '',
    headers jsonb not null default '[]',
    body_sha256 bytea not null references page_bodies (body_sha256),
    fetched_at timestamptz not null,
    constraint page_fetches_run_url_key unique (run_id, url)
);
create index page_fetches_url_ix on page_fetches (url, fetched_at);
create index page_fetches_source_ix on page_fetches (source_name, run_id);
comment on table page_fetches is 'One row per page a run fetched (or found unchanged by a 304): the raw archive that reprocess reads.';
comment on column page_fetches.fetch_id is 'Surrogate key.';
comment on column page_fetches.run_id is 'The run that fetched the page.';
comment on column page_fetches.source_name is 'Source of the page.';
comment on column page_fetches.url is 'The URL requested (canonical, as discovered).';
comment on column page_fetches.final_url is 'The URL the body came from, after redirects.';
comment on column page_fetches.http_status is 'HTTP status of the stored body (200).';
comment on column page_fetches.not_modified is 'True when the server answered 304 and the stored body was kept.';
comment on column page_fetches.content_type is 'Content-Type header of the body.';
comment on column page_fetches.headers is 'Response headers as a JSON array of [name, value] pairs, in order.';
comment on column page_fetches.body_sha256 is 'The body (page_bodies).';
comment on column page_fetches.fetched_at is 'When the stored body was fetched (for a 304: when it was first fetched).';

alter table fetch_failures add column attempt integer not null default 1;
alter table fetch_failures add constraint fetch_failures_attempt_ck check (attempt >= 1);
comment on column fetch_failures.attempt is 'How many runs of the source have failed on this URL so far, this one included.';
