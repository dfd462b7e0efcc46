-- Staging table for the LSH band hashes of one batch, created once per connection; its rows vanish when the
-- transaction ends.
create temporary table if not exists load_bands (
    band smallint not null,
    band_hash bigint not null,
    paragraph_key bytea not null
) on commit delete rows;
