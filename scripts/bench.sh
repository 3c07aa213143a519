#!/usr/bin/env bash
# npm run bench -- <name> [args]: the benchmarks in bench/ against the built
# code and the local PostgreSQL/Redis. Each prints ratios to a baseline
# measured in the same run; none is part of npm test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
# shellcheck source=lib/services.sh
source scripts/lib/services.sh
ensure_node
ensure_deps
ensure_postgres >/dev/null
ensure_redis >/dev/null
name="${1:-}"
shift || true
if [[ -z "$name" || ! -f "bench/$name.bench.mjs" ]]; then
  echo "usage: npm run bench -- <name> [args]; available: $(ls bench/*.bench.mjs 2>/dev/null | sed 's#bench/##; s#\.bench\.mjs##' | tr '\n' ' ')" >&2
  exit 2
fi
npx nx build backend --output-style=static >/dev/null
exec node "bench/$name.bench.mjs" "$@"
