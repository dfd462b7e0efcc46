-- A source's URLs whose latest fetch failure is retryable, or a give-up, with no page stored since: one row
-- per URL with the attempts failed so far, the latest reason, when it was given up (null unless the latest
-- row is a give-up) and how many give-ups it has had since its last stored page.
with latest as (
    select distinct on (url)
        url,
        reason,
        attempt,
        failed_at,
        run_id
    from fetch_failures
    where source_name = %(source_name)s and stage = 'fetch'
    order by url, failure_id desc
),

waiting as (
    select
        l.url,
        l.reason,
        l.attempt,
        l.failed_at,
        l.run_id,
        (
            select max(f.run_id) from page_fetches as f
            where f.source_name = %(source_name)s and f.url = l.url
        ) as stored_run_id
    from latest as l
    where l.reason = any(%(reasons)s) or l.reason = %(given_up)s
)

select
    w.url,
    w.attempt,
    w.reason,
    case when w.reason = %(given_up)s then w.failed_at end as given_up_at,
    (
        select count(*) from fetch_failures as g
        where
            g.source_name = %(source_name)s and g.url = w.url and g.reason = %(given_up)s
            and g.run_id > coalesce(w.stored_run_id, 0)
    ) as give_ups
from waiting as w
where w.stored_run_id is null or w.stored_run_id < w.run_id
order by w.url;
