-- Take up the paragraphs staged in load_bands: write their band keys and mark them pending, in one
-- transaction. A paragraph already taken up (by a crashed step or another worker) keeps its row, and the
-- primary key makes a concurrent take wait for the other to commit; ordered by key so that concurrent
-- workers lock keys in the same order.
with taken as (
    insert into paragraph_bands (paragraph_key, band_keys)
    select b.paragraph_key, b.band_keys
    from load_bands as b
    order by b.paragraph_key
    on conflict (paragraph_key) do nothing
    returning paragraph_key
)

insert into paragraph_lsh_pending (paragraph_key)
select t.paragraph_key
from taken as t
order by t.paragraph_key
on conflict (paragraph_key) do nothing;
