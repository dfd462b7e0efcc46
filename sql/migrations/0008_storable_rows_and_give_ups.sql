-- 0008: rows the warehouse can always store, and what a run could not store or gave up on.
--
-- URLs of any length: a btree index entry holds at most about 2.7 KB, so a page with a 10,000-character URL
-- failed its whole batch on the unique keys of articles, page_fetches and fetch_failures. Those keys are now
-- unique on url_key(url), the URL's SHA-256 (32 bytes whatever its length), and lookups by URL use hash
-- indexes, which store only a hash of the value. `on conflict (url_key(url))` keeps the upserts idempotent.
-- Applies to a populated warehouse: the existing rows are unique by URL, hence by its hash; the new indexes
-- are built inside the migration's transaction (the tables are locked while they build).
--
-- fetch_failures.stage gains 'load' (a page whose article the warehouse rejected: reason not_storable, the
-- database's message in detail); pipeline_runs counts those, the URLs the run gave up retrying (reason
-- given_up) and the characters made storable (NUL and lone surrogates replaced by U+FFFD).

create function url_key(url text) returns bytea
language sql immutable strict parallel safe
as $$ select sha256(convert_to(url, 'UTF8')) $$;
comment on function url_key(text) is 'SHA-256 of a URL (UTF-8): the unique key of URLs in articles, page_fetches and fetch_failures, fixed-size whatever the URL''s length.';

alter table articles drop constraint articles_url_key;
create unique index articles_url_key on articles (url_key(url));
create index articles_url_ix on articles using hash (url);

alter table page_fetches drop constraint page_fetches_run_url_key;
create unique index page_fetches_run_url_key on page_fetches (run_id, url_key(url));
drop index page_fetches_url_ix;
create index page_fetches_url_ix on page_fetches using hash (url);

alter table fetch_failures drop constraint fetch_failures_run_url_key;
create unique index fetch_failures_run_url_key on fetch_failures (run_id, url_key(url));
drop index fetch_failures_url_ix;
create index fetch_failures_url_ix on fetch_failures using hash (url);

alter table fetch_failures drop constraint fetch_failures_stage_ck;
alter table fetch_failures
    add constraint fetch_failures_stage_ck check (stage in ('discover', 'fetch', 'extract', 'load'));
comment on column fetch_failures.stage is
'discover, fetch, extract or load (the warehouse rejected the page''s article: reason not_storable).';
comment on column fetch_failures.reason is
'Short machine-readable reason: http_503, timeout, robots_disallowed, no_text, not_storable, given_up (a URL no longer retried by every run: attempt failed runs so far; fetched again when discovery lists it or after a backoff), ...';

alter table pipeline_runs
    add column load_failed integer not null default 0,
    add column urls_given_up integer not null default 0,
    add column characters_replaced integer not null default 0,
    add constraint pipeline_runs_load_counts_ck check (least(load_failed, urls_given_up, characters_replaced) >= 0);
comment on column pipeline_runs.load_failed is
'Extracted articles the warehouse could not store (fetch_failures with stage load, reason not_storable).';
comment on column pipeline_runs.urls_given_up is
'Earlier failed URLs this run stopped retrying after their attempts ran out (fetch_failures with reason given_up).';
comment on column pipeline_runs.characters_replaced is
'NUL characters and lone surrogates replaced by U+FFFD in the text this run loaded (articles and failures).';
