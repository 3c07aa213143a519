#!/usr/bin/env bash
# npm start: installs what is missing, starts PostgreSQL and Redis if needed,
# builds, migrates, then runs the API (serving the built Angular app) and the
# queue worker on one port. Ctrl-C stops both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

ensure_node
ensure_deps
ensure_postgres
ensure_redis
ensure_pgvector

mkdir -p .lectern/logs
# Secrets: each one set in the environment wins; the others are generated once into .lectern/ (git-ignored).
# shellcheck source=lib/secrets.sh
source scripts/lib/secrets.sh
load_secrets .lectern/secrets.env

export PORT="${PORT:-3000}"
export HOST="${HOST:-127.0.0.1}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lectern}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export FRONTEND_DIST="${FRONTEND_DIST:-$ROOT/dist/frontend/browser}"
export NODE_ENV="${NODE_ENV:-production}"

# The default local database is created on first start.
node scripts/lib/ensure-database.mjs "$DATABASE_URL"

echo "Building Lectern (cached after the first time)…"
npx nx run-many -t build -p backend frontend --output-style=static >.lectern/logs/build.log 2>&1 \
  || { tail -40 .lectern/logs/build.log; echo "Build failed; full log: .lectern/logs/build.log" >&2; exit 1; }

node dist/backend/cli.js migrate
# The configured book (the sample book by default); a no-op when nothing changed.
node dist/backend/cli.js content sync "${CONTENT_SOURCE_DIR:-content}"

api_pid=""
worker_pid=""
fake_llm_pid=""
cleanup() {
  # Stop every process this script started (SIGTERM: the api finishes its requests, the worker its jobs).
  local pids=()
  for pid in "$api_pid" "$worker_pid" "$fake_llm_pid"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  [[ ${#pids[@]} -gt 0 ]] && wait "${pids[@]}" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# LECTERN_FAKE_LLM=1: try the Personalized tab without a provider, against the
# repo's fake OpenAI-compatible server (its "rewrites" are mechanical: a demo, not a model).
if [[ "${LECTERN_FAKE_LLM:-}" == "1" && -z "${OPENAI_API_KEY:-}${OPENAI_BASE_URL:-}" ]]; then
  fake_port="${LECTERN_FAKE_LLM_PORT:-8089}"
  node --experimental-strip-types --no-warnings backend/testing/fake-openai/main.ts --port "$fake_port" >.lectern/logs/fake-llm.log 2>&1 &
  fake_llm_pid=$!
  export OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1"
  echo "Using the repo's fake LLM on $OPENAI_BASE_URL (demo rewrites)."
fi

node dist/backend/worker.js &
worker_pid=$!

shown_host="$HOST"
[[ "$HOST" == "0.0.0.0" || "$HOST" == "::" ]] && shown_host=localhost
(
  # Print the URL once the API answers.
  for _ in $(seq 1 120); do
    if node -e "fetch('http://127.0.0.1:$PORT/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
      echo
      echo "  Lectern is running:  http://$shown_host:$PORT"
      echo "  API docs:            http://$shown_host:$PORT/api/docs"
      echo "  Admin token:         in .lectern/secrets.env (ADMIN_TOKEN) unless you set one"
      echo
      exit 0
    fi
    sleep 0.5
  done
) &
# In the background, so Ctrl-C or a SIGTERM reaches this script at once and stops both.
node dist/backend/main.js &
api_pid=$!
# If either process ends, stop the other and report how it ended.
status=0
wait -n "$api_pid" "$worker_pid" || status=$?
exit "$status"
