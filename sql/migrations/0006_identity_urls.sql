-- 0006: article and page URLs are identity URLs. A source may set canonical_base_url in the sources file: the
-- pages under its base_url are then filed under that base instead, so a site served from another address (the
-- demo site on another port, a mirror, a staging host, m. beside www.) keeps one row per article, one archive
-- history and one failure history per page. Only the comments change: a source without the key is filed as
-- before.
comment on column articles.url is
'Canonical URL (scheme and host lower-cased, fragment and tracking parameters dropped), under the source''s canonical_base_url instead of its base_url when the sources file sets one: the article''s identity, whichever address served it.';
comment on column page_fetches.url is
'The page requested, by its identity URL (canonical, as discovered, rebased like articles.url); the request went to the source''s base_url.';
comment on column page_fetches.final_url is
'The URL the body came from, after redirects, rebased like articles.url.';
comment on column fetch_failures.url is
'The URL: a page by its identity URL (rebased like articles.url; detail names the address requested when it differs), or a sitemap or feed for discovery failures, as requested.';
