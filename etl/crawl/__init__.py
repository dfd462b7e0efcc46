"""Crawling: discover a source's article URLs, then fetch them politely (robots.txt, rate limits, retries)."""
