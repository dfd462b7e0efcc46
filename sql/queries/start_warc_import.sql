-- The import state of one WARC file for one scope and interval, its row created when it is first imported:
-- one row, (status, resume_offset, records_read, counts).
with created as (
    insert into warc_imports (file_key, warc_file, scope, interval_start, interval_end)
    values (%(file_key)s, %(warc_file)s, %(scope)s, %(interval_start)s, %(interval_end)s)
    on conflict (file_key, scope, interval_start, interval_end) do nothing
    returning status, resume_offset, records_read, counts
)

select status, resume_offset, records_read, counts
from created
union all
select status, resume_offset, records_read, counts
from warc_imports
where
    file_key = %(file_key)s
    and scope = %(scope)s
    and interval_start = %(interval_start)s
    and interval_end = %(interval_end)s;
