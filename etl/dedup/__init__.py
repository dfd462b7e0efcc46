"""Deduplication: one definition of the same paragraph, then repeats, near-duplicates, copies and boilerplate."""
