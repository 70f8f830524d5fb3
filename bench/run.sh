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
#   --keep            keep the temporary directory (configs, wrk output, servers' logs)
#   --api-key         the server requires API keys (API_KEYS_FILE with one admin key made
#                     by `gateway-api hash-key`) and every request to it, seeding
#                     included, sends that key as a Bearer token; compare its rows with a
#                     run without this option (memory mode only)
#   --tls             the server listens with TLS (TLS_CERT_FILE/TLS_KEY_FILE: a P-256
#                     certificate for 127.0.0.1 made with openssl in the temporary
#                     directory) and so does nginx, with the same certificate, TLS 1.2 and
#                     1.3; wrk and curl speak HTTPS to both. Compare its rows with a run
#                     without it (memory mode only; combines with --api-key)
#   --postgres        run the server on a private PostgreSQL 15 and compare it with nginx,
#                     with a second server in memory mode and with pgbench; measure the
#                     propagation delay between two instances and the RSS of a large
#                     mirror (see "PostgreSQL mode" below)
#   --pool-size N     with --postgres: the server's DB_POOL_SIZE (default 16)
#   --max-overflow N  with --postgres: the server's DB_MAX_OVERFLOW (default 16)
#   --pgbench-scale N with --postgres: pgbench -i -s N for the read ceiling (default 10)
#   --propagation-samples N
#                     with --postgres: samples of the propagation delay (default 200)
#   --rss-apis N      with --postgres: APIs in the database for the RSS measurement
#                     (default 100000; 0 leaves that step out)
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
#      req/s as a fraction of nginx's. Every wrk run is preceded by sync and a 1 s pause,
#      so that it does not pay for writing out the access log of the run before.
# nginx and every server are stopped on exit, whatever happens; a server that does not
# exit with status 0 on SIGTERM is reported.
#
# PostgreSQL mode (--postgres) adds to nginx a second server in memory mode, two database
# ceilings, the propagation delay between two instances and the RSS of a large mirror:
#   - installs postgresql-15, postgresql-client-15, postgresql-contrib and python3 if
#     missing (pgbench is /usr/lib/postgresql/15/bin/pgbench; PG_BINDIR overrides the
#     directory);
#   - starts a private cluster with scripts/pg-test-cluster.sh in the temporary directory
#     and puts back PostgreSQL's defaults where that test cluster departs from them for
#     speed (fsync, synchronous_commit and full_page_writes on, shared_buffers 128MB,
#     client_connection_check_interval 0); max_connections is raised to fit the pool,
#     pgbench's clients and a margin. The cluster is stopped and removed on exit;
#   - every client (the servers and pgbench) connects as the same application role over
#     TCP to 127.0.0.1 with sslmode=disable: no TLS on either side;
#   - pgbench -i -s <scale> fills a database of its own, and a schema bench_ceiling of the
#     service's database gets an apis table made by src/db/migrations/*.sql;
#   - the server runs with DATABASE_URL, DB_POOL_SIZE, DB_MAX_OVERFLOW and DB_FALLBACK=none
#     and must report storage type postgresql; after seeding, its table is VACUUM ANALYZEd
#     (as pgbench -i does to its own tables). Its reads are answered from its warm mirror;
#   - a second server starts in memory mode (DATABASE_URL and the AWS_DB_* settings
#     left out of its environment; it must report storage in-memory), with the same
#     WORKERS and LOG_LEVEL, and is seeded with the same number of APIs in the same way;
#   - wrk runs nginx's static JSON; then GET /apis/{id} four times, alternating the
#     two servers as PostgreSQL mode, memory mode, memory mode, PostgreSQL mode, and
#     the same for GET /apis?limit=100; each mode's row is the mean of its two runs (the
#     memory-mode server is stopped after that); then GET /health and POST /apis on the
#     PostgreSQL-mode server; then POST /apis on a third server whose DATABASE_URL names a
#     port nothing listens on, so that every write goes to its local journal (row "POST
#     /apis (journal)": the journal's cost, next to POST /apis on the primary); then
#     pgbench -S -M prepared and pgbench -n -M prepared -f
#     bench/pg/insert_api.sql run with as many clients (-c) and threads (-j) as wrk has
#     connections and threads, for the same duration (a CHECKPOINT precedes every run of
#     the PostgreSQL-mode server and of pgbench);
#   - propagation: a second PostgreSQL-mode server (instance B) starts on the same
#     DATABASE_URL, and once its /health/ready answers 200, bench/propagation.py (Python 3,
#     standard library only) POSTs --propagation-samples new APIs one at a time to the
#     first server (A) and after each polls B with GET /apis/{name}, about every 0.5 ms
#     on a keep-alive connection, until it answers 200. The delay runs from sending the
#     POST to B's first 200; its p50, p99 and max are printed (and the POST's own
#     latency, for comparison). B is stopped afterwards;
#   - RSS (unless --rss-apis 0): rows are added to the service's apis table with SQL
#     (INSERT ... SELECT over generate_series, in batches of 20,000, names "rss-<k>", base
#     paths "/rss/<k>", every value inside the CHECK constraints of
#     src/db/migrations/0001_create_apis.sql) until it holds --rss-apis APIs, counting
#     those the runs created; SQL rather than POST because it takes seconds, not minutes.
#     The change feed's trigger records every row, and a NOTIFY gateway_api_changes
#     follows, as a writing instance would send. Once A's mirror holds them all (its
#     /health, database.mirror.apis), A's VmHWM and VmRSS are printed; then a new
#     PostgreSQL-mode server starts, which loads its mirror from the database before it
#     listens, and its VmHWM and VmRSS are printed: the figure for "RSS with N APIs
#     mirrored", since A's include everything the runs before made it allocate;
#   - the table gives req/s, p50, p99, non-2xx and socket errors for nginx, pgbench -S,
#     the insert, the memory-mode reads ("(memory)"), the PostgreSQL-mode reads, GET
#     /health and POST /apis, with three ratios: "vs nginx" (every server row), "vs mem"
#     (PostgreSQL-mode reads over the same read in memory mode) and "vs pgb" (reads and
#     /health over pgbench -S, POST /apis over the insert). pgbench's p50/p99 come from a
#     10% sample of its per-transaction log, and its failed transactions stand in the
#     non-2xx column. The propagation line and the RSS lines follow, then the goals:
#     PostgreSQL-mode reads at least 0.90 of memory mode's, GET /apis/{id} at least 0.70
#     and GET /apis?limit=100 at least 0.25 of nginx's, POST /apis at least 0.50 of the
#     insert's, and at most 150 MiB VmRSS for the new server (met or MISSED; a missed
#     goal does not change the exit status).
#
# Exit status: 0 when every response was 2xx, there were no socket errors and every
# propagation sample arrived, 3 when the runs completed but some were not, 1 (or another
# non-zero code) when a step failed. All traffic stays on 127.0.0.1. On a machine with few
# cores, wrk, nginx, PostgreSQL and the servers share them: compare the ratios, not the
# absolute numbers, between machines.

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
api_key=0
tls=0
scheme=http
pool_size=16
max_overflow=16
pgbench_scale=10
rss_apis=100000
propagation_samples=200

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
        --api-key) api_key=1; shift ;;
        --tls) tls=1; scheme=https; shift ;;
        --pool-size) positive_int "$1" "${2-}"; pool_size=$2; shift 2 ;;
        --max-overflow)
            [[ ${2-} =~ ^(0|[1-9][0-9]*)$ ]] || die "--max-overflow needs a non-negative integer, not '${2-}'"
            max_overflow=$2; shift 2 ;;
        --pgbench-scale) positive_int "$1" "${2-}"; pgbench_scale=$2; shift 2 ;;
        --rss-apis)
            [[ ${2-} =~ ^(0|[1-9][0-9]*)$ ]] || die "--rss-apis needs a non-negative integer, not '${2-}'"
            rss_apis=$2; shift 2 ;;
        --propagation-samples) positive_int "$1" "${2-}"; propagation_samples=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
