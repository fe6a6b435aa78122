#!/bin/sh
# Starts nginx for the load benchmark, in the foreground: serves the files of ROOT on
# 127.0.0.1:PORT with sendfile, as a static-file reference for downloads.
#   bench/peers/nginx.sh PORT ROOT WORKDIR
# Installs nginx from Debian first when it is missing (root only). Stops with the caller (exec).
set -eu
port=$1
root=$2
work=$3
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  [ "$(id -u)" = 0 ] || { echo "nginx is not installed and this is not root: apt-get install nginx" >&2; exit 3; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx >&2 ||
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx >&2; }
fi
mkdir -p "$work"
# As root, the workers would run as nobody and could not read a private bench directory.
user=""
[ "$(id -u)" = 0 ] && user="user root;"
cat > "$work/nginx.conf" <<CONF
$user
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  types { application/octet-stream raw; }
  server {
    listen 127.0.0.1:$port;
    root $root;
  }
}
CONF
exec "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx.conf" -g 'daemon off;'
