-- 0004: data-quality results on each pipeline run, and the daily stats the example downstream DAG refreshes.
-- Grain: daily_source_stats_snapshot (one row per source and UTC day, a copy of the daily_source_stats view).

alter table pipeline_runs
    add column quality_checked_at timestamptz,
    add column no_text_share real,
    add column fetch_failed_share real,
    add column repeat_share real,
    add column quality_passed boolean,
    add constraint pipeline_runs_shares_ck check (
        no_text_share between 0 and 1 and fetch_failed_share between 0 and 1 and repeat_share between 0 and 1
    );
comment on column pipeline_runs.quality_checked_at is 'When the data-quality check last judged this run; null if never.';
comment on column pipeline_runs.no_text_share is 'Share of fetched pages that yielded no article text (extract failures / pages fetched).';
comment on column pipeline_runs.fetch_failed_share is 'Share of fetchable URLs whose fetch failed (fetch failures / URLs not disallowed by robots.txt).';
comment on column pipeline_runs.repeat_share is 'Share of extracted paragraphs dropped as repeats within their article.';
comment on column pipeline_runs.quality_passed is 'Whether every share was within its threshold (NEWSETL_QUALITY_*) when checked.';

create table daily_source_stats_snapshot (
    source_name text not null references sources (source_name),
    day date not null,
    articles integer not null,
    copies integer not null,
    paragraphs integer not null,
    repeats_removed integer not null,
    boilerplate_paragraphs integer not null,
    failures integer not null,
    refreshed_at timestamptz not null default now(),
    constraint daily_source_stats_snapshot_pkey primary key (source_name, day),
    constraint daily_source_stats_snapshot_counts_ck check (
        least(articles, copies, paragraphs, repeats_removed, boilerplate_paragraphs, failures) >= 0
    )
);
comment on table daily_source_stats_snapshot is 'The daily_source_stats view materialised per source and UTC day by the example downstream DAG (newsetl_daily_stats) after each successful load: fast reads for dashboards.';
comment on column daily_source_stats_snapshot.source_name is 'The source.';
comment on column daily_source_stats_snapshot.day is 'UTC calendar day (as in the daily_source_stats view).';
comment on column daily_source_stats_snapshot.articles is 'Articles published that day.';
comment on column daily_source_stats_snapshot.copies is 'Of those, articles that re-publish an earlier one.';
comment on column daily_source_stats_snapshot.paragraphs is 'Distinct paragraphs of those articles (rows in article_paragraphs).';
comment on column daily_source_stats_snapshot.repeats_removed is 'Paragraphs those articles repeated and the warehouse holds once.';
comment on column daily_source_stats_snapshot.boilerplate_paragraphs is 'Paragraph occurrences that are boilerplate of the source.';
comment on column daily_source_stats_snapshot.failures is 'Distinct failed URLs of runs whose interval starts that day.';
comment on column daily_source_stats_snapshot.refreshed_at is 'When this row last changed.';
