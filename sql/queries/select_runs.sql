-- The audit rows of the given runs (one row per run).
select run_id, source_name, status, urls_discovered, pages_fetched, fetch_failed, extract_failed,
    articles_loaded, error, load_failed, urls_given_up, discovery_counts
from pipeline_runs
where run_id = any(%(run_ids)s)
order by run_id;
