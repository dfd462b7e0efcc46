-- Record the batch's failed URLs for this run; a retried batch records each URL once.
insert into fetch_failures (run_id, source_name, url, stage, reason, http_status, detail, failed_at)
select %(run_id)s, %(source_name)s, url, stage, reason, http_status, detail, failed_at
from load_failures
order by url
on conflict (run_id, url) do nothing;
