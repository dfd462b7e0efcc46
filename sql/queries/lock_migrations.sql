-- Serialise migrators: held until the migrating transaction ends.
select pg_advisory_xact_lock(%(key)s);
