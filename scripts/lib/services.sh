#!/usr/bin/env bash
# Local services for Lectern development and CI: PostgreSQL (+ pgvector),
# Redis and Chromium.
#
#   bash scripts/lib/services.sh all        # postgres, redis, pgvector, chromium, in that order
#   bash scripts/lib/services.sh services   # postgres, redis, pgvector (what npm start needs)
#   bash scripts/lib/services.sh postgres   # or: redis | pgvector | chromium
#   source scripts/lib/services.sh          # only defines the ensure_* functions
#
# Every ensure_* function is idempotent, prints one line saying what it did
# (or that nothing was needed) and returns 0; on failure it prints an exact,
# actionable message to stderr and returns 1. Long command output (apt, make)
# goes to a log file whose tail is shown only on failure.
#
# DATABASE_URL / REDIS_URL are respected, and probed first: a server that
# already answers there (a container, a managed database, another machine) is
# used as it is, and when `CREATE EXTENSION vector` already works on it nothing
# is installed or built. Only when nothing answers, and the URL's host is
# 127.0.0.1, localhost or ::1 (or the variable is unset), is a local server
# installed or started, and only with apt-get (Debian or Ubuntu); elsewhere the
# functions say what to install instead.
#
# When sourced, this file sets no shell options (the caller's stay as they
# are); the functions check every step themselves. When executed, it runs
# under `set -euo pipefail`.

# ---------------------------------------------------------------- helpers

_svc_say() { printf '%s\n' "$*"; }
_svc_err() { printf '%s\n' "$*" >&2; }
_svc_is_root() { [[ "$(id -u)" -eq 0 ]]; }
_svc_have() { command -v "$1" >/dev/null 2>&1; }

# Prints the last lines of a log file to stderr, indented.
_svc_tail_log() {
  local log="$1" lines="${2:-30}"
  [[ -s "$log" ]] || return 0
  _svc_err "---- last ${lines} lines of ${log} ----"
  tail -n "$lines" "$log" | sed 's/^/  /' >&2
  _svc_err "----"
}

# A fresh log file for one step; path printed on stdout.
_svc_new_log() {
  mktemp "${TMPDIR:-/tmp}/lectern-$1.XXXXXX"
}

