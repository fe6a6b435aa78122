#!/bin/sh
# Starts OpenStack Glance (Debian's glance-api) for the load benchmark, in the foreground:
# API v2 on 127.0.0.1:$1, file store under $2, no Keystone (the paste pipeline without auth,
# policies without the new defaults so unauthenticated calls may create images). Metadata in
# PostgreSQL (127.0.0.1:5432, database visor_bench_glance, made afresh) when a server answers there,
# as Glance is deployed: with SQLite, Glance's two worker processes fail concurrent uploads with
# "database is locked" (500). Without PostgreSQL it falls back to SQLite under $2.
#   bench/peers/glance.sh PORT DIR
# Installs glance-api from Debian first when it is missing (root only). Stops with the caller (exec).
set -eu
port=$1
dir=$2
if ! command -v glance-api >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "glance-api is not installed and this is not root: apt-get install glance-api" >&2; exit 3; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends glance-api >&2 ||
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends glance-api >&2; }
fi
mkdir -p "$dir/images" "$dir/lock"
connection="sqlite:///$dir/glance.sqlite"
if command -v psql >/dev/null 2>&1 && psql -h 127.0.0.1 -U postgres -tAc 'select 1' >/dev/null 2>&1; then
  if ! /usr/bin/python3 -c 'import psycopg2' 2>/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-psycopg2 >&2
  fi
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS visor_bench_glance" >&2
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE visor_bench_glance" >&2
  connection="postgresql+psycopg2://postgres@127.0.0.1:5432/visor_bench_glance"
fi
cat > "$dir/glance-api.conf" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
workers = 2
log_file = $dir/glance-api.log
debug = false
use_stderr = false
enabled_backends = file:file
lock_path = $dir/lock
image_cache_dir = $dir/cache
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = $dir/images
[database]
connection = $connection
[paste_deploy]
flavor =
config_file = /etc/glance/glance-api-paste.ini
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[oslo_concurrency]
lock_path = $dir/lock
CONF
glance-manage --config-file "$dir/glance-api.conf" db_sync >"$dir/db-sync.log" 2>&1
exec glance-api --config-file "$dir/glance-api.conf"
