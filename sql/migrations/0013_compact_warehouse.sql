-- 0013: four parts of the warehouse made smaller, keeping every stored row.
-- Grain: page_bodies (one row per distinct response body), paragraph_bands (one row per indexed paragraph)
-- article_paragraphs (one row per article and paragraph) and paragraph_lsh (one row per paragraph taken up by
-- the near-duplicate step), all unchanged.
--
-- 1. The raw archive names the codec of each body, so that new bodies are stored as zstd. On the 295 dev-set
--    pages (183 KiB of HTML each) zstd level 3 stores 32.5 KiB a page against gzip level 3's 38.3 KiB (-15%),
--    in 0.36 ms of CPU against 1.03 ms (benchmarks/real_pages.py). Stored bodies are kept as they are: gzip,
--    which body_codec says; the column body_gzip, which no longer holds only gzip, is renamed body_compressed.
-- 2. The near-duplicate band keys are 32-bit: a key is the 64-bit key of migration 0012 with its two halves
--    XORed (the band number lands in the top byte of the 32 bits). Equal 64-bit keys stay equal, so no
--    candidate is lost; two different paragraphs' keys collide with a chance of 2**-32 per pair of keys, an
--    extra candidate that the verification step (etl.dedup.near_duplicates.near_duplicate) rejects. The table
--    is 35% smaller (8 to 5.3 MB at 1,000 distinct real pages); the GIN index, whose entries are padded to
--    8 bytes, only 4% (27 to 26 MB).
-- 3. article_paragraphs keeps two indexes instead of three: the unique (article_id, paragraph_key) becomes
--    (paragraph_key, article_id), the same constraint under the same name, which also serves every lookup by
--    paragraph (the story and boilerplate steps) that article_paragraphs_paragraph_ix served (7.5 MB, 2.5 KiB
--    an article, at 3,000 distinct real pages). Lookups by article use the primary key (article_id, position).
-- 4. paragraph_lsh leaves room in each page for the update that marks its rows checked (every row is inserted
--    with checked_at null, then updated once): the new version fits in the same page, a HOT update, and the
--    primary key gets no second entry per row (it was twice its size: 126,381 updates, none HOT, at 3,000
--    distinct real pages). Rows stored before stay where they are; new pages are filled to 45%.

alter table page_bodies rename column body_gzip to body_compressed;

-- every body stored so far is gzip; a new row names its codec (no default)
alter table page_bodies add column body_codec text not null default 'gzip';
alter table page_bodies alter column body_codec drop default;
alter table page_bodies add constraint page_bodies_codec_ck check (body_codec in ('gzip', 'zstd'));

comment on table page_bodies is 'One row per distinct page body the pipeline fetched, compressed (body_codec) and content-addressed.';
comment on column page_bodies.body_compressed is 'The body, compressed with body_codec (a complete gzip member or zstd frame).';
comment on column page_bodies.body_codec is 'How body_compressed is compressed: zstd (zstandard frame with its content size, written since migration 0013) or gzip (bodies stored before).';

-- the band keys folded through a temporary copy, as 0012 converted them: the table stays the one 0002 created
-- (reset_tables drops what the migration files create, by name). The index is created empty and the rows
-- inserted into it, as the near-duplicate step does: a GIN index built in one pass from these keys (nearly
-- all distinct) fills its pages by half, 33 MB against 26 MB at 1,000 distinct real pages.
create temporary table folded_bands on commit drop as
select
    b.paragraph_key,
    array(
        select ((k.band_key # (k.band_key >> 32)) << 32 >> 32)::integer
        from unnest(b.band_keys) with ordinality as k (band_key, band)
        order by k.band
    ) as band_keys
from paragraph_bands as b;

truncate paragraph_bands;
drop index paragraph_bands_keys_ix;
alter table paragraph_bands alter column band_keys type integer [];
create index paragraph_bands_keys_ix on paragraph_bands using gin (band_keys) with (fastupdate = off);

insert into paragraph_bands (paragraph_key, band_keys)
select paragraph_key, band_keys
from folded_bands
order by paragraph_key;

comment on column paragraph_bands.band_keys is 'One key per LSH band, in band order: the band''s 64-bit hash (etl.dedup.near_duplicates.BandHasher) XOR (band number << 56), folded to 32 bits (high half XOR low half), so that equal keys belong to the same band up to a 2**-32 chance.';

alter table article_paragraphs drop constraint article_paragraphs_once_key;
drop index article_paragraphs_paragraph_ix;
create unique index article_paragraphs_once_ix on article_paragraphs (paragraph_key, article_id);
alter table article_paragraphs add constraint article_paragraphs_once_key unique using index article_paragraphs_once_ix;

alter table paragraph_lsh set (fillfactor = 45);
