"""Web archives as a source of pages: WARC and ARC files (``etl.archives.warc``) and Common Crawl News
(``etl.archives.ccnews``).

A capture taken from an archive becomes the same ``FetchedPage`` a fetch gives (its capture time as
``fetched_at``), so ``etl.pipeline.imports`` sends it through the same stages: raw archive, extract, dedup,
load. Every record not taken is counted by reason, never dropped silently.
"""
