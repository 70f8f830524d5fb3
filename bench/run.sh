#!/usr/bin/env bash
# bench/run.sh — throughput and latency of the Gateway Management API, next to nginx.
#
# Usage: bench/run.sh [options]
#
#   --workers N       server worker threads (WORKERS) and nginx worker_processes (default 2)
#   --duration D      length of each wrk run, e.g. 20s, 1m (default 20s)
#   --seed N          APIs created before the runs (default 1000); RSS is reported after it
#   --threads N       wrk threads (default 2)
#   --connections N   wrk connections (default 64)
#   --log-level L     the server's LOG_LEVEL (default info, so access logging is in the cost)
#   --no-build        use the existing build-release/gateway-api instead of building it
#   --keep            keep the temporary directory (configs, wrk output, server log)
#   --postgres        run the server on a private PostgreSQL 15 and compare it with pgbench
#                     instead of nginx (see "PostgreSQL mode" below)
#   --pool-size N     with --postgres: the server's DB_POOL_SIZE (default 16)
#   --max-overflow N  with --postgres: the server's DB_MAX_OVERFLOW (default 16)
#   --pgbench-scale N with --postgres: pgbench -i -s N for the read ceiling (default 10)
#   -h, --help        print this text
#
# What it does, from the repository root (found from this script's location):
#   1. installs wrk, nginx (nginx-light, else nginx), curl, cmake and ninja with apt-get
#      if any is missing; a Debian package install is kept from starting any service;
#   2. builds the server in Release (build-release/, tests off);
#   3. starts its own nginx (generated from bench/nginx.conf.template in a temporary
#      directory, on a free port of 127.0.0.1, worker_processes = --workers) serving a
#      fixed ~400-byte JSON object; the system's nginx service is never used;
#   4. starts build-release/gateway-api with HOST=127.0.0.1 PORT=0 WORKERS LOG_LEVEL;
#      the server's stdout and stderr go to files in the temporary directory (stdout
#      carries the "listening on" line the port is read from), so formatting and
#      writing every access-log line is part of what is measured (with a level above
#      info, which drops that line, the port is read from /proc instead). The rest of the
#      environment is passed on: with DATABASE_URL (or the AWS_* settings) set, the
#      server runs against that database; the storage in use is printed;
#   5. seeds the APIs ("seed-<k>", base path "/seed/<k>") with wrk (bench/lua/seed.lua),
#      pages through GET /apis?limit=1000 to collect their ids, and prints the server's
#      peak (VmHWM) and current (VmRSS) resident memory;
#   6. runs wrk -t2 -c64 -d20s --latency against nginx, GET /apis/{id},
#      GET /apis?limit=100, GET /health and POST /apis (a unique API per request; run
#      last, so that the reads see only the seeded APIs), and prints one table: req/s,
#      p50, p99, non-2xx responses (counted by the Lua scripts), socket errors, and
#      req/s as a fraction of nginx's.
# nginx and the server are stopped on exit, whatever happens.
#
# PostgreSQL mode (--postgres) replaces nginx with two database ceilings:
#   - installs postgresql-15, postgresql-client-15 and postgresql-contrib if missing
#     (pgbench is /usr/lib/postgresql/15/bin/pgbench; PG_BINDIR overrides the directory);
#   - starts a private cluster with scripts/pg-test-cluster.sh in the temporary directory
#     and puts back PostgreSQL's defaults where that test cluster departs from them for
#     speed (fsync, synchronous_commit and full_page_writes on, shared_buffers 128MB,
#     client_connection_check_interval 0); max_connections is raised to fit the pool,
#     pgbench's clients and a margin. The cluster is stopped and removed on exit;
#   - every client (the server and pgbench) connects as the same application role over
#     TCP to 127.0.0.1 with sslmode=disable: no TLS on either side;
#   - pgbench -i -s <scale> fills a database of its own, and a schema bench_ceiling of the
#     service's database gets an apis table made by src/db/migrations/*.sql;
#   - the server runs with DATABASE_URL, DB_POOL_SIZE, DB_MAX_OVERFLOW and DB_FALLBACK=none
#     and must report storage type postgresql; after seeding, its table is VACUUM ANALYZEd
#     (as pgbench -i does to its own tables);
#   - wrk runs GET /apis/{id}, GET /apis?limit=100, GET /health and POST /apis, then
#     pgbench -S -M prepared and pgbench -n -M prepared -f bench/pg/insert_api.sql run
#     with as many clients (-c) and threads (-j) as wrk has connections and threads, for
#     the same duration (a CHECKPOINT precedes every run). The table gives each
#     endpoint's req/s as a fraction of its ceiling's tps: the reads and /health against
#     pgbench -S, POST /apis against the insert. pgbench's p50/p99 come from a 10% sample of its per-transaction log,
#     and its failed transactions stand in the non-2xx column.
#
# Exit status: 0 when every response was 2xx and there were no socket errors, 3 when
# the runs completed but some were not, 1 (or another non-zero code) when a step failed.
# All traffic stays on 127.0.0.1. On a machine with few cores, wrk, nginx and the
# server share them: compare the ratios, not the absolute numbers, between machines.

