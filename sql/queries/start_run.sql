-- Open the audit row of a run attempt.
insert into pipeline_runs (source_name, interval_start, interval_end, dag_run_id)
values (%(source_name)s, %(interval_start)s, %(interval_end)s, %(dag_run_id)s)
returning run_id;
