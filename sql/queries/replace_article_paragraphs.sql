-- Rewrite the paragraph list of new and changed articles only.
delete from article_paragraphs as ap
using load_changed as c
where ap.article_id = c.article_id;

insert into article_paragraphs (article_id, position, paragraph_key)
select c.article_id, p.position, p.paragraph_key
from load_paragraphs as p
inner join load_changed as c on c.url = p.url
order by c.article_id, p.position;
