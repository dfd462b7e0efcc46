#!/usr/bin/env bash
# Run the news_etl DAG in a local Airflow (`airflow standalone`: SQLite metadata, LocalExecutor), with
# the warehouse migrated and the demo site serving, so a run has something to scrape and somewhere to load.
# `make airflow` calls this from the repository root with the venv's bin first on PATH.
#
# Reads:
#   AIRFLOW_PORT          API server and UI port (default 8080).
#   DEMO_SITE_PORT        demo site port (default 8765); NEWSETL_DEMO_SITE_URL is set to match.
#   NEWSETL_DATABASE_URL  warehouse; unset: the embedded PostgreSQL in .newsetl/pg (left running on exit).
#   POOL_SLOTS            slots of the load pool (default 4): how many sources load at once, all runs together.
#
# State lives in .newsetl/airflow (git-ignored). Stop with Ctrl-C (or SIGTERM to this script), then wait
# a few seconds for Airflow to shut down.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
port=${AIRFLOW_PORT:-8080}
demo_port=${DEMO_SITE_PORT:-8765}

for tool in python airflow curl; do
    command -v "$tool" >/dev/null || { echo "$tool is not on PATH; run 'make airflow'" >&2; exit 1; }
done

export AIRFLOW_HOME=$root/.newsetl/airflow
export AIRFLOW__CORE__DAGS_FOLDER=$root/dags
# The DAGs' timetable and shared helpers; the scheduler accepts the timetable only as a registered plugin.
export AIRFLOW__CORE__PLUGINS_FOLDER=$root/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# Tasks reach the API server through the execution API URL, which does not follow the port by itself.
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT=$port
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=http://127.0.0.1:$port/execution/
# Airflow's processes import the DAG, and the DAG's tasks import etl from the repository.
export PYTHONPATH=$root${PYTHONPATH:+:$PYTHONPATH}
export NEWSETL_DEMO_SITE_URL=http://127.0.0.1:$demo_port
mkdir -p "$AIRFLOW_HOME"

if [[ -z ${NEWSETL_DATABASE_URL:-} ]]; then
    NEWSETL_DATABASE_URL=$(python -m etl warehouse-url)
    export NEWSETL_DATABASE_URL
fi
python -m etl migrate
# The pool that load_source runs in must exist, or its tasks are never scheduled.
airflow db migrate >/dev/null
airflow pools set "${NEWSETL_SCHEDULE_POOL:-newsetl_sources}" "${POOL_SLOTS:-4}" \
    "newsetl: concurrent source loads" >/dev/null

helpers=()
cleanup() {
    if ((${#helpers[@]})); then
        kill "${helpers[@]}" 2>/dev/null || true
    fi
}
trap cleanup EXIT

python -m etl demo-site --port "$demo_port" &
helpers+=("$!")
for _ in {1..30}; do
    curl -s -o /dev/null "$NEWSETL_DEMO_SITE_URL/" && break
    kill -0 "${helpers[0]}" 2>/dev/null || { echo "the demo site did not start" >&2; exit 1; }
    sleep 1
done

# Standalone prints the generated admin password only the first time; say where to log in on every start.
announce() {
    until curl -fsS "http://127.0.0.1:$port/api/v2/monitor/health" >/dev/null 2>&1; do
        sleep 2
    done
    local file=$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated password
    local login="see the standalone output above"
    if password=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin"])' "$file" 2>/dev/null)
    then
        login="user admin, password $password"
    fi
    printf '\nnewsetl | Airflow UI: http://127.0.0.1:%s (%s)\nnewsetl | demo site:  %s\n\n' \
        "$port" "$login" "$NEWSETL_DEMO_SITE_URL"
}
announce &
helpers+=("$!")

# Standalone gets a process group of its own (set -m) and one SIGINT, from us. Ctrl-C in a terminal would
# signal every Airflow process at once; the LocalExecutor workers then miss their shutdown and the scheduler
# hangs waiting for them. Given one SIGINT, standalone stops each component in turn.
set -m
airflow standalone &
airflow_pid=$!
set +m
stop_airflow() {
    kill -INT "$airflow_pid" 2>/dev/null || true
    wait "$airflow_pid" || true
}
trap 'stop_airflow; exit 130' INT
trap 'stop_airflow; exit 143' TERM HUP
wait "$airflow_pid"
