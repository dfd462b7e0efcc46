-- Staging tables for load batches, created once per connection; their rows vanish when a batch's transaction
-- ends (creating and dropping them per batch cost more catalog work than the batch itself at small sizes).
create temporary table if not exists load_articles (
    url text not null,
    source_name text not null,
    title text,
    published_at timestamptz,
    published_utc_offset_min smallint,
    language text,
    authors text[] not null,
    section text,
    publisher text,
    fetched_at timestamptz not null,
    body_hash bytea not null,
    paragraph_count integer not null,
    repeats_removed integer not null
) on commit delete rows;

create temporary table if not exists load_paragraphs (
    url text not null,
    fetched_at timestamptz not null,
    position integer not null,
    paragraph_key bytea not null,
    text text not null
) on commit delete rows;

create temporary table if not exists load_failures (
    url text not null,
    stage text not null,
    reason text not null,
    http_status integer,
    detail text not null,
    failed_at timestamptz not null
) on commit delete rows;

create temporary table if not exists load_captured (
    article_id bigint not null
) on commit delete rows;

create temporary table if not exists load_changed (
    article_id bigint not null,
    url text not null
) on commit delete rows;
