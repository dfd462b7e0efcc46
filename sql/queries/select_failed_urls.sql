-- A source's URLs whose latest fetch failed for a retryable reason with no page stored since:
-- one row per URL with how many attempts have failed.
with latest as (
    select distinct on (url)
        url,
        reason,
        attempt,
        run_id
    from fetch_failures
    where source_name = %(source_name)s and stage = 'fetch'
    order by url, failure_id desc
)
select
    latest.url,
    latest.attempt
from latest
where
    latest.reason = any(%(reasons)s)
    and not exists (
        select 1 from page_fetches as f
        where f.source_name = %(source_name)s and f.url = latest.url and f.run_id > latest.run_id
    )
order by latest.url;
