#!/usr/bin/env bash
# Prints, on this machine: fresh clone -> first 200 from `make run`; a second `make run` ->
# first 200; the database part of a first start (a new embedded cluster, the migrations, the
# demo data, each timed again in the clone); and the duration of `make test` (skipped with
# --no-test). Uses the embedded PostgreSQL (DATABASE_URL unset).
# Usage: bench/setup_time.sh [--no-test] [PORT]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
run_tests=1
if [ "${1:-}" = "--no-test" ]; then run_tests=""; shift; fi
port="${1:-8799}"
work="$(mktemp -d)"
unset DATABASE_URL VAR_DIR
trap 'cleanup' EXIT

cleanup() {
  [ -n "${run_pid:-}" ] && kill -- -"$run_pid" 2>/dev/null || true
  if [ -x "$work/clone/.venv/bin/python" ]; then
    (cd "$work/clone" && make -s db-stop >/dev/null 2>&1) || true
  fi
  rm -rf "$work"
}

now() { date +%s.%N; }

time_make_run() {
  local start log
  start=$(now)
  log="$work/run.log"
  # setsid makes make the leader of its own process group, so one kill stops the server.
  setsid make -C "$work/clone" run PORT="$port" >"$log" 2>&1 &
  run_pid=$!
  local deadline=$(( $(date +%s) + ${SETUP_TIMEOUT:-1800} ))  # pip may take minutes
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; then
      python3 -c "print($(now) - $start)"
      kill -- -"$run_pid" 2>/dev/null || true
      wait "$run_pid" 2>/dev/null || true
      run_pid=""
      return
    fi
    sleep 0.2
  done
  cat "$log" >&2
  echo "make run did not answer" >&2
  exit 1
}

# The database part of a first start, again: a new cluster (initdb and start), the
# migrations, the demo data.
time_step() {
  local start
  start=$(now)
  (cd "$work/clone" && "$@" >>"$work/db.log" 2>&1) || { cat "$work/db.log" >&2; exit 1; }
  python3 -c "print($(now) - $start)"
}

git clone -q "$repo" "$work/clone"
first=$(time_make_run)
second=$(time_make_run)
(cd "$work/clone" && make -s db-stop >/dev/null && rm -rf var/pgdata)
db_server=$(time_step .venv/bin/python -W ignore -c \
  "from pathlib import Path; from portfolio_site import embedded_db; embedded_db.ensure_running(Path('var'))")
db_migrate=$(time_step .venv/bin/python manage.py migrate --noinput -v0)
db_seed=$(time_step .venv/bin/python manage.py seed_demo --if-empty)

printf 'fresh clone -> first 200 from make run : %6.1f s\n' "$first"
printf '  of which the database, timed again   : %6.1f s   (new cluster %.1f s, migrate %.1f s, demo data %.1f s)\n' \
  "$(python3 -c "print($db_server + $db_migrate + $db_seed)")" "$db_server" "$db_migrate" "$db_seed"
printf 'second make run -> first 200          : %6.1f s\n' "$second"
if [ -n "$run_tests" ]; then
  start=$(now)
  (cd "$work/clone" && make test >"$work/test.log" 2>&1) || { tail -30 "$work/test.log"; exit 1; }
  test_time=$(python3 -c "print($(now) - $start)")
  summary=$(grep -E "passed|failed" "$work/test.log" | tail -1)
  printf 'make test (whole suite)                : %6.1f s   (%s)\n' "$test_time" "$summary"
fi