set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
lua_dir="$bench_dir/lua"

workers=2
duration=20s
seed_count=1000
wrk_threads=2
wrk_connections=64
log_level=info
build=1
keep=0
postgres=0
pool_size=16
max_overflow=16
pgbench_scale=10

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

die() {
    echo "run.sh: $*" >&2
    exit 1
}

positive_int() {  # name value
    [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, not '$2'"
}

while (($# > 0)); do
    case $1 in
        --workers) positive_int "$1" "${2-}"; workers=$2; shift 2 ;;
        --duration)
            [[ ${2-} =~ ^[1-9][0-9]*[smh]?$ ]] || die "--duration needs e.g. 20s or 1m, not '${2-}'"
            duration=$2; shift 2 ;;
        --seed) positive_int "$1" "${2-}"; seed_count=$2; shift 2 ;;
        --threads) positive_int "$1" "${2-}"; wrk_threads=$2; shift 2 ;;
        --connections) positive_int "$1" "${2-}"; wrk_connections=$2; shift 2 ;;
        --log-level)
            [[ -n ${2-} ]] || die "--log-level needs a value"
            log_level=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --keep) keep=1; shift ;;
        --postgres) postgres=1; shift ;;
        --pool-size) positive_int "$1" "${2-}"; pool_size=$2; shift 2 ;;
        --max-overflow)
            [[ ${2-} =~ ^(0|[1-9][0-9]*)$ ]] || die "--max-overflow needs a non-negative integer, not '${2-}'"
            max_overflow=$2; shift 2 ;;
        --pgbench-scale) positive_int "$1" "${2-}"; pgbench_scale=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
((wrk_connections >= wrk_threads)) || die "--connections must be at least --threads"
# pgbench -T takes seconds; wrk reads a bare number as seconds too.
case $duration in
    *h) duration_seconds=$((${duration%h} * 3600)) ;;
    *m) duration_seconds=$((${duration%m} * 60)) ;;
    *s) duration_seconds=${duration%s} ;;
    *) duration_seconds=$duration ;;
esac

# ---------------------------------------------------------------------------------
# Clean-up: runs on every exit, including failures and Ctrl-C.

tmp_dir=""
nginx_pid=""
server_pid=""
seed_wrk_pid=""
policy_rc_created=0
pg_dir=""

