#!/usr/bin/env bash
# The local stack: real PostgreSQL, Redis and Apache Kafka (KRaft) as plain processes on loopback,
# their data under one folder. No Docker: these machines have no container engine.
#
#   bash scripts/stack.sh up|down|status|reset [postgres|redis|kafka ...]
#
# Settings (environment, defaults chosen not to collide with system-wide services):
#   STACK_DIR (<repo>/.stack), STACK_PG_PORT (55432), STACK_REDIS_PORT (56379),
#   STACK_KAFKA_PORT (59092), STACK_KAFKA_CONTROLLER_PORT (59093),
#   CBDC_CACHE_DIR (~/.cache/cbdc: Kafka jars, shared by every stack and every clone).
# A second stack runs side by side with its own STACK_DIR and ports (the test suite uses
# STACK_DIR=<repo>/.stack-test and ports 55532 56479 59192 59193).
#
# `up` writes $STACK_DIR/env (KEY=value lines, mode 0600) for the apps and the tests.
# Kafka authenticates every client (SCRAM-SHA-512) and enforces per-party ACLs: the first `up`
# generates the principals' passwords into $STACK_DIR/kafka/credentials.json (mode 0600), formats
# the storage with them, and scripts/create-topics.ts provisions the ACLs (docs/decisions/0015-kafka-acls.md).
# `status` exits 0 when every named service is up, 3 otherwise.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$REPO_DIR/.stack}"
mkdir -p "$STACK_DIR"
STACK_DIR="$(cd "$STACK_DIR" && pwd)"
PG_PORT="${STACK_PG_PORT:-55432}"
REDIS_PORT="${STACK_REDIS_PORT:-56379}"
KAFKA_PORT="${STACK_KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${STACK_KAFKA_CONTROLLER_PORT:-59093}"
CACHE_DIR="${CBDC_CACHE_DIR:-$HOME/.cache/cbdc}"

# Named limits (seconds).
PG_READY_TIMEOUT_S=60
REDIS_READY_TIMEOUT_S=30
KAFKA_READY_TIMEOUT_S=90
STOP_TIMEOUT_S=30
APT_LOCK_TIMEOUT_S=600

ALL_SERVICES=(postgres redis kafka)
PG_DATABASES=(cbdc_central_bank cbdc_bank_a cbdc_bank_b cbdc_regulator)
PG_SUPERUSER=postgres
PG_APP_ROLE=cbdc
PG_APP_PASSWORD=cbdc

# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, which must be able to
# reach its data folder. When a parent of STACK_DIR is not searchable by others (a clone under a
# private temporary folder, say), its files live under /var/tmp instead, named after STACK_DIR,
# with a link from STACK_DIR/postgres so they are still found where expected.
pg_dir_reachable_by_others() {
  local dir="$1"
  while [[ "$dir" != "/" && -n "$dir" ]]; do
    # The last character of the mode is the others' execute bit: x, or t with the sticky bit (/tmp).
    if [[ -d "$dir" ]]; then
      local mode; mode="$(stat -c %A "$dir")"
      [[ "${mode:9:1}" == [xt] ]] || return 1
    fi
    dir="$(dirname "$dir")"
  done
  return 0
}
if [[ -L "$STACK_DIR/postgres" ]]; then
  PG_DIR="$(readlink "$STACK_DIR/postgres")"
elif [[ "$(id -u)" -eq 0 && ! -d "$STACK_DIR/postgres" ]] && ! pg_dir_reachable_by_others "$STACK_DIR"; then
  PG_DIR="/var/tmp/cbdc-stack-$(printf '%s' "$STACK_DIR" | sha1sum | cut -c1-12)/postgres"
  mkdir -p "$PG_DIR"
  chmod 755 "$(dirname "$PG_DIR")"
  ln -s "$PG_DIR" "$STACK_DIR/postgres"
else
  PG_DIR="$STACK_DIR/postgres"
fi
PG_DATA="$PG_DIR/data"
PG_LOG_DIR="$PG_DIR/log"
PG_LOG="$PG_LOG_DIR/postgres.log"
REDIS_DIR="$STACK_DIR/redis"
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_PID_FILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
KAFKA_DIR="$STACK_DIR/kafka"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOG_DIR="$KAFKA_DIR/logs"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_PID_FILE="$KAFKA_DIR/kafka.pid"
KAFKA_OUT="$KAFKA_LOG_DIR/kafka.out"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster-id"
KAFKA_POM="$REPO_DIR/deploy/kafka/pom.xml"
# Generated at the first `up` (mode 0600), deleted with the Kafka data by `reset`: see
# docs/decisions/0015-kafka-acls.md. `broker` is the node itself, `admin` the stack's and the tests'
# super user, the others one principal per party of the system.
KAFKA_CREDENTIALS_FILE="$KAFKA_DIR/credentials.json"
KAFKA_PRINCIPALS=(broker admin central-bank regulator bank-a bank-b)
KAFKA_PASSWORD_BYTES=24
KAFKA_SASL_MECHANISM="scram-sha-512"