# _svc_url_host URL -> host part (brackets stripped; empty for socket URLs).
_svc_url_host() {
  local rest="${1#*://}"
  rest="${rest%%[/?#]*}"   # drop path, query, fragment
  rest="${rest##*@}"       # drop user:password@
  if [[ "$rest" == \[* ]]; then
    rest="${rest#\[}"
    rest="${rest%%\]*}"
  else
    rest="${rest%%:*}"
  fi
  printf '%s' "$rest"
}

# _svc_url_port URL DEFAULT -> port part, or DEFAULT.
_svc_url_port() {
  local rest="${1#*://}" port=""
  rest="${rest%%[/?#]*}"
  rest="${rest##*@}"
  if [[ "$rest" == \[* ]]; then
    [[ "$rest" == *\]:* ]] && port="${rest##*\]:}"
  elif [[ "$rest" == *:* ]]; then
    port="${rest##*:}"
  fi
  [[ "$port" =~ ^[0-9]+$ ]] || port="$2"
  printf '%s' "$port"
}

_svc_is_local_host() {
  case "$1" in
    '' | 127.0.0.1 | localhost | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
_svc_tcp_open() {
  # shellcheck disable=SC2016 # $1 expands in the child bash, on purpose
  if _svc_have timeout; then
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" >/dev/null 2>&1
  else
    # (no GNU timeout, e.g. macOS: a loopback connect is refused at once anyway)
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" >/dev/null 2>&1
  fi
}

_svc_pkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Waits (up to 10 minutes) for another apt/dpkg run instead of failing on its lock.
_SVC_APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# Runs `apt-get update` at most once per script run (per shell that sourced this file).
apt_update_once() {
  if [[ "${_LECTERN_APT_UPDATED:-0}" == 1 ]]; then
    return 0
  fi
  if ! _svc_is_root; then
    _svc_err "apt: cannot run apt-get update as $(id -un): run 'sudo apt-get update' first."
    return 1
  fi
  local log
  log="$(_svc_new_log apt-update)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get "${_SVC_APT_OPTS[@]}" update >"$log" 2>&1; then
    _svc_err "apt: 'apt-get update' failed (full log: $log). Check the sources in /etc/apt/sources.list.d/ and network access to the Debian mirror."
    _svc_tail_log "$log"
    return 1
  fi
  rm -f "$log"
  _LECTERN_APT_UPDATED=1
}

# _svc_apt_install PKG... : installs whatever is missing (root only). Runs
# `apt-get update` first only when a package has no install candidate, or
# after an install that failed (stale lists), then retries once.
_svc_apt_install() {
  local missing=() pkg log policy
  if ! _svc_have apt-get || ! _svc_have dpkg-query; then
    _svc_err "apt: this machine has no apt-get/dpkg (not Debian or Ubuntu), so the scripts cannot install $*."
    _svc_no_apt_help
    return 1
  fi
  for pkg in "$@"; do
    _svc_pkg_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if ! _svc_is_root; then
    _svc_err "apt: root is needed to install ${missing[*]}: run 'sudo apt-get update && sudo apt-get install -y ${missing[*]}'."
    return 1
  fi
  for pkg in "${missing[@]}"; do
    policy="$(apt-cache policy "$pkg" 2>/dev/null || true)"
    if [[ "$policy" != *"Candidate: "* || "$policy" == *"Candidate: (none)"* ]]; then
      apt_update_once || return 1
      break
    fi
  done
  log="$(_svc_new_log apt-install)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get "${_SVC_APT_OPTS[@]}" install -y --no-upgrade "${missing[@]}" >"$log" 2>&1; then
    if [[ "${_LECTERN_APT_UPDATED:-0}" != 1 ]] && apt_update_once \
      && DEBIAN_FRONTEND=noninteractive apt-get "${_SVC_APT_OPTS[@]}" install -y --no-upgrade "${missing[@]}" >>"$log" 2>&1; then
      rm -f "$log"
      return 0
    fi
    _svc_err "apt: 'apt-get install -y ${missing[*]}' failed (full log: $log)."
    _svc_tail_log "$log"
    return 1
  fi
  rm -f "$log"
}

# The Docker alternative for PostgreSQL and Redis (docker/compose.dev.yml).
_svc_docker_hint() {
  _svc_err "  Or with Docker, from the repository root: docker compose -f docker/compose.dev.yml up -d --wait"
  _svc_err "    (PostgreSQL with pgvector on 127.0.0.1:\${LECTERN_DEV_PG_PORT:-5432}, Redis on 127.0.0.1:\${LECTERN_DEV_REDIS_PORT:-6379}, matching the default"
  _svc_err "    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lectern and REDIS_URL=redis://127.0.0.1:6379; set both when you change the ports)."
}

# What to do on a machine these scripts cannot provision (no apt-get).
_svc_no_apt_help() {
  _svc_err "  Lectern needs PostgreSQL 15 or newer with the pgvector extension, and Redis 7. Install them with this machine's"
  _svc_err "  package manager (e.g. macOS: brew install postgresql@16 pgvector redis; Fedora: dnf install postgresql-server pgvector redis),"
  _svc_err "  start them, and set DATABASE_URL and REDIS_URL if they do not listen on 127.0.0.1:5432 / 127.0.0.1:6379 (role postgres)."
  _svc_docker_hint
}

# ---------------------------------------------------------------- PostgreSQL

# Major version of the local PostgreSQL server: the first cluster's, else the
# newest installed server, else pg_config's. Empty when none is found.
_svc_pg_major() {
  local v=""
  if _svc_have pg_lsclusters; then
    v="$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1}')"
  fi
  if [[ -z "$v" ]]; then
    local d
    for d in /usr/lib/postgresql/*/bin/postgres; do
      [[ -x "$d" ]] || continue
      d="${d#/usr/lib/postgresql/}"
      d="${d%%/*}"
      [[ "$d" =~ ^[0-9]+$ ]] && { [[ -z "$v" ]] || ((d > v)); } && v="$d"
    done
  fi
  if [[ -z "$v" ]] && _svc_have pg_config; then
    v="$(pg_config --version 2>/dev/null | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p')"
  fi
  printf '%s' "$v"
}

_svc_pg_ready() { pg_isready -q -h 127.0.0.1 -p "$1" >/dev/null 2>&1; }

# The URL npm start uses when DATABASE_URL is unset (scripts/start.sh).
_SVC_DEFAULT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/lectern"
_SVC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# _svc_pg_probe URL: asks the server at URL (scripts/lib/probe-postgres.mjs,
# which needs Node and the project's `pg` package) whether it answers and
# whether `CREATE EXTENSION vector` works there. Sets _SVC_PG_PROBE_RC (0 it
# works, 2 nothing answers, 3 no pgvector there, 4 this role may not create it,
# 5 the server refuses this connection, 9 cannot probe: no Node/dependencies
# yet), _SVC_PG_PROBE_MSG (one line) and _SVC_PG_PROBE_MAJOR (server version).
_svc_pg_probe() {
  local out rc=0
  _SVC_PG_PROBE_MAJOR=""
  if ! _svc_have node || [[ ! -f "$_SVC_ROOT/node_modules/pg/package.json" ]]; then
    _SVC_PG_PROBE_RC=9
    _SVC_PG_PROBE_MSG="cannot probe $1 (Node and the project's dependencies are not installed yet)"
    return 0
  fi
  out="$(node "$_SVC_ROOT/scripts/lib/probe-postgres.mjs" "$1" 2>&1)" || rc=$?
  _SVC_PG_PROBE_RC="$rc"
  _SVC_PG_PROBE_MAJOR="$(printf '%s\n' "$out" | sed -n 's/^major=//p' | head -n 1)"
  _SVC_PG_PROBE_MSG="$(printf '%s\n' "$out" | grep -v '^major=' | tail -n 1)"
  [[ "$rc" =~ ^[02345]$ ]] || _SVC_PG_PROBE_RC=5
  return 0
}

_svc_pg_wait() {
  local port="$1" i
  for ((i = 0; i < 60; i++)); do
    _svc_pg_ready "$port" && return 0
    sleep 0.5
  done
  return 1
}

_svc_pg_manual_help() {
  if ! _svc_have apt-get; then
    _svc_no_apt_help
    return 0
  fi
  _svc_err "  Simplest:  sudo bash scripts/lib/services.sh postgres"
  _svc_err "  To install and start it yourself:  sudo apt-get update && sudo apt-get install -y postgresql && sudo pg_ctlcluster --skip-systemctl-redirect \$(pg_lsclusters --no-header | awk 'NR==1{print \$1}') main start"
  _svc_docker_hint
}

# Starts cluster VERSION/NAME with pg_ctlcluster and waits up to 30 s.
_svc_pg_start_cluster() {
  local ver="$1" name="$2" port="$3" owner="$4" log
  if ! _svc_is_root && [[ "$(id -un)" != "$owner" ]]; then
    _svc_err "postgres: cluster ${ver}/${name} is installed but stopped, and starting it needs root or user '${owner}'. Run:"
    _svc_err "  sudo pg_ctlcluster --skip-systemctl-redirect ${ver} ${name} start"
    _svc_docker_hint
    return 1
  fi
  log="$(_svc_new_log postgres-start)"
  if ! pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >"$log" 2>&1; then
    # "already running" is fine if it then answers.
    if ! _svc_pg_wait "$port"; then
      _svc_err "postgres: 'pg_ctlcluster --skip-systemctl-redirect ${ver} ${name} start' failed (log: $log; server log: /var/log/postgresql/postgresql-${ver}-${name}.log)."
      _svc_tail_log "$log"
      _svc_tail_log "/var/log/postgresql/postgresql-${ver}-${name}.log" 15
      return 1
    fi
  fi
  if ! _svc_pg_wait "$port"; then
    _svc_err "postgres: cluster ${ver}/${name} was started but 127.0.0.1:${port} did not accept connections within 30 s. See /var/log/postgresql/postgresql-${ver}-${name}.log (and check listen_addresses / port in /etc/postgresql/${ver}/${name}/postgresql.conf)."
    _svc_tail_log "/var/log/postgresql/postgresql-${ver}-${name}.log" 15
    return 1
  fi
  rm -f "$log"
}

# Makes sure a PostgreSQL server answers on 127.0.0.1 (port from DATABASE_URL, default 5432).
ensure_postgres() {
  local url="${DATABASE_URL:-}" host port line ver name cport owner installed_now=0 note=""
  host="$(_svc_url_host "${url:-postgres://127.0.0.1:5432/}")"
  port="$(_svc_url_port "${url:-postgres://127.0.0.1:5432/}" 5432)"

  # Whatever answers at the URL (a container, a managed database, this
  # machine's cluster) is used as it is: nothing is installed or started.
  _svc_pg_probe "${url:-$_SVC_DEFAULT_DATABASE_URL}"
  case "$_SVC_PG_PROBE_RC" in
    0 | 3 | 4)
      _svc_say "postgres: PostgreSQL ${_SVC_PG_PROBE_MAJOR:-?} answers at ${host:-localhost}:${port}${url:+ (DATABASE_URL)}, nothing to install or start"
      return 0
      ;;
    5)
      _svc_err "postgres: ${_SVC_PG_PROBE_MSG}."
      _svc_err "  A server answers there, so nothing was installed or started. Point DATABASE_URL at a role it knows, e.g."
      _svc_err "  DATABASE_URL=postgres://USER:PASSWORD@${host:-127.0.0.1}:${port}/lectern (docker/compose.dev.yml's server takes the default postgres://postgres@127.0.0.1:5432/lectern)."
      return 1
      ;;
  esac

  if ! _svc_is_local_host "$host"; then
    if _svc_have pg_isready && ! pg_isready -q -d "$url" >/dev/null 2>&1; then
      _svc_err "postgres: DATABASE_URL points at ${host}:${port}, which is not accepting connections. This script only manages a local server: start that one, or unset DATABASE_URL (or point it at 127.0.0.1) to use a local PostgreSQL."
      return 1
    fi
    _svc_say "postgres: DATABASE_URL points at ${host}:${port} (not local), nothing to manage here"
    return 0
  fi

  if _svc_have pg_isready && _svc_pg_ready "$port"; then
    _svc_say "postgres: already accepting connections on 127.0.0.1:${port}, nothing needed"
    return 0
  fi

  if ! _svc_have pg_lsclusters || ! _svc_have pg_isready; then
    if ! _svc_have pg_isready && _svc_tcp_open "$port"; then
      # e.g. the docker/compose.yml postgres: never install a second server next to it.
      _svc_say "postgres: something already listens on 127.0.0.1:${port} (pg_isready is not installed to confirm it is PostgreSQL: apt-get install postgresql-client), nothing started"
      return 0
    fi
    if ! _svc_is_root; then
      _svc_err "postgres: PostgreSQL is not installed, and installing it needs root."
      _svc_pg_manual_help
      return 1
    fi
    _svc_apt_install postgresql || {
      _svc_err "postgres: could not install PostgreSQL (see above)."
      return 1
    }
    hash -r
    installed_now=1
  fi

  # The cluster listening on the wanted port (Debian: "ver name port status owner datadir log").
  line="$(pg_lsclusters --no-header 2>/dev/null | awk -v p="$port" '$3 == p {print; exit}')"
  if [[ -z "$line" && "$installed_now" == 1 ]]; then
    ver="$(_svc_pg_major)"
    if [[ -z "$ver" ]] || ! pg_createcluster "$ver" main --port "$port" >/dev/null 2>&1; then
      _svc_err "postgres: PostgreSQL was installed but no cluster exists and 'pg_createcluster ${ver:-<version>} main --port ${port}' failed. Run it by hand and retry."
      return 1
    fi
    line="$(pg_lsclusters --no-header 2>/dev/null | awk -v p="$port" '$3 == p {print; exit}')"
  fi
  if [[ -z "$line" ]]; then
    _svc_err "postgres: no PostgreSQL cluster is configured on port ${port} (pg_lsclusters shows: $(pg_lsclusters --no-header 2>/dev/null | awk '{printf "%s%s/%s port %s %s", (NR>1 ? "; " : ""), $1, $2, $3, $4}')). Create one with 'sudo pg_createcluster <version> main --port ${port} --start', or set DATABASE_URL to the port your cluster uses."
    return 1
  fi
  read -r ver name cport _ owner _ <<<"$line"

  if [[ "$installed_now" == 1 ]]; then
    # A fresh cluster asks for passwords over TCP; the project's local setup
    # (and its example DATABASE_URL postgres://postgres@127.0.0.1:5432/...) uses
    # trust on the loopback interface only, like the CI machines.
    local hba="/etc/postgresql/${ver}/${name}/pg_hba.conf"
    if [[ -f "$hba" ]] && ! grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      note=" (new install; loopback connections set to trust in ${hba})"
    fi
    # The package may have started the cluster itself: then a reload applies pg_hba.conf.
    if _svc_pg_ready "$cport"; then
      pg_ctlcluster "$ver" "$name" reload >/dev/null 2>&1 || pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload >/dev/null 2>&1 || true
      _svc_say "postgres: installed PostgreSQL ${ver}; cluster ${ver}/${name} is running on 127.0.0.1:${cport}${note}"
      return 0
    fi
  fi

  _svc_pg_start_cluster "$ver" "$name" "$cport" "$owner" || return 1
  if [[ "$installed_now" == 1 ]]; then
    _svc_say "postgres: installed PostgreSQL ${ver} and started cluster ${ver}/${name} on 127.0.0.1:${cport}${note}"
  else
    _svc_say "postgres: started cluster ${ver}/${name} on 127.0.0.1:${cport}"
  fi
}

# ---------------------------------------------------------------- Redis

_svc_redis_ping() {
  # A server that demands a password still proves it is up (NOAUTH).
  local out
  out="$(redis-cli -h 127.0.0.1 -p "$1" ping 2>&1)" || return 1
  [[ "$out" == PONG || "$out" == *NOAUTH* ]]
}

_svc_redis_start_cmd() {
  printf 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port %s --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log' "$1"
}

# Makes sure a Redis server answers on 127.0.0.1 (port from REDIS_URL, default 6379).
ensure_redis() {
  local url="${REDIS_URL:-}" host port i out tls=() installed_now=0
  host="$(_svc_url_host "${url:-redis://127.0.0.1:6379}")"
  port="$(_svc_url_port "${url:-redis://127.0.0.1:6379}" 6379)"

  if ! _svc_is_local_host "$host"; then
    [[ "$url" == rediss://* ]] && tls=(--tls)
    if _svc_have redis-cli; then
      # (${tls[@]+...}: an empty array under set -u is an error in bash before 4.4, e.g. macOS bash 3.2)
      out="$(redis-cli ${tls[@]+"${tls[@]}"} --no-auth-warning -u "$url" ping 2>&1)" || true
      if [[ "$out" != PONG ]]; then
        _svc_err "redis: REDIS_URL points at ${host}:${port}, which did not answer PING (got: ${out:-nothing}). This script only manages a local server: start that one, or unset REDIS_URL (or point it at 127.0.0.1) to use a local Redis."
        return 1
      fi
    fi
    _svc_say "redis: REDIS_URL points at ${host}:${port} (not local), nothing to manage here"
    return 0
  fi

  if _svc_have redis-cli && _svc_redis_ping "$port"; then
    _svc_say "redis: already answering PING on 127.0.0.1:${port}, nothing needed"
    return 0
  fi

  if ! _svc_have redis-cli && _svc_tcp_open "$port"; then
    # e.g. the docker/compose.yml redis: never start a second server next to it.
    _svc_say "redis: something already listens on 127.0.0.1:${port} (redis-cli is not installed to confirm it is Redis: apt-get install redis-tools), nothing started"
    return 0
  fi

  if ! _svc_have redis-server && ! _svc_have apt-get; then
    _svc_err "redis: nothing answers on 127.0.0.1:${port}, Redis is not installed, and this machine has no apt-get to install it."
    _svc_no_apt_help
    return 1
  fi
  if ! _svc_is_root; then
    if _svc_have redis-server; then
      _svc_err "redis: not running on 127.0.0.1:${port}. Start it with:"
      _svc_err "  sudo mkdir -p /var/lib/redis /var/log/redis && sudo $(_svc_redis_start_cmd "$port")"
    else
      _svc_err "redis: Redis is not installed, and installing it needs root. Run:"
      _svc_err "  sudo apt-get update && sudo apt-get install -y redis-server && sudo mkdir -p /var/lib/redis /var/log/redis && sudo $(_svc_redis_start_cmd "$port")"
    fi
    _svc_err "  Or:  sudo bash scripts/lib/services.sh redis"
    _svc_docker_hint
    return 1
  fi

  if ! _svc_have redis-server || ! _svc_have redis-cli; then
    _svc_apt_install redis-server redis-tools || {
      _svc_err "redis: could not install redis-server (see above)."
      return 1
    }
    hash -r
    installed_now=1
    # The package may have started its own instance (with policy-rc.d allowing it).
    if _svc_redis_ping "$port"; then
      _svc_say "redis: installed redis-server; it is answering PING on 127.0.0.1:${port}"
      return 0
    fi
  fi

  mkdir -p /var/lib/redis /var/log/redis
  if ! out="$(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log 2>&1)"; then
    _svc_err "redis: '$(_svc_redis_start_cmd "$port")' failed: ${out}"
    _svc_tail_log /var/log/redis/ci.log 15
    return 1
  fi
  for ((i = 0; i < 60; i++)); do
    if _svc_redis_ping "$port"; then
      if [[ "$installed_now" == 1 ]]; then
        _svc_say "redis: installed redis-server and started it on 127.0.0.1:${port}"
      else
        _svc_say "redis: started redis-server on 127.0.0.1:${port}"
      fi
      return 0
    fi
    sleep 0.5
  done
  _svc_err "redis: redis-server was started but 127.0.0.1:${port} did not answer PING within 30 s (is the port taken by something else? 'ss -ltnp | grep :${port}'). Server log: /var/log/redis/ci.log"
  _svc_tail_log /var/log/redis/ci.log 15
  return 1
}

# ---------------------------------------------------------------- pgvector

# The mirror URI already configured for Debian: first `URIs:` line of
# debian.sources, else the first `deb` line of sources.list.
_svc_debian_mirror() {
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri="$(awk 'tolower($1) == "uris:" {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  elif [[ -f /etc/apt/sources.list ]]; then
    # deb [options] URI suite components...
    uri="$(awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i; exit }' /etc/apt/sources.list)"
  fi
  printf '%s' "$uri"
}

_svc_pgvector_manual_help() {
  local ver="$1"
  _svc_err "  Simplest:  sudo bash scripts/lib/services.sh pgvector"
  _svc_err "  Which does: apt-get install -y postgresql-server-dev-${ver} dpkg-dev; add a private deb822 sources file for Debian trixie deb-src only"
  _svc_err "  (URIs: your bookworm mirror, Suites: trixie, Components: main, Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg);"
  _svc_err "  apt-get -o Dir::Etc::sourcelist=FILE -o Dir::Etc::sourceparts=/dev/null -o Dir::State::Lists=DIR update, then the same options with"
  _svc_err "  'source --download-only pgvector'; unpack pgvector_*.orig.tar.gz; make PG_CONFIG=/usr/lib/postgresql/${ver}/bin/pg_config OPTFLAGS=\"\" && make install (same variables)."
  _svc_err "  Or use Docker, whose postgres service (image pgvector/pgvector:pg15 in docker/compose.yml) ships pgvector."
}

# ensure_pgvector: makes sure `CREATE EXTENSION vector` works on the server
# DATABASE_URL names (default: the local one). Nothing is installed when it
# already works there (a pgvector image, a managed database, an earlier run).
# Otherwise, on one of this machine's own clusters (Debian/Ubuntu), pgvector is
# installed: the postgresql-<major>-pgvector package where apt has one (Ubuntu,
# the PostgreSQL apt repository), else built from Debian trixie's source
# package (bookworm ships no pgvector package).
ensure_pgvector() {
  local url="${DATABASE_URL:-}" host port ver control
  host="$(_svc_url_host "${url:-postgres://127.0.0.1:5432/}")"
  port="$(_svc_url_port "${url:-postgres://127.0.0.1:5432/}" 5432)"
  url="${url:-$_SVC_DEFAULT_DATABASE_URL}"

  _svc_pg_probe "$url"
  case "$_SVC_PG_PROBE_RC" in
    0)
      _svc_say "pgvector: ${_SVC_PG_PROBE_MSG}, nothing needed"
      return 0
      ;;
    2 | 5)
      _svc_err "pgvector: ${_SVC_PG_PROBE_MSG}. Start PostgreSQL first ('bash scripts/lib/services.sh postgres') or fix DATABASE_URL."
      return 1
      ;;
    4)
      _svc_err "pgvector: ${_SVC_PG_PROBE_MSG}."
      _svc_err "  Run once, as a superuser, in that database: CREATE EXTENSION vector;  (the migrations then find it), or connect as a superuser."
      return 1
      ;;
    3) ver="$_SVC_PG_PROBE_MAJOR" ;;
    *)
      # Cannot ask the server (no Node yet): look for the extension's files instead.
      if ! _svc_is_local_host "$host"; then
        _svc_say "pgvector: DATABASE_URL points at ${host} (not local): install pgvector on that server, nothing to do here"
        return 0
      fi
      ver="$(_svc_pg_major)"
      if [[ -z "$ver" ]]; then
        _svc_err "pgvector: no local PostgreSQL server found. Run 'bash scripts/lib/services.sh postgres' first."
        return 1
      fi
      if [[ -f "/usr/share/postgresql/${ver}/extension/vector.control" ]]; then
        _svc_say "pgvector: already installed for PostgreSQL ${ver}, nothing needed"
        return 0
      fi
      ;;
  esac

  if ! _svc_is_local_host "$host"; then
    _svc_err "pgvector: ${_SVC_PG_PROBE_MSG}."
    _svc_err "  That server is not this machine's: install pgvector there (a managed database: enable its 'vector' extension; Docker: the pgvector/pgvector image, as in docker/compose.dev.yml)."
    return 1
  fi
  if ! _svc_have pg_lsclusters || [[ -z "$(pg_lsclusters --no-header 2>/dev/null | awk -v p="$port" '$3 == p {print; exit}')" ]]; then
    _svc_err "pgvector: ${_SVC_PG_PROBE_MSG}."
    _svc_err "  The server on 127.0.0.1:${port} is not a cluster these scripts manage (pg_lsclusters lists none on that port: a container, or a PostgreSQL"
    _svc_err "  installed another way), so nothing was built. Install pgvector for it (its package manager's pgvector package, or"
    _svc_err "  'make && make install' in pgvector's source with that server's pg_config), or use docker/compose.dev.yml, whose image ships pgvector."
    return 1
  fi
  control="/usr/share/postgresql/${ver}/extension/vector.control"
  if ! _svc_is_root; then
    _svc_err "pgvector: not installed for PostgreSQL ${ver} (${control} is missing), and installing it needs root."
    _svc_pgvector_manual_help "$ver"
    return 1
  fi

  # A packaged pgvector where apt has one (Ubuntu, apt.postgresql.org); else Debian's source package.
  local policy
  policy="$(apt-cache policy "postgresql-${ver}-pgvector" 2>/dev/null || true)"
  if [[ "$policy" == *"Candidate: "* && "$policy" != *"Candidate: (none)"* ]]; then
    _svc_apt_install "postgresql-${ver}-pgvector" || {
      _svc_err "pgvector: could not install postgresql-${ver}-pgvector (see above)."
      return 1
    }
    _svc_say "pgvector: installed the postgresql-${ver}-pgvector package"
  else
    _svc_pgvector_build_debian "$ver" || return 1
  fi
  _svc_pg_probe "$url"
  if [[ "$_SVC_PG_PROBE_RC" != 0 && "$_SVC_PG_PROBE_RC" != 9 ]]; then
    _svc_err "pgvector: installed for PostgreSQL ${ver}, but the server still says: ${_SVC_PG_PROBE_MSG}"
    return 1
  fi
}

# Builds and installs pgvector from Debian trixie's source package into the
# local PostgreSQL VERSION (bookworm ships no pgvector package).
_svc_pgvector_build_debian() {
  local ver="$1" control="/usr/share/postgresql/$1/extension/vector.control" pgc mirror scratch lists srcfile log keep_log tarball srcdir pkgver rc=0
  _svc_apt_install "postgresql-server-dev-${ver}" dpkg-dev make gcc || {
    _svc_err "pgvector: could not install the build dependencies (see above)."
    return 1
  }
  pgc="/usr/lib/postgresql/${ver}/bin/pg_config"
  if [[ ! -x "$pgc" ]]; then
    _svc_err "pgvector: ${pgc} is missing after installing postgresql-server-dev-${ver}. Check 'dpkg -L postgresql-server-dev-${ver}'."
    return 1
  fi

  mirror="$(_svc_debian_mirror)"
  if [[ -z "$mirror" ]]; then
    _svc_err "pgvector: could not find the Debian mirror: no 'URIs:' line in /etc/apt/sources.list.d/debian.sources and no 'deb' line in /etc/apt/sources.list. Configure apt for Debian first."
    return 1
  fi

  scratch="$(mktemp -d "${TMPDIR:-/tmp}/lectern-pgvector.XXXXXX")" || {
    _svc_err "pgvector: could not create a scratch directory under ${TMPDIR:-/tmp}."
    return 1
  }
  # apt downloads as the unprivileged _apt user; let it into the scratch dir.
  chmod 0755 "$scratch"
  lists="$scratch/lists"
  srcfile="$scratch/trixie-src.sources"
  log="$scratch/build.log"
  keep_log="${TMPDIR:-/tmp}/lectern-pgvector-build.log"
  mkdir -p "$lists/partial" "$scratch/src"
  chown _apt "$scratch/src" 2>/dev/null || true
  cat >"$srcfile" <<EOF
Types: deb-src
URIs: ${mirror}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Only this file, a private lists dir and no package caches: the system's
  # apt state is left exactly as it was.
  local apt_private=(-o "Dir::Etc::sourcelist=${srcfile}" -o Dir::Etc::sourceparts=/dev/null
    -o "Dir::State::Lists=${lists}" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    "${_SVC_APT_OPTS[@]}")

  {
    echo "== apt-get update (trixie deb-src from ${mirror})" &&
      apt-get "${apt_private[@]}" update --error-on=any &&
      echo "== apt-get source --download-only pgvector" &&
      (cd "$scratch/src" && apt-get "${apt_private[@]}" source --download-only pgvector) &&
      tarball="$(find "$scratch/src" -maxdepth 1 -name 'pgvector_*.orig.tar.*' -print -quit)" &&
      [[ -n "$tarball" ]] &&
      echo "== unpack ${tarball##*/}" &&
      tar -xf "$tarball" -C "$scratch/src" &&
      srcdir="$(find "$scratch/src" -mindepth 2 -maxdepth 2 -name Makefile | head -n 1)" &&
      [[ -n "$srcdir" ]] &&
      srcdir="$(dirname "$srcdir")" &&
      echo "== make PG_CONFIG=${pgc} OPTFLAGS=\"\" (in ${srcdir})" &&
      make -C "$srcdir" PG_CONFIG="$pgc" OPTFLAGS="" &&
      echo "== make install" &&
      make -C "$srcdir" install PG_CONFIG="$pgc" OPTFLAGS=""
  } >"$log" 2>&1 || rc=$?

  if [[ "$rc" -ne 0 || ! -f "$control" ]]; then
    local step
    step="$(grep '^== ' "$log" | tail -n 1 | sed 's/^== //')"
    if cp -f "$log" "$keep_log" 2>/dev/null; then
      rm -rf "$scratch"
    else
      keep_log="$log" # could not copy: keep the scratch dir for inspection
    fi
    _svc_err "pgvector: build from Debian trixie sources failed (last step: ${step:-setup}). Full log: ${keep_log}"
    _svc_tail_log "$keep_log" 30
    _svc_err "  Fix the error above and rerun 'bash scripts/lib/services.sh pgvector', or use the pgvector/pgvector:pg${ver} image (docker/compose.yml)."
    return 1
  fi
  pkgver="$(sed -nE "s/^default_version = '([^']+)'.*/\1/p" "$control")"
  rm -rf "$scratch"
  _svc_say "pgvector: built pgvector ${pkgver:-?} from Debian trixie sources and installed it into PostgreSQL ${ver} (${control})"
}