((wrk_connections >= wrk_threads)) || die "--connections must be at least --threads"
((api_key && postgres)) && die "--api-key measures memory mode; leave out --postgres"
((tls && postgres)) && die "--tls measures memory mode; leave out --postgres"
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
server_pids=()  # every server process started (see start_server), stopped on exit
declare -A server_names=()  # pid -> name (its log files are $tmp_dir/<name>.out and .err)
server_exits=()  # servers that did not exit with status 0 when stopped
seed_wrk_pid=""
policy_rc_created=0
pg_dir=""

stop_process() {  # pid signal seconds-before-SIGKILL
    local pid=$1 signal=$2 grace=$3 waited=0
    stopped_status=""  # the exit status, when this call reaped the process
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
    stopped_status=0
    wait "$pid" 2>/dev/null || stopped_status=$?
}

# Stops a server that start_server started, forgets it, and notes an unclean exit.
stop_server() {  # pid
    local pid name=${server_names[$1]:-server} kept=() detail
    stop_process "$1" TERM 15
    if [[ -n $stopped_status && $stopped_status != 0 ]]; then
        detail="$name (pid $1) exited with status $stopped_status"
        ((stopped_status <= 128)) || detail+=" (signal $((stopped_status - 128)))"
        detail+=" after SIGTERM; last line of its stderr: $(tail -n 1 "$tmp_dir/$name.err" 2>/dev/null || true)"
        server_exits+=("$detail")
        echo "run.sh: WARNING: $detail" >&2
    fi
    for pid in "${server_pids[@]}"; do
        [[ $pid == "$1" ]] || kept+=("$pid")
    done
    server_pids=("${kept[@]}")
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_process "$seed_wrk_pid" INT 5
    local pid
    for pid in "${server_pids[@]}"; do
        stop_server "$pid"
    done
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
    ((tls == 0)) || installed openssl || missing+=(openssl)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v ninja >/dev/null || missing+=(ninja-build)
    if ((postgres)); then
        # On Debian 12 pgbench ships in postgresql-15 itself; psql is in the client.
        installed postgresql-15 || missing+=(postgresql-15)
        installed postgresql-client-15 || missing+=(postgresql-client-15)
        installed postgresql-contrib || missing+=(postgresql-contrib)
        command -v openssl >/dev/null || missing+=(openssl)  # the cluster's certificates
        command -v python3 >/dev/null || missing+=(python3)  # bench/propagation.py
    fi
    if ! installed nginx-light && ! installed nginx && ! installed nginx-core; then
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
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x $nginx_bin ]] || die "nginx is not installed"

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

