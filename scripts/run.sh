#!/usr/bin/env bash
# Runs a command with the project's toolchain (Node 24 fetched if needed) and dependencies installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
ensure_node
ensure_deps
exec "$@"
