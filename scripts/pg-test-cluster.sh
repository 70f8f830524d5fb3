#!/usr/bin/env bash
# A private PostgreSQL 15 for the test suite, in a directory of its own:
#
#   scripts/pg-test-cluster.sh start DIR   # initdb in DIR, start it, write DIR/cluster.env
#   scripts/pg-test-cluster.sh stop DIR    # stop it and remove DIR
#
# The server listens on 127.0.0.1 only, on a free port, with TLS (a test CA generated
# here, plus an unrelated "wrong" CA for negative tests) and scram-sha-256 passwords on
# TCP. Its Unix socket lives inside DIR and admits only the server's own user. It has a
# superuser, an application role gateway_app and a database gateway_test owned by it.
#
# initdb refuses to run as root, so under root the server runs as the `postgres` user
# that Debian's postgresql package creates, and DIR is handed to it.
# PG_BINDIR overrides where initdb, pg_ctl, postgres and psql are found.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}
[[ $# -eq 2 ]] || usage
command=$1
dir=$(realpath -m -- "$2")

# A file that marks DIR as ours, so `stop` never removes a directory it did not create.
marker_name=.pg-test-cluster

pg_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        echo "$PG_BINDIR"
    elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        echo /usr/lib/postgresql/15/bin  # Debian keeps server binaries off PATH
    elif command -v pg_config >/dev/null; then
        pg_config --bindir
    else
        echo "PostgreSQL 15 server binaries not found (install postgresql-15 or set PG_BINDIR)" >&2
        return 1
    fi
}

# Runs a command as the user that owns the server: ourselves, or `postgres` under root.
as_server_user() {
    if [[ $(id -u) -ne 0 ]]; then
        "$@"
    elif command -v runuser >/dev/null; then
        runuser -u postgres -- "$@"
    else
        setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
    fi
}

# postgresql.conf string literal: single quotes, embedded ones doubled.
conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }
# Shell word for cluster.env: single quotes, embedded ones as '\''.
shell_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

stop_server() {
    local data=$1/data
    [[ -f "$data/postmaster.pid" ]] || return 0
    local bindir
    bindir=$(pg_bindir) || return 0
    if ! as_server_user "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
        # pg_ctl could not do it (say, a damaged data directory): signal the postmaster
        # directly, but only if the pid still names a postgres process.
        local pid
        pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
        if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres* ]]; then
            kill -QUIT "$pid" 2>/dev/null || true
        fi
    fi
}

remove_cluster() {
    if [[ ! -e "$dir" ]]; then return 0; fi
    if [[ ! -f "$dir/$marker_name" ]]; then
        echo "$dir was not created by $0; not touching it" >&2
        return 1
    fi
    stop_server "$dir"
    rm -rf -- "$dir"
}

