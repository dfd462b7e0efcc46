"""A deterministic multilingual news site served on localhost, with the ground truth of every article.

Demo runs, tests and benchmarks crawl it instead of the internet: ``content`` models the articles and their
truth, ``pages`` renders HTML, sitemaps, RSS and robots.txt, ``server`` serves them over HTTP.
"""
