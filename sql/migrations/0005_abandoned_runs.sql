-- A run whose process died (kill -9, a lost machine) leaves its audit row 'running'; the next run of the
-- source marks it 'abandoned'. A live run holds a session advisory lock on its run_id (lock_run.sql), so
-- a 'running' row without that lock belongs to a dead run.
alter table pipeline_runs drop constraint pipeline_runs_status_ck;
alter table pipeline_runs
    add constraint pipeline_runs_status_ck check (status in ('running', 'success', 'failed', 'abandoned'));
comment on column pipeline_runs.status is
'running, success, failed, or abandoned (its process ended without closing the row; a later run of the source found it).';
