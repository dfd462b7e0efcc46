-- Record the batch's failed URLs for this run, each with its attempt number (failures of the URL since its
-- last stored page, this one included; a given_up row carries the failures so far and does not count as one);
-- a retried batch records each URL once.
with last_stored as (
    select
        url,
        max(run_id) as run_id
    from page_fetches
    where source_name = %(source_name)s
    group by url
),

earlier as (
    select
        f.url,
        count(*) as failures
    from fetch_failures as f
    left join last_stored as s on s.url = f.url
    where
        f.source_name = %(source_name)s and f.run_id < %(run_id)s and f.run_id > coalesce(s.run_id, 0)
        and f.reason <> 'given_up'
    group by f.url
)

insert into fetch_failures (run_id, source_name, url, stage, reason, http_status, detail, failed_at, attempt)
select
    %(run_id)s,
    %(source_name)s,
    l.url,
    l.stage,
    l.reason,
    l.http_status,
    l.detail,
    l.failed_at,
    greatest(coalesce(e.failures, 0) + case when l.reason = 'given_up' then 0 else 1 end, 1)
from load_failures as l
left join earlier as e on e.url = l.url
order by l.url
on conflict (run_id, url_key(url)) do nothing;
