-- Staging table for the LSH band keys of one batch's pending paragraphs (one row per paragraph), created once
-- per connection; its rows vanish when the transaction ends.
create temporary table if not exists load_bands (
    paragraph_key bytea not null,
    band_keys integer [] not null
) on commit delete rows;
