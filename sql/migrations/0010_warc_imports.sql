-- 0010: pages read from web archives (WARC/ARC files, Common Crawl News): how far each file's import got, and
-- which file and record every archived capture came from.
--
-- Grain: warc_imports (one row per import of one WARC file for one set of sources and one publication
-- interval), warc_captures (one row per WARC record a source took as a page). A capture's body is in
-- page_bodies (by body_sha256) like a fetched page's; its page_fetches row is the run's first capture of the
-- URL (page_fetches keeps one row per run and URL), warc_captures keeps every capture.
--
-- An import commits its position after every batch it loaded (resume_offset: where the first record not yet
-- loaded starts, in the file's bytes as stored, compressed) with the counts so far, so a killed import
-- continues there and a finished one (status done) is skipped. warc_captures references pipeline_runs, so
-- emptying pipeline_runs (truncate ... cascade) empties it too; warc_imports names its runs in run_ids.
--
-- A file is known by its file_key, never by the path as typed: a local file by its size and a digest of its
-- first and last MiB (so crawl.warc.gz in two directories are two files, a/../a/x.warc.gz and x.warc.gz one),
-- a URL by the URL and the validators its server gives (ETag, Content-Length, Last-Modified). A capture read
-- again under another key (a file that grew) keeps its first row: (url, captured_at, body_sha256) is unique.

create table warc_imports (
    file_key text not null,

    warc_file text not null,
    scope text not null,
    interval_start timestamptz not null,
    interval_end timestamptz not null,
    status text not null default 'running',
    resume_offset bigint not null default 0,
    records_read bigint not null default 0,
    counts jsonb not null default '{}'::jsonb,
    run_ids bigint [] not null default '{}',
    started_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    finished_at timestamptz,
    constraint warc_imports_pkey primary key (file_key, scope, interval_start, interval_end),
    constraint warc_imports_status_ck check (status in ('running', 'done')),
    constraint warc_imports_interval_ck check (interval_end > interval_start),
    constraint warc_imports_counts_ck check (
        least(resume_offset, records_read) >= 0 and jsonb_typeof(counts) = 'object'
    )
);
comment on table warc_imports is
'One row per import of one WARC/ARC file for one set of sources and one publication interval: how far it got (resumable) and what it counted.';
comment on column warc_imports.file_key is 'What the file is: local:<size>:<sha256 of its first and last MiB and size>, or url:<URL> with |etag=, |length=, |modified= when the server gives them.';
comment on column warc_imports.warc_file is 'Where the file was last read from: an absolute local path or an http(s) URL (a CC-NEWS file''s URL under NEWSETL_CCNEWS_BASE_URL).';
comment on column warc_imports.scope is 'The sources the import took pages for: * for every source of the sources file, else their names sorted and joined by commas.';
comment on column warc_imports.interval_start is 'Start (inclusive) of the publication interval loaded; 0001-01-01 UTC when the import named none.';
comment on column warc_imports.interval_end is 'End (exclusive) of the publication interval loaded; 9999-12-31 UTC when the import named none.';
comment on column warc_imports.status is 'running (started or interrupted: the next import continues at resume_offset) or done (a re-run skips the file).';
comment on column warc_imports.resume_offset is 'Byte offset in the file (compressed, as stored) of the first record not yet loaded; committed after each loaded batch.';
comment on column warc_imports.records_read is 'WARC records read up to resume_offset, of every type.';
comment on column warc_imports.counts is
'Records up to resume_offset by outcome: {"taken": n, "<reason>": n}: taken (HTML pages sent to extraction), not_response, revisit, off_host, other_source, bad_url, redirect, http_error, not_html, truncated, too_large, and after extraction out_of_interval, no_date (outside --start/--end), loaded.';
comment on column warc_imports.run_ids is 'The pipeline_runs rows of the import''s attempts, one per source and attempt, in order.';
comment on column warc_imports.started_at is 'When the first attempt started.';
comment on column warc_imports.updated_at is 'When the last batch was committed.';
comment on column warc_imports.finished_at is 'When the import read the file to its end; null while running or interrupted.';

create table warc_captures (
    file_key text not null,
    warc_file text not null,
    record_offset bigint not null,
    source_name text not null references sources (source_name),
    run_id bigint not null references pipeline_runs (run_id) on delete cascade,
    url text not null,
    target_uri text not null,
    captured_at timestamptz not null,
    body_sha256 bytea not null,
    constraint warc_captures_pkey primary key (file_key, record_offset),
    constraint warc_captures_capture_uq unique (url, captured_at, body_sha256),
    constraint warc_captures_offset_ck check (record_offset >= 0),
    constraint warc_captures_sha256_ck check (octet_length(body_sha256) = 32)
);
create index warc_captures_url_ix on warc_captures using hash (url);
comment on table warc_captures is 'One row per WARC record a source took as a page: the provenance of archived captures.';
comment on column warc_captures.file_key is 'The file the record came from (warc_imports.file_key).';
comment on column warc_captures.warc_file is 'Where that file was read from (warc_imports.warc_file).';
comment on column warc_captures.record_offset is 'Byte offset of the record in the file (compressed, as stored): where `warcio extract FILE OFFSET` finds it.';
comment on column warc_captures.source_name is 'The source the page was taken for.';
comment on column warc_captures.run_id is 'The run that first archived the capture.';
comment on column warc_captures.url is 'The page''s identity URL (as articles.url and page_fetches.url file it).';
comment on column warc_captures.target_uri is 'WARC-Target-URI as the record gives it.';
comment on column warc_captures.captured_at is 'WARC-Date: when the page was captured (the article''s fetched_at).';
comment on column warc_captures.body_sha256 is 'The HTTP payload as archived (page_bodies.body_sha256).';