stop_process() {  # pid signal seconds-before-SIGKILL
    local pid=$1 signal=$2 grace=$3 waited=0
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "-$signal" "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited < grace * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "run.sh: process $pid did not stop within ${grace}s of SIG$signal; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_process "$seed_wrk_pid" INT 5
    stop_process "$server_pid" TERM 15
    stop_process "$nginx_pid" TERM 5
    if [[ -n $pg_dir && -d $pg_dir ]]; then
        if ((keep)); then
            cp "$pg_dir/server.log" "$tmp_dir/postgresql.log" 2>/dev/null || true
        fi
        "$repo_root/scripts/pg-test-cluster.sh" stop "$pg_dir" >/dev/null ||
            echo "run.sh: could not stop the PostgreSQL cluster in $pg_dir" >&2
    fi
    if ((policy_rc_created)); then
        as_root rm -f /usr/sbin/policy-rc.d || true
    fi
    if [[ -n $tmp_dir && -d $tmp_dir ]]; then
        if ((keep)); then
            echo "run.sh: kept $tmp_dir"
        else
            rm -rf "$tmp_dir"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------
# 1. Tools.

as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

installed() {  # package
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

ensure_packages() {
    local missing=() nginx_pkg=""
    installed wrk || missing+=(wrk)
    installed curl || missing+=(curl)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v ninja >/dev/null || missing+=(ninja-build)
    if ((postgres)); then
        # On Debian 12 pgbench ships in postgresql-15 itself; psql is in the client.
        installed postgresql-15 || missing+=(postgresql-15)
        installed postgresql-client-15 || missing+=(postgresql-client-15)
        installed postgresql-contrib || missing+=(postgresql-contrib)
        command -v openssl >/dev/null || missing+=(openssl)  # the cluster's certificates
    elif ! installed nginx-light && ! installed nginx && ! installed nginx-core; then
        nginx_pkg=nginx-light
    fi
    ((${#missing[@]} > 0)) || [[ -n $nginx_pkg ]] || return 0

    echo "== installing: ${missing[*]} $nginx_pkg"
    # Keep the packages' maintainer scripts from starting services (a system nginx
    # on port 80 in particular): policy-rc.d answering 101 is Debian's way to say so.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        policy_rc_created=1
    fi
    as_root apt-get update
    if [[ -n $nginx_pkg ]]; then
        # nginx-light is gone from newer Debian releases; nginx is then the small one.
        if apt-cache show nginx-light >/dev/null 2>&1; then
            missing+=(nginx-light)
        else
            missing+=(nginx)
        fi
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    if ((policy_rc_created)); then
        as_root rm -f /usr/sbin/policy-rc.d
        policy_rc_created=0
    fi
}

ensure_packages
if ((postgres)); then
    pg_bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
    for tool in initdb pg_ctl psql pgbench; do
        [[ -x $pg_bindir/$tool ]] ||
            die "no $pg_bindir/$tool (dpkg -S $pg_bindir/$tool names the package that should hold it)"
    done
else
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
    [[ -x $nginx_bin ]] || die "nginx is not installed"
fi

# ---------------------------------------------------------------------------------
# 2. Build.

cd "$repo_root"
server_bin="$repo_root/build-release/gateway-api"
if ((build)); then
    echo "== building the server (Release)"
    cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF
    cmake --build build-release --target gateway-api
fi
[[ -x $server_bin ]] || die "no server binary at build-release/gateway-api (build it, or drop --no-build)"

tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")"

# ---------------------------------------------------------------------------------
# 3. nginx, the reference.

port_in_use() {  # port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_http() {  # url pid seconds: until the url answers with any HTTP status
    local url=$1 pid=$2 tries=$(($3 * 10)) code
    while ((tries-- > 0)); do
        kill -0 "$pid" 2>/dev/null || return 1
        code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null)" || true
        [[ -n $code && $code != 000 ]] && return 0
        sleep 0.1
    done
    return 1
}

start_nginx() {
    local port
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        sed -e "s#@PREFIX@#$tmp_dir/nginx#g" -e "s#@PORT@#$port#g" -e "s#@WORKERS@#$workers#g" \
            "$bench_dir/nginx.conf.template" >"$tmp_dir/nginx/nginx.conf"
        "$nginx_bin" -e "$tmp_dir/nginx/nginx-error.log" -c "$tmp_dir/nginx/nginx.conf" \
            -p "$tmp_dir/nginx" >>"$tmp_dir/nginx/nginx.out" 2>&1 &
        nginx_pid=$!
        if wait_for_http "http://127.0.0.1:$port/api.json" "$nginx_pid" 10; then
            nginx_url="http://127.0.0.1:$port"
            return 0
        fi
        stop_process "$nginx_pid" TERM 5
        nginx_pid=""
        # Another process may have taken the port in between: try another one.
        grep -q 'Address already in use' "$tmp_dir/nginx/nginx-error.log" "$tmp_dir/nginx/nginx.out" \
            2>/dev/null || break
    done
    cat "$tmp_dir/nginx/nginx-error.log" "$tmp_dir/nginx/nginx.out" >&2 2>/dev/null || true
    die "nginx did not start"
}

# With --postgres: the database, its settings and the ceilings' data instead of nginx.

# Runs a command as the owner of the cluster's files (`postgres` under root, as
# scripts/pg-test-cluster.sh arranges it).
as_pg_user() {
    if ((EUID != 0)); then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u postgres -- "$@"
    else
        setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
    fi
}

# Every client connects like the server does: TCP to 127.0.0.1, no TLS.
pg_sql() {  # user password database [psql arguments...]
    local user=$1 password=$2 database=$3
    shift 3
    PGPASSWORD=$password PGSSLMODE=disable PGCONNECT_TIMEOUT=10 "$pg_bindir/psql" -X -q \
        -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U "$user" -d "$database" "$@"
}
as_superuser() { pg_sql "$PG_SUPERUSER" "$PG_SUPERUSER_PASSWORD" "$@"; }
as_app_user() { pg_sql "$PG_APP_USER" "$PG_APP_PASSWORD" "$@"; }

run_pgbench() {  # [pgbench arguments...] database
    PGPASSWORD=$PG_APP_PASSWORD PGSSLMODE=disable "$pg_bindir/pgbench" \
        -h 127.0.0.1 -p "$PGPORT" -U "$PG_APP_USER" "$@"
}

url_encode() {  # text: percent-encoded for a URL's user or password
    local text=$1 out="" char i
    for ((i = 0; i < ${#text}; i++)); do
        char=${text:i:1}
        case $char in
            [A-Za-z0-9._~-]) out+=$char ;;
            *) printf -v char '%%%02X' "'$char"; out+=$char ;;
        esac
    done
    printf '%s' "$out"
}

pgbench_database=bench_pgbench
ceiling_schema=bench_ceiling  # named in bench/pg/insert_api.sql as well

start_postgres() {
    pg_dir="$tmp_dir/pg"
    # Under root the cluster runs as `postgres`, which must be able to pass through here.
    ((EUID != 0)) || chmod 711 "$tmp_dir"
    if ! "$repo_root/scripts/pg-test-cluster.sh" start "$pg_dir" >"$tmp_dir/pg-start.log" 2>&1; then
        cat "$tmp_dir/pg-start.log" >&2
        die "the PostgreSQL cluster did not start"
    fi
    # shellcheck source=/dev/null
    . "$pg_dir/cluster.env"

    # The test cluster trades durability for speed; a benchmark must not. Put back
    # PostgreSQL's defaults, and make room for the pool, pgbench's clients and a margin.
    pg_max_connections=$((pool_size + max_overflow + wrk_connections + 20))
    ((pg_max_connections >= 100)) || pg_max_connections=100
    as_superuser postgres >/dev/null <<EOF
ALTER SYSTEM SET fsync = on;
ALTER SYSTEM SET synchronous_commit = on;
ALTER SYSTEM SET full_page_writes = on;
ALTER SYSTEM SET shared_buffers = '128MB';
ALTER SYSTEM SET client_connection_check_interval = 0;
ALTER SYSTEM SET max_connections = $pg_max_connections;
EOF
    # pg_ctl restart starts the server with the options of its last start (the port).
    if ! (cd "$pg_dir" && as_pg_user "$pg_bindir/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
        -m fast -w -t 60 restart) >"$tmp_dir/pg-restart.log" 2>&1; then
        tail -n 20 "$tmp_dir/pg-restart.log" "$pg_dir/server.log" >&2 || true
        die "PostgreSQL did not restart with the benchmark's settings"
    fi
    pg_version="$(as_superuser postgres -At -c 'SHOW server_version')"
    pg_settings="$(as_superuser postgres -At -c "SELECT string_agg(name || '=' || current_setting(name), ' ')
        FROM unnest(ARRAY['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',
                          'shared_buffers', 'max_connections']) AS name")"
    echo "== PostgreSQL $pg_version on 127.0.0.1:$PGPORT: $pg_settings"

    echo "== pgbench -i -s $pgbench_scale into database $pgbench_database"
    as_superuser postgres -c "CREATE DATABASE $pgbench_database OWNER \"$PG_APP_USER\""
    local started=$SECONDS
    if ! run_pgbench -i -q -s "$pgbench_scale" "$pgbench_database" >"$tmp_dir/pgbench-init.txt" 2>&1; then
        cat "$tmp_dir/pgbench-init.txt" >&2
        die "pgbench -i failed"
    fi
    echo "   done in $((SECONDS - started))s"

    # The write ceiling's table: the service's own migrations, in a schema of their own
    # inside the service's database (the service itself uses public).
    echo "== schema $ceiling_schema in $PGDATABASE from src/db/migrations/*.sql"
    local migration
    {
        echo "CREATE SCHEMA $ceiling_schema;"
        echo "SET search_path = $ceiling_schema;"
        for migration in "$repo_root"/src/db/migrations/*.sql; do
            cat "$migration"
            echo
        done
    } | as_app_user "$PGDATABASE" -1 -f - >/dev/null ||
        die "could not create $ceiling_schema.apis from the migrations"
}

# Before each run, so that no run pays for the dirty pages of the one before.
pg_checkpoint() {
    as_superuser postgres -c CHECKPOINT >/dev/null
}

if ((postgres)); then
    start_postgres
else
    mkdir -p "$tmp_dir/nginx"
    nginx_url=""
    start_nginx
    echo "== nginx (pid $nginx_pid) on $nginx_url, $workers worker processes"
fi

# ---------------------------------------------------------------------------------
# 4. The server.

server_env=(HOST=127.0.0.1 PORT=0 "WORKERS=$workers" "LOG_LEVEL=$log_level")
if ((postgres)); then
    # DB_FALLBACK=none: a server that cannot reach the database must not start on memory.
    server_env+=("DATABASE_URL=postgresql://$(url_encode "$PG_APP_USER"):$(url_encode "$PG_APP_PASSWORD")@127.0.0.1:$PGPORT/$(url_encode "$PGDATABASE")?sslmode=disable"
        "DB_POOL_SIZE=$pool_size" "DB_MAX_OVERFLOW=$max_overflow" DB_FALLBACK=none)
fi
env "${server_env[@]}" "$server_bin" >"$tmp_dir/server.out" 2>"$tmp_dir/server.err" &
server_pid=$!

# The port the process listens on, from the kernel's tables: for log levels above
# info, which leave out the "listening on" line.
listening_port_of() {  # pid
    local inodes hex
    inodes="$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null |
        sed -E 's/socket:\[([0-9]+)\]/\1/' | tr '\n' ' ')" || return 0
    [[ -n $inodes ]] || return 0
    hex="$(awk -v inodes=" $inodes" '$4 == "0A" && index(inodes, " " $10 " ") {
        split($2, a, ":"); print a[2]; exit }' /proc/net/tcp 2>/dev/null)" || true
    [[ $hex =~ ^[0-9A-Fa-f]+$ ]] && echo $((16#$hex))
    return 0
}

server_port=""
for tick in $(seq 1 600); do  # up to 60 s: a configured database may take its connect timeout
    server_port="$(grep -ohE 'listening on http://127\.0\.0\.1:[0-9]+' \
        "$tmp_dir/server.out" "$tmp_dir/server.err" 2>/dev/null | head -n1 | sed 's/.*://')" || true
    # The line is flushed within a second or so of being logged; after 3 s, ask the kernel.
    ((tick < 30)) || [[ -n $server_port ]] || server_port="$(listening_port_of "$server_pid")"
    [[ -n $server_port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $server_port ]]; then
    echo "--- server stdout (last lines)" >&2
    tail -n 20 "$tmp_dir/server.out" >&2 || true
    echo "--- server stderr (last lines)" >&2
    tail -n 20 "$tmp_dir/server.err" >&2 || true
    die "the server did not print 'listening on http://127.0.0.1:<port>'"
fi
server_url="http://127.0.0.1:$server_port"
wait_for_http "$server_url/health" "$server_pid" 10 || die "GET /health on $server_url did not answer"
health_json="$(curl -sS --max-time 5 "$server_url/health")" || true
storage="$(printf '%s' "$health_json" | grep -oE '"type"[[:space:]]*:[[:space:]]*"[^"]*"' | head -n1 |
    sed -E 's/.*"([^"]*)"$/\1/')" || true
echo "== server (pid $server_pid) on $server_url, WORKERS=$workers, LOG_LEVEL=$log_level, storage ${storage:-unknown}"
if ((postgres)); then
    [[ $storage == postgresql ]] || die "GET /health says storage '${storage:-unknown}', not postgresql: $health_json"
    echo "   DB_POOL_SIZE=$pool_size DB_MAX_OVERFLOW=$max_overflow, sslmode=disable"
fi

memory_report() {  # label
    local hwm rss
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true)"
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true)"
    [[ -n $hwm && -n $rss ]] || { echo "   ($1: server memory not readable)"; return 0; }
    awk -v label="$1" -v hwm="$hwm" -v rss="$rss" 'BEGIN {
        printf "   server memory %s: peak RSS (VmHWM) %.1f MiB, current RSS (VmRSS) %.1f MiB\n",
               label, hwm / 1024, rss / 1024 }'
}

memory_report "at start"

# ---------------------------------------------------------------------------------
# 5. Seeding.

echo "== seeding $seed_count APIs"
seed_threads=$wrk_threads
((seed_threads <= seed_count)) || seed_threads=$seed_count
seed_connections=$((seed_threads * 8))
mkdir -p "$tmp_dir/seed"
seed_start=$(date +%s.%N)
# The duration is only a ceiling: seed.lua stops each thread after its share of POSTs,
# and wrk is ended with SIGINT once every thread has left its marker.
seed_limit=$((120 + seed_count / 50))
wrk -t"$seed_threads" -c"$seed_connections" -d"${seed_limit}s" --timeout 10s \
    -s "$lua_dir/seed.lua" "$server_url" -- "$seed_count" "$seed_threads" "$tmp_dir/seed" \
    >"$tmp_dir/seed/wrk.out" 2>&1 &
seed_wrk_pid=$!
while :; do
    markers=$(find "$tmp_dir/seed" -name 'seed-*.done' | wc -l)
    ((markers >= seed_threads)) && break
    if ! kill -0 "$seed_wrk_pid" 2>/dev/null; then
        cat "$tmp_dir/seed/wrk.out" >&2
        die "seeding stopped before every POST was answered (see above)"
    fi
    sleep 0.2
done
stop_process "$seed_wrk_pid" INT 10
seed_wrk_pid=""
seed_seconds=$(awk -v s="$seed_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
read -r seed_created seed_failed < <(cat "$tmp_dir"/seed/seed-*.done |
    awk '{c += $1; f += $2} END {print c + 0, f + 0}')
grep '^seed:' "$tmp_dir/seed/wrk.out" >&2 || true
echo "   created $seed_created, failed $seed_failed in ${seed_seconds}s" \
    "($(awk -v n="$seed_created" -v s="$seed_seconds" 'BEGIN {printf "%.0f", (s > 0) ? n / s : 0}') per second)"
((seed_failed == 0 && seed_created == seed_count)) || die "seeding did not create every API"

# Collect the ids by paging through the collection (which also checks the paging).
ids_file="$tmp_dir/ids.txt"
: >"$ids_file"
cursor=""
pages=0
while :; do
    if [[ -z $cursor ]]; then
        curl -fsS --max-time 30 -o "$tmp_dir/page.json" "$server_url/apis?limit=1000"
    else
        curl -fsS --max-time 30 -o "$tmp_dir/page.json" -G "$server_url/apis" \
            --data-urlencode "limit=1000" --data-urlencode "cursor=$cursor"
    fi
    pages=$((pages + 1))
    { grep -oE '"id"[[:space:]]*:[[:space:]]*"[0-9a-fA-F-]{36}"' "$tmp_dir/page.json" || true; } |
        grep -oE '[0-9a-fA-F-]{36}' >>"$ids_file" || true
    cursor="$({ grep -oE '"next_cursor"[[:space:]]*:[[:space:]]*("[^"]*"|null)' "$tmp_dir/page.json" || true; } |
        tail -n1 | sed -E 's/^"next_cursor"[[:space:]]*:[[:space:]]*//; s/^"(.*)"$/\1/')"
    [[ -n $cursor && $cursor != null ]] || break
    ((pages <= seed_count / 1000 + 1000)) || die "GET /apis paging does not end"
done
id_count=$(wc -l <"$ids_file")
distinct_ids=$(sort -u "$ids_file" | wc -l)
echo "   listed $id_count APIs ($distinct_ids distinct) in $pages page(s) of GET /apis?limit=1000"
((id_count >= seed_count)) || die "GET /apis listed $id_count APIs, fewer than the $seed_count seeded"
((distinct_ids == id_count)) || echo "   WARNING: GET /apis paging returned some APIs twice"
memory_report "after seeding $seed_count"
if ((postgres)); then
    # What pgbench -i does to its tables, and autovacuum would soon do to this one.
    as_app_user "$PGDATABASE" -c "VACUUM ANALYZE apis" >/dev/null
fi

# ---------------------------------------------------------------------------------
# 6. The runs.

declare -A rps p50 p99 non2xx sockerr statuses
labels=()

to_ms() {  # wrk latency such as 850.00us, 1.23ms, 1.02s
    awk -v v="$1" 'BEGIN {
        if (v == "") { print "?"; exit }
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
        if (f < 0) print "?"; else printf "%.2f", n * f }'
}

run_wrk() {  # label script url [script arguments...]
    local label=$1 script=$2 url=$3 out
    shift 3
    out="$tmp_dir/wrk-${#labels[@]}.txt"
    echo "== $label: wrk -t$wrk_threads -c$wrk_connections -d$duration --latency"
    if ! wrk -t"$wrk_threads" -c"$wrk_connections" -d"$duration" --latency \
        -s "$lua_dir/$script" "$url" ${1+-- "$@"} >"$out" 2>&1; then
        cat "$out" >&2
        die "wrk failed for $label"
    fi
    labels+=("$label")
    rps[$label]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"
    p50[$label]="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")"
    p99[$label]="$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")"
    sockerr[$label]="$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")"
    sockerr[$label]=${sockerr[$label]:-0}
    # wrk's own line covers only some statuses; the Lua count is the one shown.
    local lua_bad wrk_bad
    lua_bad="$(sed -n 's/^bench-result .*non2xx=\([0-9]*\).*/\1/p' "$out")"
    wrk_bad="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
    if [[ -z $lua_bad ]]; then
        echo "   WARNING: the Lua script printed no counts; using wrk's own" >&2
        lua_bad=${wrk_bad:-?}
    elif [[ -n $wrk_bad ]] && ((wrk_bad > lua_bad)); then
        lua_bad=$wrk_bad
    fi
    non2xx[$label]=$lua_bad
    statuses[$label]="$(sed -n 's/^bench-result .*statuses=\(.*\)$/\1/p' "$out")"
    echo "   ${rps[$label]} req/s, p50 ${p50[$label]} ms, p99 ${p99[$label]} ms," \
        "non-2xx ${non2xx[$label]}, socket errors ${sockerr[$label]}, statuses ${statuses[$label]:-?}"
}

# With --postgres: pgbench with as many clients as wrk has connections, for as long.
run_pgbench_ceiling() {  # label database [pgbench arguments...]
    local label=$1 database=$2 out log_prefix median tail
    shift 2
    out="$tmp_dir/pgbench-${#labels[@]}.txt"
    log_prefix="$tmp_dir/pgbench-${#labels[@]}-log"
    echo "== $label: pgbench $* -c$wrk_connections -j$wrk_threads -T$duration_seconds"
    pg_checkpoint
    if ! run_pgbench "$@" -c "$wrk_connections" -j "$wrk_threads" -T "$duration_seconds" \
        -l --sampling-rate=0.1 --log-prefix="$log_prefix" "$database" >"$out" 2>&1; then
        cat "$out" >&2
        die "pgbench failed for $label"
    fi
    labels+=("$label")
    rps[$label]="$(awk '/^tps = / {printf "%.0f", $3}' "$out")"
    non2xx[$label]="$(awk '/^number of failed transactions:/ {print $5}' "$out")"
    non2xx[$label]=${non2xx[$label]:-0}
    sockerr[$label]=-
    # Per-transaction log lines: client, transaction, latency in us, ... ("failed" when so).
    read -r median tail < <(cat "$log_prefix".* 2>/dev/null |
        awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n | awk '{v[NR] = $1} END {
            if (NR == 0) { print "? ?"; exit }
            i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
            i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
            printf "%.2f %.2f\n", v[i50] / 1000, v[i99] / 1000 }')
    p50[$label]=$median
    p99[$label]=$tail
    statuses[$label]="failed transactions ${non2xx[$label]}"
    echo "   ${rps[$label]} tps, p50 ${p50[$label]} ms, p99 ${p99[$label]} ms (10% sample)," \
        "$(awk '/^latency average/ {print "average " $4 " " $5}' "$out"), failed ${non2xx[$label]}"
}

# POST /apis runs last: it grows the store, and the reads are measured on the seed.
if ((postgres)); then
    pg_checkpoint
    run_wrk "GET /apis/{id}" get_by_id.lua "$server_url" "$ids_file"
    pg_checkpoint
    run_wrk "GET /apis?limit=100" list.lua "$server_url"
    pg_checkpoint
    run_wrk "GET /health" health.lua "$server_url"
    pg_checkpoint
    run_wrk "POST /apis" create.lua "$server_url" "load$(date +%s)"
    run_pgbench_ceiling "pgbench -S" "$pgbench_database" -S -M prepared
    run_pgbench_ceiling "pgbench insert_api.sql" "$PGDATABASE" -n -M prepared \
        -f "$bench_dir/pg/insert_api.sql"
else
    run_wrk "nginx static JSON" static.lua "$nginx_url"
    run_wrk "GET /apis/{id}" get_by_id.lua "$server_url" "$ids_file"
    run_wrk "GET /apis?limit=100" list.lua "$server_url"
    run_wrk "GET /health" health.lua "$server_url"
    run_wrk "POST /apis" create.lua "$server_url" "load$(date +%s)"
fi

server_threads="$(awk '/^Threads:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo '?')"
memory_report "at the end"
log_bytes=$(($(stat -c %s "$tmp_dir/server.out") + $(stat -c %s "$tmp_dir/server.err")))

# ---------------------------------------------------------------------------------
# 7. The table.

if ((postgres)); then
    final_health="$(curl -sS --max-time 5 "$server_url/health" 2>/dev/null)" || true
    pool_stats="$(printf '%s' "$final_health" | grep -oE '"pool"[[:space:]]*:[[:space:]]*\{[^}]*\}' |
        head -n1)" || true
    echo
    echo "Gateway Management API on PostgreSQL, next to pgbench ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
    echo "  cores: $(nproc)"
    echo "  server workers: $workers (WORKERS; $server_threads threads in the process), LOG_LEVEL=$log_level," \
        "storage ${storage:-unknown}, log written: $((log_bytes / 1024)) KiB"
    echo "  server pool: DB_POOL_SIZE=$pool_size DB_MAX_OVERFLOW=$max_overflow;" \
        "at the end ${pool_stats:-(pool figures not readable from /health)}"
    echo "  PostgreSQL $pg_version, private cluster: $pg_settings"
    echo "  connections: TCP to 127.0.0.1 with sslmode=disable (no TLS), as role $PG_APP_USER," \
        "for the server and pgbench alike"
    echo "  wrk: -t$wrk_threads -c$wrk_connections -d$duration; seeded APIs: $seed_count"
    echo "  pgbench: -M prepared -c$wrk_connections -j$wrk_threads -T$duration_seconds;" \
        "-S on -s $pgbench_scale; insert_api.sql into $ceiling_schema.apis (the service's migrations)"
    echo "  reads and /health are compared with pgbench -S, POST /apis with insert_api.sql;"
    echo "  for pgbench rows req/s is tps, non-2xx is failed transactions, p50/p99 from a 10% sample"
    echo
    fmt='%-22s %10s %9s %9s %9s %10s %11s  %s\n'
    # shellcheck disable=SC2059
    printf "$fmt" endpoint req/s "p50 ms" "p99 ms" non-2xx "sock errs" "vs ceiling" ceiling
    # shellcheck disable=SC2059
    printf "$fmt" "----------------------" "----------" "---------" "---------" "---------" \
        "----------" "-----------" "----------------------"
    problems=0
    for label in "pgbench -S" "pgbench insert_api.sql" "GET /apis/{id}" "GET /apis?limit=100" \
        "GET /health" "POST /apis"; do
        case $label in
            pgbench*) ceiling="" ;;
            "POST /apis") ceiling="pgbench insert_api.sql" ;;
            *) ceiling="pgbench -S" ;;
        esac
        ratio=""
        if [[ -n $ceiling ]]; then
            ratio="$(awk -v r="${rps[$label]:-0}" -v b="${rps[$ceiling]:-0}" 'BEGIN {
                if (b > 0) printf "%.2f", r / b; else print "?" }')"
        fi
        # shellcheck disable=SC2059
        printf "$fmt" "$label" "${rps[$label]:-?}" "${p50[$label]}" "${p99[$label]}" \
            "${non2xx[$label]}" "${sockerr[$label]}" "$ratio" "$ceiling"
        if [[ ${non2xx[$label]} != 0 || (${sockerr[$label]} != 0 && ${sockerr[$label]} != -) ]]; then
            problems=1
        fi
    done
    echo
    # Warnings and errors the server logged, most frequent first (ids and numbers folded).
    log_problems="$(cat "$tmp_dir/server.out" "$tmp_dir/server.err" 2>/dev/null |
        awk '$2 == "warning" || $2 == "error" || $2 == "critical" { $1 = ""; print }' |
        sed -E 's/[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}/<id>/g; s/[0-9]+/N/g' |
        sort | uniq -c | sort -rn | head -n 8)" || true
    if [[ -n $log_problems ]]; then
        echo "Server log, warnings and errors (count, message):"
        printf '%s\n' "$log_problems"
        echo
    fi
    if ((problems)); then
        echo "Some responses were not 2xx, some sockets failed, or some transactions failed:"
        for label in "${labels[@]}"; do
            echo "  $label: ${statuses[$label]:-?}"
        done
        exit 3
    fi
    exit 0