# With --tls: one self-signed certificate for 127.0.0.1, used by the server and nginx alike;
# curl trusts it through a .curlrc of the run's own (CURL_HOME), so every curl call below
# stays as it is.
nginx_ssl="" nginx_ssl_settings=""
if ((tls)); then
    mkdir -p "$tmp_dir/tls"
    tls_cert="$tmp_dir/tls/cert.pem" tls_key="$tmp_dir/tls/key.pem"
    openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 1 \
        -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
        -keyout "$tls_key" -out "$tls_cert" >"$tmp_dir/tls/openssl.out" 2>&1 ||
        die "openssl could not make the certificate: $(cat "$tmp_dir/tls/openssl.out")"
    printf 'cacert = "%s"\n' "$tls_cert" >"$tmp_dir/tls/.curlrc"
    export CURL_HOME="$tmp_dir/tls"
    nginx_ssl="ssl "
    nginx_ssl_settings="ssl_certificate $tls_cert; ssl_certificate_key $tls_key; ssl_protocols TLSv1.2 TLSv1.3;"
fi

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
            -e "s#@SSL@#$nginx_ssl#g" -e "s#@SSL_SETTINGS@#$nginx_ssl_settings#g" \
            "$bench_dir/nginx.conf.template" >"$tmp_dir/nginx/nginx.conf"
        "$nginx_bin" -e "$tmp_dir/nginx/nginx-error.log" -c "$tmp_dir/nginx/nginx.conf" \
            -p "$tmp_dir/nginx" >>"$tmp_dir/nginx/nginx.out" 2>&1 &
        nginx_pid=$!
        if wait_for_http "$scheme://127.0.0.1:$port/api.json" "$nginx_pid" 10; then
            nginx_url="$scheme://127.0.0.1:$port"
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
fi
mkdir -p "$tmp_dir/nginx"
nginx_url=""
start_nginx
echo "== nginx (pid $nginx_pid) on $nginx_url, $workers worker processes"

# ---------------------------------------------------------------------------------
# 4. The server.

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

# Starts one server process with the given environment on top of the inherited one (minus
# the variables named after -u) and waits until it answers GET /health. Its stdout and
# stderr go to $tmp_dir/<name>.out and .err. Sets started_pid, started_url,
# started_storage and started_seconds (from exec to the "listening on" line); the pid is
# added to server_pids at once, so that the clean-up stops it whatever happens next.
start_server() {  # name [-u VARIABLE]... [VARIABLE=value]...
    local name=$1 unset_args=() port="" tick health_json started
    shift
    while [[ ${1-} == -u ]]; do
        unset_args+=(-u "$2")
        shift 2
    done
    started=$(date +%s.%N)
    # A server with a database keeps local state (DATA_DIR); each gets a directory of its
    # own, since two processes cannot share one. Memory mode stays volatile, as by default.
    local data_dir=()
    [[ " $* " != *" DATABASE_URL="* ]] || data_dir=("DATA_DIR=$tmp_dir/data-$name")
    env "${unset_args[@]}" "$@" "${data_dir[@]}" "$server_bin" >"$tmp_dir/$name.out" 2>"$tmp_dir/$name.err" &
    started_pid=$!
    server_pids+=("$started_pid")
    server_names[$started_pid]=$name
    for tick in $(seq 1 600); do  # up to 60 s: a configured database may take its connect timeout
        port="$(grep -ohE 'listening on https?://127\.0\.0\.1:[0-9]+' \
            "$tmp_dir/$name.out" "$tmp_dir/$name.err" 2>/dev/null | head -n1 | sed 's/.*://')" || true
        # The line is flushed within a second or so of being logged; after 3 s, ask the kernel.
        ((tick < 30)) || [[ -n $port ]] || port="$(listening_port_of "$started_pid")"
        [[ -n $port ]] && break
        kill -0 "$started_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z $port ]]; then
        echo "--- $name stdout (last lines)" >&2
        tail -n 20 "$tmp_dir/$name.out" >&2 || true
        echo "--- $name stderr (last lines)" >&2
        tail -n 20 "$tmp_dir/$name.err" >&2 || true
        die "the server ($name) did not print 'listening on http://127.0.0.1:<port>'"
    fi
    started_seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
    started_url="$scheme://127.0.0.1:$port"
    wait_for_http "$started_url/health" "$started_pid" 10 || die "GET /health on $started_url ($name) did not answer"
    health_json="$(curl -sS --max-time 5 "$started_url/health")" || true
    started_storage="$(printf '%s' "$health_json" | grep -oE '"type"[[:space:]]*:[[:space:]]*"[^"]*"' |
        head -n1 | sed -E 's/.*"([^"]*)"$/\1/')" || true
}

server_env=(HOST=127.0.0.1 PORT=0 "WORKERS=$workers" "LOG_LEVEL=$log_level")
# With --api-key: the key goes to the Lua scripts (bench/lua/common.lua adds the header)
# and to curl through the environment, never onto a command line or into the table.
curl_auth=()
if ((api_key)); then
    "$server_bin" hash-key bench admin >"$tmp_dir/api-keys" 2>"$tmp_dir/api-key.txt" ||
        die "gateway-api hash-key failed: $(cat "$tmp_dir/api-key.txt")"
    GATEWAY_BENCH_KEY="$(grep -m1 '^gwk_' "$tmp_dir/api-key.txt")" || die "hash-key printed no key"
    export GATEWAY_BENCH_KEY
    printf 'header = "Authorization: Bearer %s"\n' "$GATEWAY_BENCH_KEY" >"$tmp_dir/curl-auth"
    curl_auth=(--config "$tmp_dir/curl-auth")
    server_env+=("API_KEYS_FILE=$tmp_dir/api-keys")
    echo "== API keys required: every request sends an admin key"
