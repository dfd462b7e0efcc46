-- Record the data-quality verdict on one run's audit row; a second check overwrites the first.
update pipeline_runs set
    quality_checked_at = now(),
    no_text_share = %(no_text_share)s,
    fetch_failed_share = %(fetch_failed_share)s,
    repeat_share = %(repeat_share)s,
    quality_passed = %(passed)s
where run_id = %(run_id)s;
