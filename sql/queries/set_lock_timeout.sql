-- One round of a lock wait (etl.warehouse.connection.wait_for_lock): give up waiting after this long.
set local lock_timeout = %(milliseconds)s;
