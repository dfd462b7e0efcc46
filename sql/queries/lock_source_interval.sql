-- Serialise runs of the same source and interval (a backfill overlapping the nightly run); released when
-- the run's connection closes, also when its worker dies.
select pg_advisory_lock(hashtextextended(%(source_name)s || '|' || %(interval_start)s::text || '|' || %(interval_end)s::text, 0));
