"""The warehouse: connections, the embedded server, migrations, named queries, loads and what is read back."""
