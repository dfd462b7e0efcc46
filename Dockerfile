# The image the compose file runs: Airflow 3.3.2 with this project's requirements, library, SQL, DAGs and
# plugins (the DAGs' timetable). The library is used from /opt/newsetl on PYTHONPATH, where etl/ finds sql/.
FROM apache/airflow:3.3.2-python3.11

COPY --chown=airflow:root requirements.txt /opt/newsetl/requirements.txt
RUN pip install --no-cache-dir "apache-airflow==3.3.2" -r /opt/newsetl/requirements.txt

COPY --chown=airflow:root pyproject.toml /opt/newsetl/pyproject.toml
COPY --chown=airflow:root etl /opt/newsetl/etl
COPY --chown=airflow:root sql /opt/newsetl/sql
COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root plugins /opt/airflow/plugins
ENV PYTHONPATH=/opt/newsetl
