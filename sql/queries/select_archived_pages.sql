-- The newest stored version of each page a source's runs over an overlapping interval fetched:
-- one row per URL, what reprocess re-extracts.
with fetched as (
    select distinct on (f.url)
        f.url,
        f.final_url,
        f.http_status,
        f.content_type,
        f.headers,
        f.fetched_at,
        f.body_sha256
    from page_fetches as f
    inner join pipeline_runs as r on r.run_id = f.run_id
    where
        f.source_name = %(source_name)s
        and r.interval_start < %(interval_end)s
        and r.interval_end > %(interval_start)s
    order by f.url, f.fetch_id desc
)
select
    fetched.url,
    fetched.final_url,
    fetched.http_status,
    fetched.content_type,
    fetched.headers,
    fetched.fetched_at,
    b.body_codec,
    b.body_compressed
from fetched
inner join page_bodies as b on b.body_sha256 = fetched.body_sha256
order by fetched.url;