fi
if ((tls)); then
    server_env+=("TLS_CERT_FILE=$tls_cert" "TLS_KEY_FILE=$tls_key")
    echo "== TLS: the server and nginx speak HTTPS (TLS 1.2/1.3, P-256 certificate)"
fi
if ((postgres)); then
    # DB_FALLBACK=none: a server that cannot reach the database must not start on memory.
    database_url="postgresql://$(url_encode "$PG_APP_USER"):$(url_encode "$PG_APP_PASSWORD")@127.0.0.1:$PGPORT/$(url_encode "$PGDATABASE")?sslmode=disable"
    server_env+=("DATABASE_URL=$database_url"
        "DB_POOL_SIZE=$pool_size" "DB_MAX_OVERFLOW=$max_overflow" DB_FALLBACK=none)
fi
# In-memory mode for the comparison server of --postgres: whatever would point a server
# at a database is left out of its environment.
memory_unset=()
for variable in DATABASE_URL AWS_DB_HOST AWS_DB_PORT AWS_DB_NAME AWS_DB_USER AWS_DB_PASSWORD \
    AWS_DB_IAM_AUTH AWS_DB_SECRET AWS_SECRET_NAME; do
    memory_unset+=(-u "$variable")
done

start_server server "${server_env[@]}"
server_pid=$started_pid
server_url=$started_url
storage=$started_storage
echo "== server (pid $server_pid) on $server_url, WORKERS=$workers, LOG_LEVEL=$log_level, storage ${storage:-unknown}"
if ((postgres)); then
    [[ $storage == postgresql ]] || die "GET /health says storage '${storage:-unknown}', not postgresql"
    echo "   DB_POOL_SIZE=$pool_size DB_MAX_OVERFLOW=$max_overflow, sslmode=disable"
fi

wait_for_local_state() {  # url seconds: until /health shows no change waiting for the disk
    local url=$1 limit=$2 deadline unwritten
    deadline=$(($(date +%s) + limit))
    while (($(date +%s) < deadline)); do
        unwritten="$(curl -sS --max-time 5 "$url/health" 2>/dev/null |
            grep -oE '"unwritten_changes":[0-9]+' | head -n1 | cut -d: -f2)" || true
        [[ $unwritten == 0 ]] && return 0
        sleep 0.2
    done
    return 1
}

memory_report() {  # label [pid [what]]: the process's peak and current resident memory
    local pid=${2:-$server_pid} what=${3:-server} hwm rss
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    [[ -n $hwm && -n $rss ]] || { echo "   ($1: $what memory not readable)"; return 0; }
    awk -v label="$1" -v what="$what" -v hwm="$hwm" -v rss="$rss" 'BEGIN {
        printf "   %s memory %s: peak RSS (VmHWM) %.1f MiB, current RSS (VmRSS) %.1f MiB\n",
               what, label, hwm / 1024, rss / 1024 }'
}

memory_report "at start"

# ---------------------------------------------------------------------------------
# 5. Seeding.

seed_apis() {  # url count: POSTs "seed-<k>" for k = 1..count through wrk (bench/lua/seed.lua)
    local url=$1 count=$2 seed_threads seed_connections seed_dir seed_start seed_limit seed_seconds
    local markers seed_created seed_failed
    echo "== seeding $count APIs into $url"
    seed_threads=$wrk_threads
    ((seed_threads <= count)) || seed_threads=$count
    seed_connections=$((seed_threads * 8))
    seed_dir="$(mktemp -d "$tmp_dir/seed.XXXXXX")"
    seed_start=$(date +%s.%N)
    # The duration is only a ceiling: seed.lua stops each thread after its share of POSTs,
    # and wrk is ended with SIGINT once every thread has left its marker.
    seed_limit=$((120 + count / 50))
    wrk -t"$seed_threads" -c"$seed_connections" -d"${seed_limit}s" --timeout 10s \
        -s "$lua_dir/seed.lua" "$url" -- "$count" "$seed_threads" "$seed_dir" \
        >"$seed_dir/wrk.out" 2>&1 &
    seed_wrk_pid=$!
    while :; do
        markers=$(find "$seed_dir" -name 'seed-*.done' | wc -l)
        ((markers >= seed_threads)) && break
        if ! kill -0 "$seed_wrk_pid" 2>/dev/null; then
            cat "$seed_dir/wrk.out" >&2
            die "seeding stopped before every POST was answered (see above)"
        fi
        sleep 0.2
    done
    stop_process "$seed_wrk_pid" INT 10
    seed_wrk_pid=""
    seed_seconds=$(awk -v s="$seed_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
    read -r seed_created seed_failed < <(cat "$seed_dir"/seed-*.done |
        awk '{c += $1; f += $2} END {print c + 0, f + 0}')
    grep '^seed:' "$seed_dir/wrk.out" >&2 || true
    echo "   created $seed_created, failed $seed_failed in ${seed_seconds}s" \
        "($(awk -v n="$seed_created" -v s="$seed_seconds" 'BEGIN {printf "%.0f", (s > 0) ? n / s : 0}') per second)"
    ((seed_failed == 0 && seed_created == count)) || die "seeding did not create every API"
}

# Collects the ids by paging through the collection (which also checks the paging).
collect_ids() {  # url count ids-file
    local url=$1 count=$2 ids_file=$3 cursor="" pages=0 id_count distinct_ids page="$tmp_dir/page.json"
    : >"$ids_file"
    while :; do
        if [[ -z $cursor ]]; then
            curl -fsS "${curl_auth[@]}" --max-time 30 -o "$page" "$url/apis?limit=1000"
        else
            curl -fsS "${curl_auth[@]}" --max-time 30 -o "$page" -G "$url/apis" \
                --data-urlencode "limit=1000" --data-urlencode "cursor=$cursor"
        fi
        pages=$((pages + 1))
        { grep -oE '"id"[[:space:]]*:[[:space:]]*"[0-9a-fA-F-]{36}"' "$page" || true; } |
            grep -oE '[0-9a-fA-F-]{36}' >>"$ids_file" || true
        cursor="$({ grep -oE '"next_cursor"[[:space:]]*:[[:space:]]*("[^"]*"|null)' "$page" || true; } |
            tail -n1 | sed -E 's/^"next_cursor"[[:space:]]*:[[:space:]]*//; s/^"(.*)"$/\1/')"
        [[ -n $cursor && $cursor != null ]] || break
        ((pages <= count / 1000 + 1000)) || die "GET /apis paging does not end"
    done
    id_count=$(wc -l <"$ids_file")
    distinct_ids=$(sort -u "$ids_file" | wc -l)
    echo "   listed $id_count APIs ($distinct_ids distinct) in $pages page(s) of GET /apis?limit=1000"
    ((id_count >= count)) || die "GET /apis listed $id_count APIs, fewer than the $count seeded"
    ((distinct_ids == id_count)) || echo "   WARNING: GET /apis paging returned some APIs twice"
}

