-- The given paragraphs' near-duplicate candidates are verified: they are pending no more.
delete from paragraph_lsh_pending
where paragraph_key = any(%(keys)s);
