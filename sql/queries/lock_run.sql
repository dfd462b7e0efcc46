-- Held by a run's connection for its whole life (session level): a 'running' row without it is a dead run's.
select pg_advisory_lock(hashtext('newsetl.run'), %(run_id)s::integer);