# ---------------------------------------------------------------- Chromium

# The browser tests drive CHROMIUM_PATH (e2e/src/support/browser.ts), default
# /usr/bin/chromium: a CHROMIUM_PATH that exists is used as it is.
ensure_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    if [[ -x "$CHROMIUM_PATH" ]]; then
      _svc_say "chromium: using CHROMIUM_PATH=${CHROMIUM_PATH}, nothing needed"
      return 0
    fi
    _svc_err "chromium: CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file. Point it at Chrome or Chromium, or unset it to use /usr/bin/chromium."
    return 1
  fi
  if [[ -x /usr/bin/chromium ]]; then
    _svc_say "chromium: /usr/bin/chromium already installed, nothing needed"
    return 0
  fi
  if ! _svc_have apt-get; then
    _svc_err "chromium: /usr/bin/chromium is missing and this machine has no apt-get to install it. Install Chrome or Chromium and set CHROMIUM_PATH to its executable"
    _svc_err "  (e.g. macOS: CHROMIUM_PATH=\"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome\")."
    return 1
  fi
  if ! _svc_is_root; then
    _svc_err "chromium: /usr/bin/chromium is missing, and installing it needs root. Run: sudo apt-get update && sudo apt-get install -y chromium  (or set CHROMIUM_PATH to an installed Chrome/Chromium)"
    return 1
  fi
  _svc_apt_install chromium || {
    _svc_err "chromium: could not install chromium (see above)."
    return 1
  }
  if [[ ! -x /usr/bin/chromium ]]; then
    _svc_err "chromium: the chromium package is installed but /usr/bin/chromium is missing. Try: apt-get install --reinstall -y chromium"
    return 1
  fi
  _svc_say "chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium) (/usr/bin/chromium)"
}

# ---------------------------------------------------------------- entry point

# What npm start and npm test need before they run anything: PostgreSQL and
# Redis answering at DATABASE_URL / REDIS_URL, and pgvector usable there.
ensure_services() {
  ensure_postgres || return 1
  ensure_redis || return 1
  ensure_pgvector || return 1
}

_svc_main() {
  local what="${1:-}" rc=0
  case "$what" in
    all)
      ensure_services || return 1
      ensure_chromium || return 1
      ;;
    services) ensure_services || rc=$? ;;
    postgres | postgresql) ensure_postgres || rc=$? ;;
    redis) ensure_redis || rc=$? ;;
    pgvector | vector) ensure_pgvector || rc=$? ;;
    chromium) ensure_chromium || rc=$? ;;
    *)
      _svc_err "usage: bash scripts/lib/services.sh all|services|postgres|redis|pgvector|chromium   (or 'source' it to get ensure_services, ensure_postgres, ensure_redis, ensure_pgvector, ensure_chromium, apt_update_once)"
      return 2
      ;;
  esac
  return "$rc"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  _svc_main "$@"
fi
