# The image the compose file runs: Airflow 3.3.2 with this project's library, DAGs and SQL.
FROM apache/airflow:3.3.2-python3.11

COPY --chown=airflow:root requirements.txt /opt/newsetl/requirements.txt
RUN pip install --no-cache-dir -r /opt/newsetl/requirements.txt

COPY --chown=airflow:root etl /opt/newsetl/etl
COPY --chown=airflow:root sql /opt/newsetl/sql
COPY --chown=airflow:root dags /opt/airflow/dags
ENV PYTHONPATH=/opt/newsetl
