-- The newest stored version of each given URL: one row per URL, for conditional GETs.
select distinct on (f.url)
    f.url,
    f.final_url,
    f.http_status,
    f.content_type,
    f.headers,
    f.fetched_at,
    b.body_codec,
    b.body_compressed
from page_fetches as f
inner join page_bodies as b on b.body_sha256 = f.body_sha256
where f.source_name = %(source_name)s and f.url = any(%(urls)s)
order by f.url, f.fetch_id desc;
