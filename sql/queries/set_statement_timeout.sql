-- The session's statement timeout (etl.warehouse.connection.connect: NEWSETL_DATABASE_STATEMENT_TIMEOUT_S).
set statement_timeout = %(milliseconds)s;