fi

base_rps=${rps["nginx static JSON"]}
echo
echo "Gateway Management API benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo "  cores: $(nproc)"
echo "  server workers: $workers (WORKERS; $server_threads threads in the process), LOG_LEVEL=$log_level," \
    "storage ${storage:-unknown}, log written: $((log_bytes / 1024)) KiB"
echo "  nginx workers: $workers (worker_processes)"
echo "  wrk: -t$wrk_threads -c$wrk_connections -d$duration; seeded APIs: $seed_count"
echo
fmt='%-22s %10s %9s %9s %9s %10s %9s\n'
# shellcheck disable=SC2059
printf "$fmt" endpoint req/s "p50 ms" "p99 ms" non-2xx "sock errs" "vs nginx"
# shellcheck disable=SC2059
printf "$fmt" "----------------------" "----------" "---------" "---------" "---------" "----------" "---------"
problems=0
for label in "nginx static JSON" "GET /apis/{id}" "GET /apis?limit=100" "POST /apis" "GET /health"; do
    ratio="$(awk -v r="${rps[$label]:-0}" -v b="${base_rps:-0}" 'BEGIN {
        if (b > 0) printf "%.2f", r / b; else print "?" }')"
    # shellcheck disable=SC2059
    printf "$fmt" "$label" "${rps[$label]:-?}" "${p50[$label]}" "${p99[$label]}" \
        "${non2xx[$label]}" "${sockerr[$label]}" "$ratio"
    if [[ ${non2xx[$label]} != 0 || ${sockerr[$label]} != 0 ]]; then
        problems=1
    fi
done
echo
if ((problems)); then
    echo "Some responses were not 2xx, or some sockets failed; statuses per endpoint:"
    for label in "${labels[@]}"; do
        echo "  $label: ${statuses[$label]:-?}"
    done
    exit 3
fi