generate_tls() {
    local tls=$1
    mkdir -p "$tls"
    local days=30 curve=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
    # The CA the tests trust.
    openssl req -x509 -nodes "${curve[@]}" -days "$days" -subj "/CN=Gateway Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
    # An unrelated CA, so tests can show that verify-full rejects a server it cannot vouch for.
    openssl req -x509 -nodes "${curve[@]}" -days "$days" -subj "/CN=Gateway Wrong Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$tls/wrong-ca.key" -out "$tls/wrong-ca.crt" 2>/dev/null
    # The server's certificate names both ways a test may address it.
    openssl req -new -nodes "${curve[@]}" -subj "/CN=localhost" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    cat >"$tls/server.ext" <<'EOF'
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
EOF
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$tls/server.ext" \
        -out "$tls/server.crt" 2>/dev/null
    chmod 600 "$tls"/*.key
    rm -f "$tls/server.csr" "$tls/server.ext"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The ports a cluster may listen on, as "LOW HIGH". A test may stop a cluster and start it
# again on the same port (tests/support/private_pg_cluster.cpp). The kernel hands ports of
# its ephemeral range to the outgoing connections of every process, so one of those could
# take the port in between and the restart would fail to bind; below the range the kernel
# never picks a port by itself. Privileged ports (up to 1024) are left alone, and 10000
# and up is preferred, away from the low ports that long-running services tend to use.
port_range() {
    local low="" high="" wanted=1000
    read -r low high 2>/dev/null </proc/sys/net/ipv4/ip_local_port_range || true
    if [[ "$low" =~ ^[0-9]+$ && "$high" =~ ^[0-9]+$ ]] && ((low <= high)); then
        if ((low - 10000 >= wanted)); then
            echo "10000 $((low - 1))"
            return
        elif ((low - 1025 >= wanted)); then
            echo "1025 $((low - 1))"
            return
        elif ((65535 - high >= wanted)); then
            # The range starts too low to leave room below it: above it is as safe.
            echo "$((high + 1)) 65535"
            return
        fi
    fi
    # No range to read, or one that leaves no room outside it: any unprivileged port,
    # accepting that a restart may then lose its port.
    echo "1025 65535"
}

start_cluster() {
    local bindir
    bindir=$(pg_bindir)
    command -v openssl >/dev/null || { echo "openssl is required" >&2; return 1; }
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        echo "running as root needs the 'postgres' user (from Debian's postgresql package)" >&2
        return 1
    fi

    # A directory left by an earlier run that was never stopped: stop and replace it.
    if [[ -f "$dir/$marker_name" ]]; then
        remove_cluster
    elif [[ -e "$dir" && -n "$(ls -A -- "$dir" 2>/dev/null)" ]]; then
        echo "$dir exists and is not empty; refusing to use it" >&2
        return 1
    fi

    local socket_dir=$dir/socket
    # sun_path holds 107 bytes; the socket file adds "/.s.PGSQL.NNNNN".
    if ((${#socket_dir} > 90)); then
        echo "$dir is too long a path for a Unix socket directory; use a shorter one" >&2
        return 1
    fi

    mkdir -p "$dir"
    touch "$dir/$marker_name"
    mkdir -p "$socket_dir"
    generate_tls "$dir/tls"

    local superuser=gateway_super
    local superuser_password app_user=gateway_app app_password database=gateway_test
    superuser_password=super_$(openssl rand -hex 16)
    # Distinctive, so tests can search every error message for it.
    app_password=gwapp_$(openssl rand -hex 16)
    (umask 077 && printf '%s\n' "$superuser_password" >"$dir/superuser.pw")

    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres:postgres "$dir"
        if ! as_server_user test -w "$dir"; then
            echo "the postgres user cannot reach $dir (check the parent directories' permissions)" >&2
            return 1
        fi
    fi
    chmod 700 "$socket_dir"
    cd "$dir"  # the server user must be able to stand in the working directory

    as_server_user "$bindir/initdb" -D "$dir/data" -U "$superuser" --pwfile="$dir/superuser.pw" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    rm -f "$dir/superuser.pw"

    # Trust only on the private socket; passwords for every TCP connection.
    as_server_user tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
local all all                trust
host  all all 127.0.0.1/32   scram-sha-256
EOF
    as_server_user tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF

# --- pg-test-cluster.sh ---
listen_addresses = '127.0.0.1'
unix_socket_directories = $(conf_quote "$socket_dir")
unix_socket_permissions = 0700
ssl = on
ssl_cert_file = $(conf_quote "$dir/tls/server.crt")
ssl_key_file = $(conf_quote "$dir/tls/server.key")
password_encryption = 'scram-sha-256'
max_connections = 200
shared_buffers = 32MB
timezone = 'UTC'
# Test data is disposable: skip durability work.
fsync = off
synchronous_commit = off
full_page_writes = off
# A client that gave up on a statement (a timeout test) frees its backend soon.
client_connection_check_interval = '1s'
EOF

    # Pick a free port outside the ephemeral range (see port_range); another process can
    # take it between the check and the bind, so a failed bind is retried with a new one.
    local port="" attempt low high
    read -r low high < <(port_range)
    for attempt in $(seq 1 20); do
        local candidate
        candidate=$(shuf -i "$low-$high" -n 1)
        port_in_use "$candidate" && continue
        as_server_user truncate -s 0 "$dir/server.log"  # the server appends to it
        if as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $candidate" start >"$dir/pg_ctl.log" 2>&1; then
            port=$candidate
            break
        fi
        if ! grep -q -e "could not bind" -e "Address already in use" "$dir/server.log"; then
            echo "PostgreSQL did not start:" >&2
            tail -n 20 "$dir/pg_ctl.log" "$dir/server.log" >&2
            return 1
        fi
        stop_server "$dir"
    done
    if [[ -z "$port" ]]; then
        echo "found no free port for PostgreSQL after $attempt attempts" >&2
        return 1
    fi

    as_server_user "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" \
        -U "$superuser" -d postgres >/dev/null <<EOF
CREATE ROLE $app_user LOGIN PASSWORD '$app_password';
CREATE DATABASE $database OWNER $app_user;
EOF

    # Written last and renamed into place: its presence means the cluster is ready.
    # It holds passwords, so only its owner may read it.
    (umask 077 && : >"$dir/cluster.env.tmp")
    {
        echo "# Written by pg-test-cluster.sh; removed by its stop command."
        echo "PGHOST=127.0.0.1"
        echo "PGPORT=$port"
        echo "PGDATABASE=$(shell_quote "$database")"
        echo "PG_SUPERUSER=$(shell_quote "$superuser")"
        echo "PG_SUPERUSER_PASSWORD=$(shell_quote "$superuser_password")"
        echo "PG_APP_USER=$(shell_quote "$app_user")"
        echo "PG_APP_PASSWORD=$(shell_quote "$app_password")"
        echo "PG_CA_FILE=$(shell_quote "$dir/tls/ca.crt")"
        echo "PG_WRONG_CA_FILE=$(shell_quote "$dir/tls/wrong-ca.crt")"
        echo "PG_SOCKET_DIR=$(shell_quote "$socket_dir")"
    } >>"$dir/cluster.env.tmp"
    mv "$dir/cluster.env.tmp" "$dir/cluster.env"
    echo "PostgreSQL test cluster on 127.0.0.1:$port ($dir)"
}

case "$command" in
start)
    # A start that fails halfway must not leave a server running behind it.
    finished=0
    on_exit() {
        if [[ $finished -eq 0 && -f "$dir/$marker_name" ]]; then
            stop_server "$dir"
            rm -f "$dir/cluster.env" "$dir/cluster.env.tmp"
            echo "start failed; the server is stopped, logs are in $dir" >&2
        fi
    }
    trap on_exit EXIT
    start_cluster
    finished=1
    ;;
stop)
    remove_cluster
    ;;
*)
    usage
    ;;
esac
