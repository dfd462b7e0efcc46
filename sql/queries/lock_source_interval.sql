-- Serialise runs of the same source and interval (a backfill overlapping the nightly run); released when
-- the run's connection closes, also when its worker dies. The key uses epoch seconds, not text, so it does
-- not depend on the session's TimeZone.
select pg_advisory_lock(
    hashtextextended(
        %(source_name)s
        || '|' || extract(epoch from %(interval_start)s::timestamptz)::bigint
        || '|' || extract(epoch from %(interval_end)s::timestamptz)::bigint,
        0
    )
);
