-- Record verified near-duplicate pairs (smaller key first); a pair already linked is left as it is.
insert into paragraph_near_duplicates (paragraph_key, similar_key, similarity)
select paragraph_key, similar_key, similarity
from unnest(%(firsts)s::bytea [], %(seconds)s::bytea [], %(sims)s::real []) as link (
    paragraph_key, similar_key, similarity
)
order by paragraph_key, similar_key
on conflict (paragraph_key, similar_key) do nothing;