ids_file="$tmp_dir/ids.txt"
seed_apis "$server_url" "$seed_count"
collect_ids "$server_url" "$seed_count" "$ids_file"
memory_report "after seeding $seed_count"
if ((postgres)); then
    # What pgbench -i does to its tables, and autovacuum would soon do to this one.
    as_app_user "$PGDATABASE" -c "VACUUM ANALYZE apis" >/dev/null

    # The in-memory comparison: a second server with no database, seeded alike.
    start_server server-memory "${memory_unset[@]}" HOST=127.0.0.1 PORT=0 "WORKERS=$workers" \
        "LOG_LEVEL=$log_level"
    memory_pid=$started_pid
    memory_url=$started_url
    echo "== memory-mode server (pid $memory_pid) on $memory_url, WORKERS=$workers," \
        "LOG_LEVEL=$log_level, storage ${started_storage:-unknown}"
    [[ $started_storage == in-memory ]] ||
        die "the comparison server reports storage '${started_storage:-unknown}', not in-memory"
    memory_ids_file="$tmp_dir/ids-memory.txt"
    seed_apis "$memory_url" "$seed_count"
    collect_ids "$memory_url" "$seed_count" "$memory_ids_file"
    memory_report "after seeding $seed_count" "$memory_pid" "memory-mode server"
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
    # The run before may have left tens of MB of access log in dirty pages: have them
    # written now rather than by the kernel's flusher threads during this run.
    sync
    sleep 1
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

mean_of() {  # array-name label...: the mean of a field over runs, "?" when one has none
    local -n field=$1
    shift
    local values=() label
    for label in "$@"; do values+=("${field[$label]:-?}"); done
    printf '%s\n' "${values[@]}" | awk '$1 == "?" || $1 == "" {bad = 1} {s += $1; n++}
        END { if (bad || n == 0) print "?"; else printf "%.2f\n", s / n }'
}

sum_of() {  # array-name label...: the sum of a count over runs, "?" when one has none
    local -n field=$1
    shift
    local label
    for label in "$@"; do echo "${field[$label]:-?}"; done |
        awk '$1 !~ /^[0-9]+$/ {bad = 1} {s += $1} END { if (bad) print "?"; else print s }'
}

