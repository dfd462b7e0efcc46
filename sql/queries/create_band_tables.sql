-- Staging table for the LSH band hashes of one batch; it vanishes when the transaction ends.
create temporary table load_bands (
    band smallint not null,
    band_hash bigint not null,
    paragraph_key bytea not null
) on commit drop;
