#!/usr/bin/env bash
# Runs a command several times in a row while every core is kept busy, to
# find tests that race background work before CI does.
#
#   bash scripts/under-load.sh                 # npm test, 3 runs, one busy loop per core
#   bash scripts/under-load.sh -n 5 -- npx nx run backend-search:integration
#   LOAD_PROCESSES=4 bash scripts/under-load.sh -- npm test
#
# Stops at the first failing run (its exit status is returned) and always
# stops the load. Nx's cache is skipped, so each run runs every test. A test that passes alone and fails here waits on time, not
# on the event it needs.
set -euo pipefail
runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || set -- npm test

# Every run really runs: Nx would otherwise replay runs 2 and 3 from its cache.
export NX_SKIP_NX_CACHE=true

cores="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
processes="${LOAD_PROCESSES:-$cores}"
load_pids=()
stop_load() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_load EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 "$processes"); do
  # A CPU-bound busy loop at normal priority: the tests compete with it.
  sh -c 'while :; do :; done' &
  load_pids+=("$!")
done
echo "under-load: $processes busy loop(s) on $cores core(s); running '$*' $runs time(s)"

for run in $(seq 1 "$runs"); do
  started=$SECONDS
  echo "=== under-load: run $run of $runs ==="
  status=0
  "$@" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "under-load: run $run of $runs FAILED (exit $status) after $((SECONDS - started))s" >&2
    exit "$status"
  fi
  echo "under-load: run $run of $runs passed in $((SECONDS - started))s"
done
echo "under-load: all $runs runs passed"
