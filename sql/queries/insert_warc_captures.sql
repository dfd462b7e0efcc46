-- Record where the captures of one batch came from (file and record offset); a record imported again (a
-- resumed import re-reading its last batch, a grown file read under a new key) keeps its first row. One
-- statement per batch (arrays).
insert into warc_captures (
    file_key, warc_file, record_offset, source_name, run_id, url, target_uri, captured_at, body_sha256
)
select
    %(file_key)s, %(warc_file)s, record_offset, %(source_name)s, %(run_id)s, url, target_uri, captured_at,
    body_sha256
from unnest(
    %(record_offsets)s::bigint [], %(urls)s::text [], %(target_uris)s::text [], %(captured_ats)s::timestamptz [],
    %(body_sha256s)s::bytea []
) as captured (record_offset, url, target_uri, captured_at, body_sha256)
order by record_offset
on conflict do nothing;
