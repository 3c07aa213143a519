#!/usr/bin/env bash
# npm run cli -- <command>: the Lectern CLI (migrations, content sync, cache warm-up)
# against DATABASE_URL (default: the local `lectern` database).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_node
ensure_deps
# shellcheck source=lib/secrets.sh
source scripts/lib/secrets.sh
if [[ -f .lectern/secrets.env ]]; then load_secrets .lectern/secrets.env; fi
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lectern}"
export TOKEN_SECRET="${TOKEN_SECRET:-cli-only-token-secret-not-used-for-tokens}"
export ADMIN_TOKEN="${ADMIN_TOKEN:-cli-only-admin-token}"
npx nx build backend --output-style=static >/dev/null 2>&1 || npx nx build backend --output-style=static
exec node dist/backend/cli.js "$@"
