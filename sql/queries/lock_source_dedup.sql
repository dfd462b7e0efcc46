-- Serialise cross-article deduplication of one source (boilerplate refresh): held until the transaction ends.
select pg_advisory_xact_lock(hashtext('newsetl.dedup:' || %(source_name)s));
