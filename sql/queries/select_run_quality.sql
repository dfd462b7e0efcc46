-- The counts the data-quality check judges, for the given runs (one row per run).
select run_id, source_name, status, urls_discovered, robots_disallowed, pages_fetched, fetch_failed,
    extract_failed, paragraphs_extracted, paragraphs_repeated
from pipeline_runs
where run_id = any(%(run_ids)s)
order by run_id;
