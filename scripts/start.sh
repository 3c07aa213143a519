#!/usr/bin/env bash
# npm start: installs what is missing (Node, dependencies; PostgreSQL, Redis
# and pgvector unless DATABASE_URL/REDIS_URL already reach servers that have
# them), then runs what the Nx targets a developer would run do: build,
# backend:db-migrate, backend:content-sync and backend:serve (the API serving
# the built Angular app, and the queue worker, on one port). Ctrl-C stops both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

ensure_node
ensure_deps
ensure_services

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

# Migrations, then the configured book (CONTENT_SOURCE_DIR, the sample book by
# default); both are no-ops when nothing changed.
npx nx run backend:content-sync --output-style=stream

# The API and the worker until Ctrl-C: what the backend:serve target runs once
# its dependencies (just above) are done, started directly so that Ctrl-C or a
# SIGTERM reaches it alone and each process gets exactly one SIGTERM (Nx would
# signal the whole process tree, and a second SIGTERM cuts a worker's job short).
exec node scripts/lib/serve.mjs
