-- Staging tables for one load batch; they vanish when the batch's transaction ends.
create temporary table load_articles (
    url text not null,
    source_name text not null,
    title text,
    published_at timestamptz,
    language text,
    authors text[] not null,
    section text,
    fetched_at timestamptz not null,
    body_hash bytea not null,
    paragraph_count integer not null,
    repeats_removed integer not null
) on commit drop;

create temporary table load_paragraphs (
    url text not null,
    position integer not null,
    paragraph_key bytea not null,
    text text not null
) on commit drop;

create temporary table load_failures (
    url text not null,
    stage text not null,
    reason text not null,
    http_status integer,
    detail text not null,
    failed_at timestamptz not null
) on commit drop;

create temporary table load_changed (
    article_id bigint not null,
    url text not null
) on commit drop;
