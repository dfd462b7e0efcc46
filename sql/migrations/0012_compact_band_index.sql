-- 0012: the near-duplicate (LSH) index one row per paragraph instead of one per band.
-- Grain: paragraph_bands (one row per indexed paragraph: its band keys as one array, GIN-indexed).
--
-- Before: one (band, band_hash, paragraph_key) row per band, 16 per paragraph, each with a b-tree entry: about
-- 2.2 kB a paragraph (0.85 kB now), the largest table of the warehouse. The band number is folded into the key
-- (band_hash XOR band << 56: equal keys are equal hashes of the same band, as before, up to 2**-64) and a
-- paragraph's keys are one bigint[] with a GIN index, whose lookups (&&) find every paragraph sharing a key
-- in as many index probes as there are bands, whatever the table holds. fastupdate is off: a pending list
-- would be scanned whole by every lookup, and the near-duplicate step makes thousands per batch.
-- Existing rows are converted; the band hashes themselves are unchanged (etl.dedup.near_duplicates).

-- The table is converted in place (its rows collapsed through a temporary copy), so that it stays the one
-- migration 0002 created: reset_tables drops what the migration files create, by name.
create temporary table converted_bands on commit drop as
select
    paragraph_key,
    array_agg(band_hash # (band::bigint << 56) order by band) as band_keys
from paragraph_bands
group by paragraph_key;

truncate paragraph_bands;

alter table paragraph_bands
    drop constraint paragraph_bands_pkey,
    drop column band,
    drop column band_hash,
    add column band_keys bigint [] not null,
    add constraint paragraph_bands_keys_ck check (cardinality(band_keys) >= 1);

insert into paragraph_bands (paragraph_key, band_keys)
select paragraph_key, band_keys
from converted_bands
order by paragraph_key;

create index paragraph_bands_keys_ix on paragraph_bands using gin (band_keys) with (fastupdate = off);

comment on table paragraph_bands is 'MinHash LSH index of paragraphs, one row per indexed paragraph: paragraphs sharing a band key are near-duplicate candidates (band hashes are salted with the numbers, names and dates of the text, which near-duplicates share). Written with the paragraph''s paragraph_lsh row, in one transaction; no row for a paragraph too short to index.';
comment on column paragraph_bands.paragraph_key is 'The indexed paragraph.';
comment on column paragraph_bands.band_keys is 'One key per LSH band, in band order: the band''s 64-bit hash (etl.dedup.near_duplicates.BandHasher) XOR (band number << 56), so that equal keys belong to the same band.';
