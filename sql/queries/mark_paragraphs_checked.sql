-- The given paragraphs' near-duplicate candidates are verified.
update paragraph_lsh set checked_at = now()
where paragraph_key = any(%(keys)s) and checked_at is null;
