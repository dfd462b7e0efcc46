-- Mark the source's 'running' rows whose run holds no lock (lock_run.sql) any more: their process died.
update pipeline_runs as r set
    status = 'abandoned',
    finished_at = greatest(now(), r.started_at),
    error = 'the run ended without closing its audit row (process killed or lost); a later run found it'
where
    r.source_name = %(source_name)s
    and r.status = 'running'
    and not exists (
        select 1
        from pg_locks as l
        where
            l.locktype = 'advisory'
            and l.database = (select oid from pg_database where datname = current_database())
            and l.classid = hashtext('newsetl.run')::oid
            and l.objid = r.run_id::integer::oid
            and l.objsubid = 2
    )
returning r.run_id;