# run_read_pair label script pg-url pg-argument memory-url memory-argument: the read on
# the PostgreSQL-mode server ("label") and on the memory-mode one ("label (memory)"),
# run A B B A; each row shows the mean of its two runs and the sum of their errors.
run_read_pair() {
    local label=$1 script=$2 pg_url=$3 pg_arg=$4 memory_url=$5 memory_arg=$6 row runs
    local pg_args=() memory_args=()
    [[ -z $pg_arg ]] || pg_args=("$pg_arg")
    [[ -z $memory_arg ]] || memory_args=("$memory_arg")
    run_wrk "$label [1]" "$script" "$pg_url" "${pg_args[@]}"
    run_wrk "$label (memory) [1]" "$script" "$memory_url" "${memory_args[@]}"
    run_wrk "$label (memory) [2]" "$script" "$memory_url" "${memory_args[@]}"
    run_wrk "$label [2]" "$script" "$pg_url" "${pg_args[@]}"
    for row in "$label" "$label (memory)"; do
        runs=("$row [1]" "$row [2]")
        labels+=("$row")
        rps[$row]="$(mean_of rps "${runs[@]}" | awk '{ if ($1 == "?") print; else printf "%.0f", $1 }')"
        p50[$row]="$(mean_of p50 "${runs[@]}")"
        p99[$row]="$(mean_of p99 "${runs[@]}")"
        non2xx[$row]="$(sum_of non2xx "${runs[@]}")"
        sockerr[$row]="$(sum_of sockerr "${runs[@]}")"
        statuses[$row]="${statuses[${runs[0]}]}; ${statuses[${runs[1]}]}"
        echo "   $row, mean of two runs: ${rps[$row]} req/s (${rps[${runs[0]}]}, ${rps[${runs[1]}]})"
    done
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

# Other work on the machine skews the numbers: the load average is part of the report.
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
# POST /apis runs last: it grows the store, and the reads are measured on the seed.
if ((postgres)); then
    run_wrk "nginx static JSON" static.lua "$nginx_url"
    # Each read is a pair of PostgreSQL mode and memory mode, run in the order A B B A
    # and averaged, so that neither mode always runs first (drift in the machine's state
    # over the four runs cancels out instead of favouring one side).
    pg_checkpoint
    run_read_pair "GET /apis/{id}" get_by_id.lua "$server_url" "$ids_file" \
        "$memory_url" "$memory_ids_file"
    pg_checkpoint
    run_read_pair "GET /apis?limit=100" list.lua "$server_url" "" "$memory_url" ""
    memory_report "after its runs" "$memory_pid" "memory-mode server"
    stop_server "$memory_pid"
    pg_checkpoint
    run_wrk "GET /health" health.lua "$server_url"
    pg_checkpoint
    run_wrk "POST /apis" create.lua "$server_url" "load$(date +%s)"
    # The write journal's cost: a server whose primary cannot be reached (nothing listens
    # on the port its DATABASE_URL names) puts each write in its local journal, on disk
    # before the answer, to be replayed later.
    dead_port=""
    for _ in 1 2 3 4 5 6 7 8; do
        dead_port=$((20000 + RANDOM % 40000))
        port_in_use "$dead_port" || break
    done
    start_server server-journal "${memory_unset[@]}" HOST=127.0.0.1 PORT=0 "WORKERS=$workers" \
        "LOG_LEVEL=$log_level" DB_CONNECT_TIMEOUT=1 \
        "DATABASE_URL=postgresql://nobody@127.0.0.1:$dead_port/nothing?sslmode=disable"
    journal_pid=$started_pid
    echo "== journaling server (pid $journal_pid) on $started_url, its primary unreachable," \
        "storage ${started_storage:-unknown}"
    run_wrk "POST /apis (journal)" create.lua "$started_url" "journal$(date +%s)"
    stop_server "$journal_pid"
    pg_checkpoint
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

# With --postgres: what other instances see, and what a large mirror costs.

# database.mirror.apis from GET /health: the number of APIs the mirror holds.
mirror_count() {  # url
    curl -sS --max-time 5 "$1/health" 2>/dev/null |
        grep -oE '"mirror"[[:space:]]*:[[:space:]]*\{[^}]*\}' | head -n1 |
        grep -oE '"apis"[[:space:]]*:[[:space:]]*[0-9]+' | grep -oE '[0-9]+$' || true
}

wait_for_mirror() {  # url pid count seconds: until the mirror holds count APIs
    local url=$1 pid=$2 count=$3 tries=$(($4 * 10)) seen=""
    while ((tries-- > 0)); do
        kill -0 "$pid" 2>/dev/null || return 1
        seen="$(mirror_count "$url")"
        [[ $seen == "$count" ]] && return 0
        sleep 0.1
    done
    echo "   the mirror of $url holds ${seen:-?} APIs, not $count" >&2
    return 1
}

propagation_line=""
propagation_ok=1
rss_lines=()
if ((postgres)); then
    # Instance B: a second PostgreSQL-mode server on the same database. Its mirror is
    # loaded before it listens; /health/ready says when it holds the primary's APIs.
    start_server server-peer "${server_env[@]}"
    peer_pid=$started_pid
    peer_url=$started_url
    [[ $started_storage == postgresql ]] ||
        die "the second server reports storage '${started_storage:-unknown}', not postgresql"
    for _ in $(seq 1 300); do
        [[ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "$peer_url/health/ready" 2>/dev/null)" == 200 ]] &&
            break
        sleep 0.1
    done
    echo "== propagation: second server (pid $peer_pid) on $peer_url, started in ${started_seconds}s;" \
        "$propagation_samples times POST /apis to $server_url, then GET /apis/{name} on $peer_url until 200"
    if python3 "$bench_dir/propagation.py" "$server_url" "$peer_url" --samples "$propagation_samples" \
        --tag "p$(date +%s)" >"$tmp_dir/propagation.txt" 2>&1; then
        :
    else
        propagation_ok=0
    fi
    sed 's/^/   /' "$tmp_dir/propagation.txt"
    propagation_line="$(grep '^propagation' "$tmp_dir/propagation.txt" || true)"
    [[ -n $propagation_line ]] || propagation_ok=0
    stop_server "$peer_pid"

    if ((rss_apis > 0)); then
        # Rows go in with SQL, in batches, with values inside every CHECK constraint of
        # src/db/migrations/0001_create_apis.sql (shaped like the seeded APIs); the change
        # feed's trigger records each of them, and a NOTIFY wakes the server as a writing
        # instance would.
        rss_existing="$(as_app_user "$PGDATABASE" -At -c "SELECT count(*) FROM apis")"
        rss_insert=$((rss_apis > rss_existing ? rss_apis - rss_existing : 0))
        echo "== RSS: $rss_existing APIs in the table; inserting $rss_insert with SQL to reach $rss_apis"
        rss_start=$(date +%s.%N)
        rss_batch=20000
        for ((lo = 1; lo <= rss_insert; lo += rss_batch)); do
            hi=$((lo + rss_batch - 1))
            ((hi <= rss_insert)) || hi=$rss_insert
            as_app_user "$PGDATABASE" >/dev/null <<SQL
INSERT INTO apis (id, name, description, version, base_path, upstream_url, methods, enabled,
                  auth_type, rate_limit_per_minute, timeout_ms, tags, revision,
                  created_at, updated_at)
SELECT gen_random_uuid(), 'rss-' || g, 'Seeded by the benchmark', 'v1', '/rss/' || g,
       'http://127.0.0.1:9000', ARRAY['GET', 'POST']::text[], true, 'none', NULL, 30000,
       ARRAY['bench', 'seed']::text[], 1,
       date_trunc('milliseconds', clock_timestamp()), date_trunc('milliseconds', clock_timestamp())
FROM generate_series($lo, $hi) AS g;
SQL
        done
        as_app_user "$PGDATABASE" -c "NOTIFY gateway_api_changes" >/dev/null
        as_app_user "$PGDATABASE" -c "VACUUM ANALYZE apis" >/dev/null
        rss_total="$(as_app_user "$PGDATABASE" -At -c "SELECT count(*) FROM apis")"
        echo "   inserted in $(awk -v s="$rss_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')s;" \
            "the table holds $rss_total APIs"
        rss_follow_start=$(date +%s.%N)
        wait_for_mirror "$server_url" "$server_pid" "$rss_total" 300 ||
            die "the server's mirror did not reach $rss_total APIs"
        echo "   the running server's mirror holds $rss_total APIs" \
            "$(awk -v s="$rss_follow_start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')s later"
        wait_for_local_state "$server_url" 120 ||
            echo "   (the server's local state still had changes to write after 120 s)"
        memory_report "with $rss_total APIs mirrored (followed from the change feed)"
        rss_lines+=("running server (pid $server_pid), after every run and the change feed:$(
            awk '/^VmHWM:/ {h = $2} /^VmRSS:/ {r = $2} END {
                printf " peak RSS (VmHWM) %.1f MiB, current RSS (VmRSS) %.1f MiB", h / 1024, r / 1024 }' \
                "/proc/$server_pid/status")")
        # The number that matters: a process started now loads all of them before it listens.
        start_server server-loaded "${server_env[@]}"
        loaded_pid=$started_pid
        loaded_url=$started_url
        loaded_seconds=$started_seconds
        wait_for_mirror "$loaded_url" "$loaded_pid" "$rss_total" 60 ||
            die "the server started after the insert does not hold $rss_total APIs"
        # The snapshot of the data directory is written behind the load; its queue is part
        # of the start, not of the steady state.
        wait_for_local_state "$loaded_url" 120 ||
            echo "   (the new server's local state still had changes to write after 120 s)"
        sleep 1  # let whatever the start left behind settle before reading VmRSS
        echo "   a new server (pid $loaded_pid) loaded $rss_total APIs and listened in ${loaded_seconds}s"
        memory_report "with $rss_total APIs loaded at start" "$loaded_pid" "new server"
        read -r loaded_hwm loaded_rss < <(awk '/^VmHWM:/ {h = $2} /^VmRSS:/ {r = $2} END {
            printf "%.1f %.1f\n", h / 1024, r / 1024 }' "/proc/$loaded_pid/status")
        rss_lines+=("new server (pid $loaded_pid) started after the insert, $rss_total APIs loaded in\
 ${loaded_seconds}s: peak RSS (VmHWM) $loaded_hwm MiB, current RSS (VmRSS) $loaded_rss MiB")
        stop_server "$loaded_pid"
    fi
fi

# ---------------------------------------------------------------------------------
# 7. The table.

ratio_of() {  # label base-label: req/s of one as a fraction of the other's
    awk -v r="${rps[$1]:-0}" -v b="${rps[$2]:-0}" 'BEGIN { if (b > 0) printf "%.2f", r / b; else print "?" }'
}

if ((postgres)); then
    final_health="$(curl -sS --max-time 5 "$server_url/health" 2>/dev/null)" || true
    pool_stats="$(printf '%s' "$final_health" | grep -oE '"pool"[[:space:]]*:[[:space:]]*\{[^}]*\}' |
        head -n1)" || true
    # Stopped here rather than on exit, so that how it stops is part of the report.
    stop_server "$server_pid"
    echo
    echo "Gateway Management API on PostgreSQL, next to nginx, memory mode and pgbench ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
    echo "  cores: $(nproc); load average (1, 5, 15 min) before the runs: $load_at_start," \
        "now: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "  server workers: $workers (WORKERS; $server_threads threads in the process), LOG_LEVEL=$log_level," \
        "storage ${storage:-unknown}, log written: $((log_bytes / 1024)) KiB"
    echo "  server pool: DB_POOL_SIZE=$pool_size DB_MAX_OVERFLOW=$max_overflow;" \
        "at the end ${pool_stats:-(pool figures not readable from /health)}"
    echo "  memory mode: a second server with no database, same WORKERS and LOG_LEVEL, seeded alike"
    echo "  nginx workers: $workers (worker_processes)"
    echo "  PostgreSQL $pg_version, private cluster: $pg_settings"
    echo "  connections: TCP to 127.0.0.1 with sslmode=disable (no TLS), as role $PG_APP_USER," \
        "for the server and pgbench alike"
    echo "  wrk: -t$wrk_threads -c$wrk_connections -d$duration; seeded APIs: $seed_count"
    echo "  pgbench: -M prepared -c$wrk_connections -j$wrk_threads -T$duration_seconds;" \
        "-S on -s $pgbench_scale; insert_api.sql into $ceiling_schema.apis (the service's migrations)"
    echo "  rows without a suffix are the PostgreSQL-mode server (reads from its warm mirror);"
    echo "  vs pgbench: reads and /health against pgbench -S, POST /apis against insert_api.sql;"
    echo "  for pgbench rows req/s is tps, non-2xx is failed transactions, p50/p99 from a 10% sample"
    echo
    fmt='%-29s %8s %8s %8s %8s %9s %8s %8s %8s  %s\n'
    # shellcheck disable=SC2059
    printf "$fmt" endpoint req/s "p50 ms" "p99 ms" non-2xx "sock errs" "vs nginx" "vs mem" "vs pgb" "pgbench ceiling"
    # shellcheck disable=SC2059
    printf "$fmt" "-----------------------------" "--------" "--------" "--------" "--------" "---------" \
        "--------" "--------" "--------" "----------------------"
    problems=0
    for label in "nginx static JSON" "pgbench -S" "pgbench insert_api.sql" \
        "GET /apis/{id} (memory)" "GET /apis?limit=100 (memory)" \
        "GET /apis/{id}" "GET /apis?limit=100" "GET /health" "POST /apis" "POST /apis (journal)"; do
        vs_nginx="" vs_memory="" vs_ceiling="" ceiling=""
        case $label in
            nginx* | pgbench*) ;;
            *"(memory)") vs_nginx="$(ratio_of "$label" "nginx static JSON")" ;;
            *)
                vs_nginx="$(ratio_of "$label" "nginx static JSON")"
                ceiling="pgbench -S"
                [[ $label != "POST /apis"* ]] || ceiling="pgbench insert_api.sql"
                vs_ceiling="$(ratio_of "$label" "$ceiling")"
                [[ -z ${rps["$label (memory)"]+set} ]] || vs_memory="$(ratio_of "$label" "$label (memory)")"
                ;;
        esac
        # shellcheck disable=SC2059
        printf "$fmt" "$label" "${rps[$label]:-?}" "${p50[$label]}" "${p99[$label]}" \
            "${non2xx[$label]}" "${sockerr[$label]}" "$vs_nginx" "$vs_memory" "$vs_ceiling" "$ceiling"
        if [[ ${non2xx[$label]} != 0 || (${sockerr[$label]} != 0 && ${sockerr[$label]} != -) ]]; then
            problems=1
        fi
    done
    echo
    echo "journal: POST /apis while the primary cannot be reached (each write fsynced to the" \
        "local journal) ran at $(ratio_of "POST /apis (journal)" "POST /apis") of POST /apis to the primary"
    echo "${propagation_line:-propagation writer->reader: no result (see above)}"
    for line in "${rss_lines[@]}"; do
        echo "RSS, $line"
    done
    echo

    # The issue's goals, next to what this run measured (a benchmark's report, not a test:
    # a missed goal does not change the exit status).
    goal() {  # description value comparison threshold
        local verdict
        verdict="$(awk -v v="$2" -v t="$4" -v c="$3" 'BEGIN {
            if (v == "" || v == "?") { print "not measured"; exit }
            ok = (c == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0)
            print ok ? "met" : "MISSED" }')"
        printf '  %-52s %8s   goal %s %-6s %s\n' "$1" "${2:-?}" "$3" "$4" "$verdict"
    }
    echo "Goals:"
    goal "GET /apis/{id} vs memory mode" "$(ratio_of "GET /apis/{id}" "GET /apis/{id} (memory)")" ">=" 0.90
    goal "GET /apis?limit=100 vs memory mode" \
        "$(ratio_of "GET /apis?limit=100" "GET /apis?limit=100 (memory)")" ">=" 0.90
    goal "GET /apis/{id} vs nginx" "$(ratio_of "GET /apis/{id}" "nginx static JSON")" ">=" 0.70
    goal "GET /apis?limit=100 vs nginx" "$(ratio_of "GET /apis?limit=100" "nginx static JSON")" ">=" 0.25
    goal "POST /apis vs pgbench insert_api.sql" "$(ratio_of "POST /apis" "pgbench insert_api.sql")" ">=" 0.50
    if ((rss_apis > 0)); then
        goal "VmRSS (MiB) of a new server with $rss_total APIs" "$loaded_rss" "<=" 150
    fi
    echo

    # Warnings and errors the servers logged, most frequent first (ids and numbers folded).
    log_problems="$(cat "$tmp_dir"/server*.out "$tmp_dir"/server*.err 2>/dev/null |
        awk '$2 == "warning" || $2 == "error" || $2 == "critical" { $1 = ""; print }' |
        sed -E 's/[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}/<id>/g; s/[0-9]+/N/g' |
        sort | uniq -c | sort -rn | head -n 8)" || true
    if [[ -n $log_problems ]]; then
        echo "Servers' logs, warnings and errors (count, message):"
        printf '%s\n' "$log_problems"
        echo
    fi
    if ((${#server_exits[@]} > 0)); then
        echo "Servers that did not stop cleanly:"
        printf '  %s\n' "${server_exits[@]}"
        echo
    fi
    if ((problems || !propagation_ok)); then
        ((propagation_ok)) || echo "The propagation client did not complete every sample (see above)."
        if ((problems)); then
            echo "Some responses were not 2xx, some sockets failed, or some transactions failed:"
            for label in "${labels[@]}"; do
                echo "  $label: ${statuses[$label]:-?}"
            done
        fi
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
((tls)) && echo "  TLS: server and nginx over HTTPS, same P-256 certificate; wrk keeps each connection (one handshake each)"
((api_key)) && echo "  API keys: every request to the server sends an admin key"
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
