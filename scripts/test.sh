#!/usr/bin/env bash
# npm test: every test, against the real PostgreSQL and Redis and a real
# browser. Installs what is missing first (Node 24, dependencies, pgvector,
# Chromium) and starts the services when they are installed but stopped.
# Tiers: lint → type check → unit → integration (a fresh database per run) → build → browser.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

started=$SECONDS
ensure_node
ensure_deps
ensure_postgres
ensure_redis
ensure_pgvector
ensure_chromium

# Tests never reach a real LLM, and use their own databases.
unset OPENAI_API_KEY OPENAI_BASE_URL
export TEST_DATABASE_ADMIN_URL="${TEST_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

nx() { npx nx "$@" --output-style=static; }
step() { printf '\n=== %s ===\n' "$*"; }

step "Lint (zero warnings), module boundaries, nx affected as narrow as the imports"
nx run-many -t lint --parallel=2
bash scripts/check-boundaries.sh
node scripts/check-affected.mjs

step "Type check (every project, specs and browser tests included)"
nx run-many -t typecheck --parallel=2

step "Unit tests"
nx run-many -t test --parallel=2

step "Integration tests (real PostgreSQL and Redis)"
nx run-many -t integration --parallel=2

step "Build"
nx run-many -t build -p backend frontend --parallel=2

step "Browser tests (Chromium)"
nx run e2e:e2e

printf '\nAll Lectern test tiers passed in %ss.\n' "$((SECONDS - started))"
