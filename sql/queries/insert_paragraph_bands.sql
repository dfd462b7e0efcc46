-- Take up pending paragraphs in the near-duplicate index and add their band hashes; ordered by key so that
-- concurrent workers lock rows in the same order.
insert into paragraph_lsh (paragraph_key)
select paragraph_key
from unnest(%(keys)s::bytea []) as pending (paragraph_key)
order by paragraph_key
on conflict (paragraph_key) do nothing;

insert into paragraph_bands (band, band_hash, paragraph_key)
select band, band_hash, paragraph_key
from load_bands
order by band, band_hash, paragraph_key
on conflict (band, band_hash, paragraph_key) do nothing;
