-- Serialise imports of one WARC file for one scope and interval (two workers given the same file, a re-run
-- while the first still runs): the second waits, then finds the file done or continues where the first
-- stopped. Session lock, released when the import's connection closes, also when its process dies.
select pg_advisory_lock(
    hashtextextended(
        'warc|' || %(file_key)s || '|' || %(scope)s
        || '|' || extract(epoch from %(interval_start)s::timestamptz)::bigint
        || '|' || extract(epoch from %(interval_end)s::timestamptz)::bigint,
        0
    )
);
