"""newsetl: discover -> fetch -> extract -> normalise -> dedup -> load, as a plain library.

Nothing here imports Airflow; the DAGs in ``dags/`` and the CLI (``python -m etl``) are thin callers.
"""
