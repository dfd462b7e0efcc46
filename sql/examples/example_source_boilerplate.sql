-- A source's boilerplate: one row per recurring paragraph of demo-de, the most frequent first.
select
    b.source_name,
    p.text,
    b.articles,
    b.days,
    b.first_seen_on,
    b.last_seen_on
from boilerplate_paragraphs as b
inner join paragraphs as p on p.paragraph_key = b.paragraph_key
where b.source_name = 'demo-de'
order by b.articles desc, p.text;
