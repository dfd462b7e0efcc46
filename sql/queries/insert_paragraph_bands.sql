-- Take up pending paragraphs in the near-duplicate index and add the band keys of those taken up now (a
-- paragraph already taken up, by a crashed step or another worker, has its row: both are written in one
-- transaction); ordered by key so that concurrent workers lock rows in the same order.
with taken as (
    insert into paragraph_lsh (paragraph_key)
    select paragraph_key
    from unnest(%(keys)s::bytea []) as pending (paragraph_key)
    order by paragraph_key
    on conflict (paragraph_key) do nothing
    returning paragraph_key
)

insert into paragraph_bands (paragraph_key, band_keys)
select b.paragraph_key, b.band_keys
from load_bands as b
inner join taken as t on t.paragraph_key = b.paragraph_key
order by b.paragraph_key;
