-- Commit how far an import of one WARC file got: every record before resume_offset is loaded, with the counts
-- so far; status done when the file was read to its end. Run after the batch's loads committed.
update warc_imports set
    warc_file = %(warc_file)s,
    status = %(status)s,
    resume_offset = %(resume_offset)s,
    records_read = %(records_read)s,
    counts = %(counts)s,
    run_ids = (
        select coalesce(array_agg(distinct run_id order by run_id), '{}')
        from unnest(run_ids || %(run_ids)s::bigint []) as ids (run_id)
    ),
    updated_at = now(),
    finished_at = case when %(status)s = 'done' then now() end
where
    file_key = %(file_key)s
    and scope = %(scope)s
    and interval_start = %(interval_start)s
    and interval_end = %(interval_end)s;
