-- Applied migrations with the checksum of the file as applied.
select version, checksum
from schema_migrations;
