-- Store the fetched bodies of a batch once each, keyed by their hash; a body already stored is left as it is.
-- One statement per batch (arrays), ordered by key so that concurrent batches lock rows in the same order.
insert into page_bodies (body_sha256, body_codec, body_compressed, size_bytes)
select distinct on (body_sha256) body_sha256, %(body_codec)s, body_compressed, size_bytes
from unnest(%(body_sha256s)s::bytea [], %(body_compresseds)s::bytea [], %(size_bytes)s::integer []) as body (
    body_sha256, body_compressed, size_bytes
)
order by body_sha256
on conflict (body_sha256) do nothing;
