-- Store a fetched body once, keyed by its hash; a body already stored is left as it is.
insert into page_bodies (body_sha256, body_gzip, size_bytes)
values (%(body_sha256)s, %(body_gzip)s, %(size_bytes)s)
on conflict (body_sha256) do nothing;
