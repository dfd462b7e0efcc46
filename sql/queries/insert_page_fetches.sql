-- Record that a run fetched the pages of a batch (or found them unchanged); a retried batch records each URL
-- once. One statement per batch (arrays).
insert into page_fetches (
    run_id, source_name, url, final_url, http_status, not_modified, content_type, headers, body_sha256, fetched_at
)
select
    %(run_id)s, %(source_name)s, url, final_url, http_status, not_modified, content_type, headers, body_sha256,
    fetched_at
from unnest(
    %(urls)s::text [], %(final_urls)s::text [], %(http_statuses)s::integer [], %(not_modifieds)s::boolean [],
    %(content_types)s::text [], %(headers)s::jsonb [], %(body_sha256s)s::bytea [], %(fetched_ats)s::timestamptz []
) as fetched (url, final_url, http_status, not_modified, content_type, headers, body_sha256, fetched_at)
order by url
on conflict (run_id, url_key(url)) do nothing;
