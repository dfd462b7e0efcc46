-- 0007: what discovery saw, took and left out, per run and method, so nothing is dropped without a trace.
--
-- One jsonb object per run: {"<method>": {"seen": n, "taken": n, "<reason>": n, ...}} for each discovery
-- method the run tried (sitemap, news_sitemap, rss, archive), reasons out_of_interval, no_date,
-- unparseable_date, bad_url, off_host, duplicate, sitemap_limit (etl.crawl.discover.DROP_REASONS). A reason
-- that left nothing out is absent. Query it as (discovery_counts -> 'sitemap' ->> 'out_of_interval')::int.
-- Rows of earlier runs get '{}' (not recorded then).

alter table pipeline_runs add column discovery_counts jsonb not null default '{}'::jsonb;
alter table pipeline_runs add constraint pipeline_runs_discovery_counts_ck check (jsonb_typeof(discovery_counts) = 'object');
comment on column pipeline_runs.discovery_counts is
'Per discovery method tried: {"<method>": {"seen": n, "taken": n, "<reason>": n}}: entries the method read, the URLs it took, and those it left out by reason (out_of_interval, no_date, unparseable_date, bad_url, off_host, duplicate, sitemap_limit). {} for runs before migration 0007.';
