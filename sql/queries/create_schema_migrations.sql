-- One row per applied migration file; created before any migration runs.
create table if not exists schema_migrations (
    version text primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
);
comment on table schema_migrations is 'One row per applied file of sql/migrations; migrate applies only files not listed here.';
comment on column schema_migrations.version is 'Four-digit prefix of the migration file.';
comment on column schema_migrations.name is 'File name of the migration.';
comment on column schema_migrations.checksum is 'SHA-256 of the file as applied; a changed file is refused.';
comment on column schema_migrations.applied_at is 'When it was applied.';
