-- Close the audit row of a run attempt with its stage counts.
update pipeline_runs set
    finished_at = now(),
    status = %(status)s,
    urls_discovered = %(urls_discovered)s,
    robots_disallowed = %(robots_disallowed)s,
    pages_fetched = %(pages_fetched)s,
    fetch_failed = %(fetch_failed)s,
    extract_failed = %(extract_failed)s,
    articles_extracted = %(articles_extracted)s,
    paragraphs_extracted = %(paragraphs_extracted)s,
    paragraphs_repeated = %(paragraphs_repeated)s,
    articles_loaded = %(articles_loaded)s,
    load_failed = %(load_failed)s,
    urls_given_up = %(urls_given_up)s,
    characters_replaced = %(characters_replaced)s,
    discovery_counts = %(discovery_counts)s,
    error = %(error)s
where run_id = %(run_id)s;
