#!/usr/bin/env bash
# Prints, on this machine: fresh clone -> first 200 from `make run`; a second `make run` ->
# first 200; and the duration of `make test`. Uses the embedded PostgreSQL (DATABASE_URL unset).
# Usage: bench/setup_time.sh [PORT]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
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
  for _ in $(seq 1 900); do
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

git clone -q "$repo" "$work/clone"
first=$(time_make_run)
second=$(time_make_run)
start=$(now)
(cd "$work/clone" && make test >"$work/test.log" 2>&1) || { tail -30 "$work/test.log"; exit 1; }
test_time=$(python3 -c "print($(now) - $start)")
summary=$(grep -E "passed|failed" "$work/test.log" | tail -1)

printf 'fresh clone -> first 200 from make run : %6.1f s\n' "$first"
printf 'second make run -> first 200          : %6.1f s\n' "$second"
printf 'make test (whole suite)                : %6.1f s   (%s)\n' "$test_time" "$summary"
