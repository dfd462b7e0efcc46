-- Record that a run fetched a page (or found it unchanged); a retried batch records each URL once.
insert into page_fetches (
    run_id, source_name, url, final_url, http_status, not_modified, content_type, headers, body_sha256, fetched_at
)
values (
    %(run_id)s, %(source_name)s, %(url)s, %(final_url)s, %(http_status)s, %(not_modified)s, %(content_type)s,
    %(headers)s, %(body_sha256)s, %(fetched_at)s
)
on conflict (run_id, url) do nothing;
