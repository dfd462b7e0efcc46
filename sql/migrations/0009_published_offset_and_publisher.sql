-- 0009: the page's own UTC offset beside the publication instant, its local publication day, and the publisher.
--
-- published_at stays the instant (timestamptz). published_utc_offset_min is the offset the page stated with it
-- (2024-03-05T08:05:00+01:00 -> 60; a time without a zone is read as UTC -> 0), so published_local_date, the day
-- on the page's own calendar, is a plain column: "articles published on the 15th in Minsk" is
-- `where published_local_date = date '2025-05-15' and published_utc_offset_min = 180`. Rows loaded before this
-- migration have no recorded offset (null; a reprocess records it) and their local date is their UTC day.
--
-- Which day an article belongs to elsewhere: runs load half-open UTC intervals of instants (Airflow's data
-- intervals), and daily_source_stats and boilerplate days count UTC days, so every article belongs to exactly
-- one nightly run and one stats day whatever its zone. published_local_date is the day the page and its
-- readers name; it is for questions about a place's calendar, not for the run's bookkeeping.
--
-- publisher: the organisation that publishes the article (JSON-LD publisher, an organisation named where an
-- author is, article:publisher, og:site_name); authors hold people only.

alter table articles
    add column published_utc_offset_min smallint
        constraint articles_published_offset_check check (published_utc_offset_min between -840 and 840),
    add column published_local_date date generated always as (
        ((published_at at time zone 'UTC') + make_interval(mins => coalesce(published_utc_offset_min, 0)))::date
    ) stored,
    add column publisher text;

create index articles_published_local_date_ix on articles (published_local_date);
create index articles_source_published_local_date_ix on articles (source_name, published_local_date);

comment on column articles.published_at is
    'Publication instant as the page states it; a time the page gives without a zone is read as UTC.';
comment on column articles.published_utc_offset_min is
    'UTC offset in minutes the page stated with its publication time (+01:00 -> 60); 0 when it stated none (read as UTC); null when unknown (loaded before migration 0009) or no date.';
comment on column articles.published_local_date is
    'Publication day on the page''s own calendar: published_at at the page''s offset (its UTC day when the offset is unknown). Runs and daily stats count UTC days.';
comment on column articles.publisher is
    'Organisation that publishes the article (JSON-LD publisher, an organisation in the author field, article:publisher, og:site_name); authors hold people only.';