log() { printf '%s\n' "$*"; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

now_ms() { local t="${EPOCHREALTIME/[.,]/}"; echo $((t / 1000)); }
elapsed() { # elapsed <start_ms> -> "2.1s"
  local d=$(($(now_ms) - $1))
  printf '%d.%ds' $((d / 1000)) $(((d % 1000) / 100))
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A zombie (exited, not yet reaped by init, which can take seconds here) counts as gone.
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}
pid_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }
read_pid() { if [[ -s "$1" ]]; then head -n1 "$1" | tr -dc '0-9'; fi; }

# ---------------------------------------------------------------------------------------------
# Debian packages, installed only when missing. Packages must not start system-wide services
# (a second Redis on 6379, a "main" PostgreSQL cluster): policy-rc.d refuses every start, and a
# createcluster drop-in stops postgresql-common from creating the main cluster.
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0
APT_CLEANUP=()
apt_cleanup() {
  local f i
  for ((i = ${#APT_CLEANUP[@]} - 1; i >= 0; i--)); do
    f="${APT_CLEANUP[i]}"
    if [[ -d "$f" ]]; then rmdir --ignore-fail-on-non-empty "$f"; else rm -f "$f"; fi
  done
  APT_CLEANUP=()
}
trap apt_cleanup EXIT

apt_install() {
  local sudo=()
  if ! is_root; then
    if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
      die "need to install '$*' but not root and no password-less sudo; install it and rerun"
    fi
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null || die "need '$*' but apt-get is not available; install it and rerun"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# Written by scripts/stack.sh during apt-get install: start no services.\nexit 101\n' \
      | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    APT_CLEANUP+=(/usr/sbin/policy-rc.d)
  fi
  local dropin=/etc/postgresql-common/createcluster.d/zz-cbdc-stack-no-main-cluster.conf
  if [[ ! -e "$dropin" ]]; then
    if [[ ! -d "$(dirname "$dropin")" ]]; then
      "${sudo[@]}" mkdir -p "$(dirname "$dropin")"
      APT_CLEANUP+=("$(dirname "$dropin")")
    fi
    echo "create_main_cluster = false" | "${sudo[@]}" tee "$dropin" >/dev/null
    APT_CLEANUP+=("$dropin")
  fi
  local apt_opts=(-y -q -o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT_S" -o Dpkg::Options::=--force-confold)
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "apt: apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >/dev/null \
      || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt: apt-get install $*"
  local rc=0
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install --no-install-recommends "$@" \
    >/dev/null || rc=$?
  # With sudo, the cleanup files belong to root; remove them now rather than in the trap.
  if [[ ${#sudo[@]} -gt 0 ]]; then
    local f i
    for ((i = ${#APT_CLEANUP[@]} - 1; i >= 0; i--)); do
      f="${APT_CLEANUP[i]}"
      if [[ -d "$f" ]]; then "${sudo[@]}" rmdir --ignore-fail-on-non-empty "$f"; else "${sudo[@]}" rm -f "$f"; fi
    done
    APT_CLEANUP=()
  fi
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------
PG_BIN=""
pg_find_bin() {
  # The newest installed major version that has a server, not just a client.
  local d
  PG_BIN=""
  while IFS= read -r d; do
    [[ -x "$d/initdb" && -x "$d/postgres" && -x "$d/pg_ctl" ]] && PG_BIN="$d"
  done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
  [[ -n "$PG_BIN" ]]
}

pg_ensure_installed() {
  pg_find_bin && return 0
  log "postgres: initdb/postgres not found under /usr/lib/postgresql/*/bin; installing Debian's postgresql"
  apt_install postgresql
  pg_find_bin || die "postgres: installed the postgresql package but found no server under /usr/lib/postgresql/*/bin"
}

# PostgreSQL refuses to run as root: as root, run it (and initdb, pg_ctl, psql) as the postgres user.
pg_as_owner() {
  if is_root; then runuser -u "$PG_SUPERUSER" -- "$@"; else "$@"; fi
}

pg_ensure_os_user() {
  is_root || return 0
  if ! id -u "$PG_SUPERUSER" >/dev/null 2>&1; then
    log "postgres: creating system user $PG_SUPERUSER"
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
      --shell /bin/bash "$PG_SUPERUSER"
  fi
}

# A unix socket path is limited to ~107 bytes; a deep checkout falls back to a short private dir.
pg_socket_dir() {
  local d="$PG_DIR/run"
  if [[ $((${#d} + 20)) -gt 100 ]]; then d="/tmp/cbdc-stack-pg-$PG_PORT"; fi
  echo "$d"
}

pg_pid() {
  local pid
  pid="$(read_pid "$PG_DATA/postmaster.pid")"
  pid_alive "$pid" || return 1
  # The right program: a postgres postmaster serving this data directory.
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */postgres ]] || return 1
  [[ "$(pid_cmdline "$pid")" == *"$PG_DATA"* ]] || return 1
  echo "$pid"
}

pg_psql() { # pg_psql <database> [psql args...]
  local db="$1"; shift
  pg_as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir)" -p "$PG_PORT" \
    -U "$PG_SUPERUSER" -d "$db" "$@"
}

pg_write_conf() {
  local sock="$1" conf="$PG_DATA/cbdc-stack.conf"
  {
    echo "# Generated by scripts/stack.sh from deploy/postgres/postgresql.conf on every 'up'; do not edit."
    cat "$REPO_DIR/deploy/postgres/postgresql.conf"
    echo
    echo "# Stack-specific settings."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$sock'"
    echo "unix_socket_permissions = 0700"
    echo "logging_collector = off"
    echo "cluster_name = 'cbdc-stack-$PG_PORT'"
  } >"$conf.tmp"
  mv "$conf.tmp" "$conf"
  grep -qxF "include = 'cbdc-stack.conf'" "$PG_DATA/postgresql.conf" \
    || echo "include = 'cbdc-stack.conf'" >>"$PG_DATA/postgresql.conf"
  is_root && chown "$PG_SUPERUSER:" "$conf" "$PG_DATA/postgresql.conf"
  return 0
}

pg_up() {
  local pid start sock
  pg_ensure_installed
  if pid="$(pg_pid)"; then
    log "postgres: already up (pid $pid, 127.0.0.1:$PG_PORT)"
  else
    pg_ensure_os_user
    port_open "$PG_PORT" && die "postgres: port $PG_PORT is already taken by another process; set STACK_PG_PORT"
    sock="$(pg_socket_dir)"
    mkdir -p "$PG_DIR" "$PG_LOG_DIR" "$sock"
    chmod 700 "$sock"
    if is_root; then
      chown "$PG_SUPERUSER:" "$PG_DIR" "$PG_LOG_DIR" "$sock"
      [[ -d "$PG_DATA" ]] && chown -R "$PG_SUPERUSER:" "$PG_DATA"
      runuser -u "$PG_SUPERUSER" -- test -x "$PG_DIR" \
        || die "postgres: user $PG_SUPERUSER cannot reach $PG_DIR; make its parent folders world-searchable (chmod o+x) or set STACK_DIR elsewhere"
    fi
    if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
      log "postgres: initdb in $PG_DATA ($("$PG_BIN/postgres" --version))"
      rm -rf "$PG_DATA"
      mkdir -p "$PG_DATA"
      is_root && chown "$PG_SUPERUSER:" "$PG_DATA"
      pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_LOG_DIR/initdb.log" 2>&1 \
        || die "postgres: initdb failed, see $PG_LOG_DIR/initdb.log"
    fi
    pg_write_conf "$sock"
    # A stale pid file (after a crash or a killed machine) is harmless: postgres checks it itself.
    log "postgres: starting on 127.0.0.1:$PG_PORT ..."
    start="$(now_ms)"
    pg_as_owner "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -s -w -t "$PG_READY_TIMEOUT_S" \
      </dev/null >/dev/null 2>&1 8>&- 9>&- \
      || die "postgres: failed to start (or not ready within ${PG_READY_TIMEOUT_S}s), see $PG_LOG:
$(tail -n 5 "$PG_LOG" 2>/dev/null)"
    local deadline=$(($(now_ms) + PG_READY_TIMEOUT_S * 1000))
    until pg_as_owner "$PG_BIN/pg_isready" -q -h "$sock" -p "$PG_PORT"; do
      [[ $(now_ms) -lt $deadline ]] || die "postgres: not ready within ${PG_READY_TIMEOUT_S}s, see $PG_LOG"
      sleep 0.2
    done
    log "postgres: ready in $(elapsed "$start") (pid $(pg_pid || echo '?'))"
  fi
  pg_provision
}

# The application role and one database per process; safe to run on every `up`.
pg_provision() {
  local db
  pg_psql postgres <<SQL >/dev/null
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP_ROLE') THEN
    CREATE ROLE $PG_APP_ROLE LOGIN CREATEDB PASSWORD '$PG_APP_PASSWORD';
  ELSE
    ALTER ROLE $PG_APP_ROLE LOGIN CREATEDB PASSWORD '$PG_APP_PASSWORD';
  END IF;
END
\$\$;
SQL
  for db in "${PG_DATABASES[@]}"; do
    pg_psql postgres <<SQL >/dev/null
SELECT 'CREATE DATABASE $db OWNER $PG_APP_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')
\gexec
ALTER DATABASE $db OWNER TO $PG_APP_ROLE;
SQL
  done
  # Statement statistics for load tests (deploy/postgres/postgresql.conf preloads the module):
  # the application role may read and reset them, nothing more.
  PGOPTIONS="-c client_min_messages=warning" pg_psql "${PG_DATABASES[0]}" <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
GRANT pg_read_all_stats TO $PG_APP_ROLE;
GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO $PG_APP_ROLE;
SQL
  # The check the apps will make: password login over TCP as the application role.
  PGPASSWORD="$PG_APP_PASSWORD" "$PG_BIN/psql" -X -q -At \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_APP_ROLE" -d "${PG_DATABASES[0]}" -c 'select 1' >/dev/null \
    || die "postgres: role $PG_APP_ROLE cannot log in over TCP, see $PG_LOG"
  log "postgres: role $PG_APP_ROLE and databases ${PG_DATABASES[*]} present"
}

pg_down() {
  local pid
  if ! pid="$(pg_pid)"; then
    log "postgres: not running"
    return 0
  fi
  log "postgres: stopping (pid $pid)"
  pg_find_bin || die "postgres: pid $pid is running but pg_ctl is gone"
  pg_as_owner "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -s -w -t "$STOP_TIMEOUT_S" </dev/null \
    || die "postgres: pg_ctl stop failed, see $PG_LOG"
  local s
  s="$(pg_socket_dir)"
  [[ "$s" == /tmp/* ]] && rm -rf "$s"
  return 0
}

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------
redis_ensure_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  log "redis: redis-server not found; installing Debian's redis-server"
  apt_install redis-server redis-tools
  command -v redis-server >/dev/null || die "redis: installed redis-server but it is not on PATH"
}

redis_pid() {
  local pid
  pid="$(read_pid "$REDIS_PID_FILE")"
  pid_alive "$pid" || return 1
  # Redis rewrites its process title to "redis-server 127.0.0.1:<port>".
  local cmd
  cmd="$(pid_cmdline "$pid")"
  [[ "$cmd" == *redis-server* && "$cmd" == *":$REDIS_PORT"* ]] || return 1
  echo "$pid"
}

redis_up() {
  local pid start
  if pid="$(redis_pid)"; then
    log "redis: already up (pid $pid, 127.0.0.1:$REDIS_PORT)"
    return 0
  fi
  redis_ensure_installed
  port_open "$REDIS_PORT" && die "redis: port $REDIS_PORT is already taken by another process; set STACK_REDIS_PORT"
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PID_FILE"
  sed -e "s|@REDIS_PORT@|$REDIS_PORT|g" -e "s|@REDIS_DATA_DIR@|$REDIS_DIR|g" \
    -e "s|@REDIS_PID_FILE@|$REDIS_PID_FILE|g" -e "s|@REDIS_LOG_FILE@|$REDIS_LOG|g" \
    "$REPO_DIR/deploy/redis/redis.conf.template" >"$REDIS_CONF.tmp"
  mv "$REDIS_CONF.tmp" "$REDIS_CONF"
  log "redis: starting on 127.0.0.1:$REDIS_PORT ..."
  start="$(now_ms)"
  redis-server "$REDIS_CONF" </dev/null >>"$REDIS_LOG" 2>&1 8>&- 9>&- || die "redis: failed to start, see $REDIS_LOG"
  local deadline=$(($(now_ms) + REDIS_READY_TIMEOUT_S * 1000))
  # PONG only comes once the append-only file is loaded, so a restart with many jobs waits here.
  until [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] && redis_pid >/dev/null; do
    [[ $(now_ms) -lt $deadline ]] || die "redis: no PONG within ${REDIS_READY_TIMEOUT_S}s, see $REDIS_LOG"
    sleep 0.1
  done
  log "redis: ready in $(elapsed "$start") (pid $(redis_pid))"
}

# Stop a process we started, by pid: SIGTERM, wait, then SIGKILL.
stop_pid() { # stop_pid <name> <pid>
  local name="$1" pid="$2" deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$(($(now_ms) + STOP_TIMEOUT_S * 1000))
  while pid_alive "$pid"; do
    if [[ $(now_ms) -ge $deadline ]]; then
      log "$name: still running ${STOP_TIMEOUT_S}s after SIGTERM; sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
  done
}

redis_down() {
  local pid
  if ! pid="$(redis_pid)"; then
    log "redis: not running"
    return 0
  fi
  log "redis: stopping (pid $pid)"
  stop_pid redis "$pid"
  rm -f "$REDIS_PID_FILE"
}

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------
JAVA=""
java_major() { "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1; }

java_ensure() {
  local cand
  for cand in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/java-*/bin/java; do
    [[ -n "$cand" && -x "$cand" ]] || continue
    if [[ "$(java_major "$cand")" -ge 17 ]] 2>/dev/null; then JAVA="$cand"; return 0; fi
  done
  log "kafka: no Java 17+ found; installing openjdk-17-jre-headless"
  apt_install openjdk-17-jre-headless || apt_install default-jre-headless
  for cand in "$(command -v java || true)" /usr/lib/jvm/java-*/bin/java; do
    [[ -n "$cand" && -x "$cand" ]] || continue
    if [[ "$(java_major "$cand")" -ge 17 ]] 2>/dev/null; then JAVA="$cand"; return 0; fi
  done
  die "kafka: installed a JRE but found no Java 17+"
}

kafka_version() {
  sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' "$KAFKA_POM" | head -n1
}

KAFKA_LIBS=""
# Resolve the broker's jars from Maven Central once into a cache outside the repo; later runs,
# other stacks and fresh clones reuse it. The marker holds the POM's hash, so editing the POM
# re-resolves.
kafka_ensure_libs() {
  local version home pom_hash
  version="$(kafka_version)"
  [[ -n "$version" ]] || die "kafka: no <kafka.version> in $KAFKA_POM"
  home="$CACHE_DIR/kafka-$version"
  KAFKA_LIBS="$home/libs"
  pom_hash="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f "$home/.resolved" && "$(cat "$home/.resolved")" == "$pom_hash" ]] && return 0
  mkdir -p "$home"
  exec 8>"$home/.lock"
  flock 8
  if [[ ! -f "$home/.resolved" || "$(cat "$home/.resolved")" != "$pom_hash" ]]; then
    if ! command -v mvn >/dev/null; then
      log "kafka: mvn not found; installing maven"
      apt_install maven
    fi
    log "kafka: resolving Apache Kafka $version jars from Maven Central into $KAFKA_LIBS (first time only)"
    local start tmp="$home/libs.tmp.$$"
    start="$(now_ms)"
    rm -rf "$tmp"
    mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$tmp" >"$home/mvn.log" 2>&1 \
      || { rm -rf "$tmp"; die "kafka: jar resolution failed, see $home/mvn.log"; }
    ls "$tmp"/kafka_2.13-"$version".jar >/dev/null 2>&1 \
      || { rm -rf "$tmp"; die "kafka: kafka_2.13-$version.jar missing after resolution, see $home/mvn.log"; }
    rm -rf "$KAFKA_LIBS"
    mv "$tmp" "$KAFKA_LIBS"
    echo "$pom_hash" >"$home/.resolved"
    log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars resolved in $(elapsed "$start")"
  fi
  flock -u 8
  exec 8>&-
}

# One random password per principal, hex so that it needs no quoting in JAAS or in --add-scram.
kafka_ensure_credentials() {
  [[ -s "$KAFKA_CREDENTIALS_FILE" ]] && return 0
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    die "kafka: $KAFKA_DATA was formatted before the broker required authentication (docs/decisions/0015-kafka-acls.md) and has no SCRAM users; delete the stack's data and start again: STACK_DIR=$STACK_DIR bash scripts/stack.sh reset"
  fi
  mkdir -p "$KAFKA_DIR"
  local tmp="$KAFKA_CREDENTIALS_FILE.tmp.$$" principal first=1
  (
    umask 077
    {
      printf '{\n  "mechanism": "%s",\n  "principals": {' "$KAFKA_SASL_MECHANISM"
      for principal in "${KAFKA_PRINCIPALS[@]}"; do
        [[ $first -eq 1 ]] || printf ','
        first=0
        printf '\n    "%s": "%s"' "$principal" "$(head -c "$KAFKA_PASSWORD_BYTES" /dev/urandom | od -An -tx1 | tr -d ' \n')"
      done
      printf '\n  }\n}\n'
    } >"$tmp"
  )
  mv "$tmp" "$KAFKA_CREDENTIALS_FILE"
  log "kafka: generated the principals' passwords in $KAFKA_CREDENTIALS_FILE"
}

# kafka_password <principal>: its password from the credentials file.
kafka_password() {
  sed -n "s/^ *\"$1\": \"\([0-9a-f]*\)\".*/\1/p" "$KAFKA_CREDENTIALS_FILE" | head -n1
}

kafka_pid() {
  local pid
  pid="$(read_pid "$KAFKA_PID_FILE")"
  pid_alive "$pid" || return 1
  local cmd
  cmd="$(pid_cmdline "$pid")"
  [[ "$cmd" == *java* && "$cmd" == *kafka.Kafka* && "$cmd" == *"$KAFKA_PROPS"* ]] || return 1
  echo "$pid"
}

# A metadata request through the same client library the apps use.
kafka_answers() {
  (cd "$REPO_DIR" && KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD="$(kafka_password admin)" \
    timeout 10 node -e '
const { Kafka, logLevel } = require("kafkajs");
const sasl = { mechanism: "scram-sha-512", username: process.env.KAFKA_SASL_USERNAME, password: process.env.KAFKA_SASL_PASSWORD };
const admin = new Kafka({ clientId: "stack-readiness", brokers: [process.env.KAFKA_BROKERS], sasl,
  logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } }).admin();
admin.connect().then(() => admin.describeCluster())
  .then((c) => { if (!c.brokers.length || c.controller === null) throw new Error("no controller"); return admin.disconnect(); })
  .then(() => process.exit(0), () => process.exit(1));
' >/dev/null 2>&1)
}

kafka_up() {
  local pid start
  if pid="$(kafka_pid)"; then
    log "kafka: already up (pid $pid, 127.0.0.1:$KAFKA_PORT)"
    return 0
  fi
  if ! command -v node >/dev/null || [[ ! -d "$REPO_DIR/node_modules/kafkajs" ]]; then
    die "kafka: the readiness check needs node and node_modules/kafkajs; run npm ci first"
  fi
  java_ensure
  kafka_ensure_libs
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$p" && die "kafka: port $p is already taken by another process; set STACK_KAFKA_PORT / STACK_KAFKA_CONTROLLER_PORT"
  done
  kafka_ensure_credentials
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOG_DIR"
  rm -f "$KAFKA_PID_FILE"
  # The generated properties hold the broker's own password: readable by this user only.
  (umask 077 && sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_DATA_DIR@|$KAFKA_DATA|g" -e "s|@KAFKA_BROKER_PASSWORD@|$(kafka_password broker)|g" \
    "$REPO_DIR/deploy/kafka/server.properties.template" >"$KAFKA_PROPS.tmp")
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
  local jvm_common=(-Dkafka.logs.dir="$KAFKA_LOG_DIR"
    -Dlog4j2.configurationFile="$REPO_DIR/deploy/kafka/log4j2.yaml" -cp "$KAFKA_LIBS/*")
  if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    "$JAVA" "${jvm_common[@]}" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_OUT" | tr -d '[:space:]' \
      >"$KAFKA_CLUSTER_ID_FILE.tmp"
    [[ -s "$KAFKA_CLUSTER_ID_FILE.tmp" ]] || die "kafka: could not generate a cluster id, see $KAFKA_OUT"
    mv "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    log "kafka: formatting storage in $KAFKA_DATA (cluster $(cat "$KAFKA_CLUSTER_ID_FILE"), SCRAM users ${KAFKA_PRINCIPALS[*]})"
    # The SCRAM users go into the first metadata records, so the broker (whose inter-broker
    # listener is SCRAM) and every client can authenticate from the first start on.
    local scram=() principal
    for principal in "${KAFKA_PRINCIPALS[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$principal,password=$(kafka_password "$principal")]")
    done
    "$JAVA" "${jvm_common[@]}" kafka.tools.StorageTool format --standalone \
      -t "$(cat "$KAFKA_CLUSTER_ID_FILE")" -c "$KAFKA_PROPS" "${scram[@]}" >>"$KAFKA_OUT" 2>&1 \
      || die "kafka: storage format failed, see $KAFKA_OUT"
  fi
  log "kafka: starting $(kafka_version) on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT) ..."
  start="$(now_ms)"
  # setsid: the broker must not die with the terminal or npm process that ran `up`.
  # The inner shell writes its own pid and execs java, so the pid file names the JVM itself.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID_FILE" \
    "$JAVA" -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "${jvm_common[@]}" kafka.Kafka "$KAFKA_PROPS" </dev/null >>"$KAFKA_OUT" 2>&1 8>&- 9>&- &
  local deadline=$(($(now_ms) + KAFKA_READY_TIMEOUT_S * 1000))
  until kafka_answers; do
    if [[ $(now_ms) -ge $deadline ]]; then
      die "kafka: no metadata answer within ${KAFKA_READY_TIMEOUT_S}s, see $KAFKA_LOG_DIR/server.log and $KAFKA_OUT"
    fi
    if [[ -s "$KAFKA_PID_FILE" ]] && ! pid_alive "$(read_pid "$KAFKA_PID_FILE")"; then
      die "kafka: the broker exited during start-up, see $KAFKA_LOG_DIR/server.log and $KAFKA_OUT"
    fi
    sleep 0.5
  done
  log "kafka: ready in $(elapsed "$start") (pid $(kafka_pid || echo '?'))"
}

kafka_down() {
  local pid
  if ! pid="$(kafka_pid)"; then
    log "kafka: not running"
    return 0
  fi
  log "kafka: stopping (pid $pid)"
  stop_pid kafka "$pid"
  rm -f "$KAFKA_PID_FILE"
}

kafka_create_topics() {
  local script="$REPO_DIR/scripts/create-topics.ts" tsx="$REPO_DIR/node_modules/.bin/tsx"
  if [[ ! -f "$script" ]]; then
    log "kafka: scripts/create-topics.ts does not exist yet; skipping topic creation"
    return 0
  fi
  [[ -x "$tsx" ]] || die "kafka: $tsx missing; run npm ci first"
  log "kafka: creating topics and the principals' ACLs (scripts/create-topics.ts)"
  local sasl_env=()
  if [[ -s "$KAFKA_CREDENTIALS_FILE" ]]; then
    sasl_env=(KAFKA_SASL_MECHANISM="$KAFKA_SASL_MECHANISM" KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD="$(kafka_password admin)" KAFKA_ACLS=true)
  fi
  (cd "$REPO_DIR" && env KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" "${sasl_env[@]}" "$tsx" "$script") \
    || die "kafka: scripts/create-topics.ts failed"
}

# ---------------------------------------------------------------------------------------------
# The env file for apps and tests.
# ---------------------------------------------------------------------------------------------
APPS_MARKER="# apps"
write_env() {
  local file="$STACK_DIR/env" tmp="$STACK_DIR/env.tmp.$$" base="postgres://$PG_APP_ROLE:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT" via
  # Apps and tests reach PostgreSQL through its unix socket (the host parameter wins over the URL's
  # host): on this kind of machine a query round trip costs about half the CPU of loopback TCP
  # (docs/decisions/0020-postgres-over-its-unix-socket.md). The TCP listener stays for other tools.
  via="?host=$(pg_socket_dir)"
  # It carries the admin's Kafka password: readable by this user only.
  touch "$tmp" && chmod 600 "$tmp"
  {
    echo "# Written by scripts/stack.sh up; lines after the '$APPS_MARKER' marker are kept."
    echo "STACK_DIR=$STACK_DIR"
    echo "STACK_PG_PORT=$PG_PORT"
    echo "STACK_REDIS_PORT=$REDIS_PORT"
    echo "STACK_KAFKA_PORT=$KAFKA_PORT"
    echo "STACK_KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT"
    echo "DATABASE_URL_CENTRAL_BANK=$base/cbdc_central_bank$via"
    echo "DATABASE_URL_BANK_A=$base/cbdc_bank_a$via"
    echo "DATABASE_URL_BANK_B=$base/cbdc_bank_b$via"
    echo "DATABASE_URL_REGULATOR=$base/cbdc_regulator$via"
    echo "DATABASE_ADMIN_URL=$base/postgres$via"
    echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
    # Tools and tests connect as the stack's admin; npm start gives each app its own principal
    # from the credentials file (scripts/run-system.ts).
    if [[ -s "$KAFKA_CREDENTIALS_FILE" ]]; then
      echo "KAFKA_SASL_MECHANISM=$KAFKA_SASL_MECHANISM"
      echo "KAFKA_SASL_USERNAME=admin"
      echo "KAFKA_SASL_PASSWORD=$(kafka_password admin)"
      echo "KAFKA_CREDENTIALS_FILE=$KAFKA_CREDENTIALS_FILE"
    fi
    if [[ -f "$file" ]] && grep -qxF "$APPS_MARKER" "$file"; then
      sed -n "/^$APPS_MARKER\$/,\$p" "$file"
    fi
  } >"$tmp"
  mv "$tmp" "$file"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
status_line() { # status_line <service> <pid-or-empty> <port>
  if [[ -n "$2" ]]; then
    printf '%-9s up    pid %-8s 127.0.0.1:%s\n' "$1" "$2" "$3"
  else
    printf '%-9s down  pid %-8s 127.0.0.1:%s\n' "$1" "-" "$3"
  fi
}

cmd_status() {
  local s pid all_up=0
  for s in "$@"; do
    pid=""
    case "$s" in
      postgres) pid="$(pg_pid || true)"; status_line postgres "$pid" "$PG_PORT" ;;
      redis) pid="$(redis_pid || true)"; status_line redis "$pid" "$REDIS_PORT" ;;
      kafka) pid="$(kafka_pid || true)"; status_line kafka "$pid" "$KAFKA_PORT" ;;
    esac
    [[ -n "$pid" ]] || all_up=3
  done
  return "$all_up"
}

cmd_up() {
  local s
  for s in "$@"; do
    case "$s" in
      postgres) pg_up ;;
      redis) redis_up ;;
      kafka) kafka_up; kafka_create_topics ;;
    esac
  done
  write_env
  log "stack: up ($*); settings in $STACK_DIR/env"
}

cmd_down() {
  local s i
  # Stop in reverse order of start.
  for ((i = $# ; i >= 1 ; i--)); do
    s="${!i}"
    case "$s" in
      postgres) pg_down ;;
      redis) redis_down ;;
      kafka) kafka_down ;;
    esac
  done
}

cmd_reset() {
  cmd_down "$@"
  local s
  # PostgreSQL's files may live outside STACK_DIR (see PG_DIR); delete them where they are.
  if [[ " $* " == *" postgres "* && -L "$STACK_DIR/postgres" ]]; then rm -rf "${PG_DIR:?}"; rmdir "$(dirname "$PG_DIR")" 2>/dev/null || true; fi
  if [[ $# -eq ${#ALL_SERVICES[@]} ]]; then
    log "stack: deleting $STACK_DIR (the Kafka jar cache in $CACHE_DIR stays)"
    # Keep the lock file this process holds; delete everything else.
    find "$STACK_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  else
    for s in "$@"; do
      log "stack: deleting $STACK_DIR/$s"
      rm -rf "${STACK_DIR:?}/$s"
    done
  fi
  [[ -d "/tmp/cbdc-stack-pg-$PG_PORT" ]] && rm -rf "/tmp/cbdc-stack-pg-$PG_PORT"
  return 0
}

usage() {
  echo "usage: bash scripts/stack.sh up|down|status|reset [postgres|redis|kafka ...]" >&2
  exit 2
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"; shift
  local services=() s
  if [[ $# -eq 0 ]]; then
    services=("${ALL_SERVICES[@]}")
  else
    # Keep the canonical order (postgres, redis, kafka) whatever order the arguments come in.
    for s in "${ALL_SERVICES[@]}"; do
      [[ " $* " == *" $s "* ]] && services+=("$s")
    done
    for s in "$@"; do
      [[ " ${ALL_SERVICES[*]} " == *" $s "* ]] || die "unknown service '$s' (known: ${ALL_SERVICES[*]})"
    done
  fi
  # One changing command at a time per stack: two concurrent `up`s would race on pid files and
  # initdb. `status` only reads, so it answers even while an `up` waits for Kafka.
  # Every daemon is started with fds 8 and 9 closed, so no server keeps this lock.
  if [[ "$cmd" != status ]]; then
    exec 9>"$STACK_DIR/.lock"
    flock 9
  fi
  case "$cmd" in
    up) cmd_up "${services[@]}" ;;
    down) cmd_down "${services[@]}" ;;
    status) cmd_status "${services[@]}" ;;
    reset) cmd_reset "${services[@]}" ;;
    *) usage ;;
  esac
}

# Sourcing the file (for a test of one function) defines everything and runs nothing.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
