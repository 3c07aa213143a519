#!/usr/bin/env bash
# npm test: every test, against the real PostgreSQL and Redis and a real
# browser. Installs what is missing first (Node 24, dependencies, pgvector,
# Chromium) and starts the services when they are installed but stopped;
# servers already reached through DATABASE_URL/TEST_DATABASE_ADMIN_URL and
# REDIS_URL (docker/compose.dev.yml, a managed database) are used as they are.
# Tiers: lint → type check → unit → integration (a fresh database per run) → build → browser.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

started=$SECONDS
# Tests never reach a real LLM, and use their own databases on this server.
unset OPENAI_API_KEY OPENAI_BASE_URL
export TEST_DATABASE_ADMIN_URL="${TEST_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

ensure_node
ensure_deps
# The tests' server is the one to detect (and, only if nothing answers, install).
DATABASE_URL="$TEST_DATABASE_ADMIN_URL" ensure_services
ensure_chromium

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

step "Integration tests (real PostgreSQL and Redis), and the fault-test check"
# Each project writes its Jest results to test-results/integration/ (nx.json);
# the check fails the run if any test there was skipped or a fault test did not run.
rm -rf test-results/integration
nx run-many -t integration --parallel=2
node scripts/check-fault-tests.mjs

step "Build"
nx run-many -t build -p backend frontend --parallel=2

step "Browser tests (Chromium)"
nx run e2e:e2e

printf '\nAll Lectern test tiers passed in %ss.\n' "$((SECONDS - started))"
