-- Register a source, or refresh its settings.
insert into sources (source_name, base_url, language)
values (%(source_name)s, %(base_url)s, %(language)s)
on conflict (source_name) do update set
    base_url = excluded.base_url,
    language = excluded.language
where (sources.base_url, sources.language) is distinct from (excluded.base_url, excluded.language);
