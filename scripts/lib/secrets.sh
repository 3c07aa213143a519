#!/usr/bin/env bash
# Lectern's generated secrets. `load_secrets FILE` creates FILE (mode 600)
# with a random TOKEN_SECRET and ADMIN_TOKEN the first time, then exports each
# variable of FILE that the environment does not already set: a variable set
# in the environment always wins, each one on its own (ADMIN_TOKEN=… npm start
# keeps that token and takes only TOKEN_SECRET from the file).

# Writes FILE with fresh secrets unless it exists.
generate_secrets() {
  local file="$1"
  [[ -f "$file" ]] && return 0
  mkdir -p "$(dirname "$file")"
  (
    umask 077
    {
      echo "TOKEN_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
      echo "ADMIN_TOKEN=$(node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))')"
    } >"$file"
  )
}

# Exports FILE's NAME=value lines whose NAME is unset in the environment.
load_secrets() {
  local file="$1" line name value
  if [[ -z "${TOKEN_SECRET:-}" || -z "${ADMIN_TOKEN:-}" ]]; then generate_secrets "$file"; fi
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    name="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    # Values are written unquoted; accept a quoted one too.
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
    if [[ -z "${!name:-}" ]]; then export "$name=$value"; fi
  done <"$file"
}
