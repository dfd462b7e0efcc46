-- Why pages did not become articles: one row per source, stage and reason, latest run of each URL only.
with latest as (
    select distinct on (url) url, source_name, stage, reason, http_status
    from fetch_failures
    order by url, failed_at desc
)

select source_name, stage, reason, count(*) as urls
from latest
group by source_name, stage, reason
order by urls desc, source_name, reason;
