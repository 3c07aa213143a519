#!/usr/bin/env bash
# Node and dependencies for Lectern's scripts. Source it, then call
# `ensure_node` (puts Node >= 22 first on PATH, fetching Node 24 from the npm
# registry's node-linux-* / node-darwin-* package when the machine's is older) and
# `ensure_deps` (installs node_modules from the lockfile when it changed).
# Nothing is downloaded from anywhere but the npm registry.

LECTERN_ROOT="${LECTERN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# The Node this project pins; see README "Toolchain".
LECTERN_NODE_VERSION="${LECTERN_NODE_VERSION:-24.21.0}"
LECTERN_NODE_MIN_MAJOR=22

export NX_NO_CLOUD=true NX_DAEMON=false NG_CLI_ANALYTICS=false NX_TUI=false
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local toolchain="$LECTERN_ROOT/.toolchain"
  local arch os
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) os="" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="" ;;
  esac
  local pkg="node-$os-$arch"
  local bin="$toolchain/node_modules/$pkg/bin"
  if [[ -x "$bin/node" && "$("$bin/node" -v)" == "v$LECTERN_NODE_VERSION" ]]; then
    export PATH="$bin:$PATH"
  elif command -v node >/dev/null 2>&1 && (( $(_node_major node) >= LECTERN_NODE_MIN_MAJOR )); then
    : # the machine's Node is new enough
  else
    if [[ -z "$os" || -z "$arch" ]]; then
      echo "Node $LECTERN_NODE_MIN_MAJOR or newer is needed, and this script fetches Node only for Linux or macOS on x64/arm64 (this is $(uname -s) $(uname -m)): install Node ${LECTERN_NODE_VERSION%%.*} yourself and rerun." >&2
      return 1
    fi
    command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch Node $LECTERN_NODE_VERSION (Debian/Ubuntu: apt-get install -y npm; elsewhere install Node ${LECTERN_NODE_VERSION%%.*} with npm yourself)." >&2; return 1; }
    echo "Node $(node -v 2>/dev/null || echo none) is older than $LECTERN_NODE_MIN_MAJOR: fetching Node $LECTERN_NODE_VERSION ($pkg) from the npm registry into .toolchain/"
    mkdir -p "$toolchain"
    npm install --prefix "$toolchain" --no-save --no-package-lock --ignore-scripts --loglevel=error "$pkg@$LECTERN_NODE_VERSION" >/dev/null \
      || { echo "Could not fetch $pkg@$LECTERN_NODE_VERSION from the npm registry." >&2; return 1; }
    export PATH="$bin:$PATH"
  fi
  return 0
}

ensure_deps() {
  cd "$LECTERN_ROOT" || return 1
  local stamp="node_modules/.lectern-install"
  local want
  # (Node hashes the lockfile: sha256sum is GNU-only, macOS has shasum instead.)
  want="$(node -v) $(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync("package-lock.json")).digest("hex"))')"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "Installing dependencies from package-lock.json (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error || return 1
  echo "$want" > "$stamp"
}
