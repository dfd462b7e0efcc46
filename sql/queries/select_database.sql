-- Does a database of this name exist on the server?
select 1
from pg_database
where datname = %(name)s;
