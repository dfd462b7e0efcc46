-- Whether the migration history table exists: false on a database no migration has touched.
select to_regclass('schema_migrations') is not null;
