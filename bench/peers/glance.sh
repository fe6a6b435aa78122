#!/bin/sh
# Starts OpenStack Glance (Debian's glance-api) for the load benchmark, in the foreground:
# API v2 on 127.0.0.1:$1, file store and SQLite under $2, no Keystone (the paste pipeline
# without auth, policies without the new defaults so unauthenticated calls may create images).
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
connection = sqlite:///$dir/glance.sqlite
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
