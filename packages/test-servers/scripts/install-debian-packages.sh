#!/bin/sh
# Installs the Debian packages Visor's tests start or use, if any is missing: OpenStack Swift with
# s3api and memcached (the S3 backends' main target), nginx (the HTTP backend's sources, the fronts
# of the Walrus/Cumulus tests, a reverse proxy), openssl (test CAs), tmux (the terminal UI's tests)
# and curl. Idempotent; needs root only when something is missing.
# Package services are not started: the tests run their own servers on 127.0.0.1.
#   sh packages/test-servers/scripts/install-debian-packages.sh
set -eu

PACKAGES="swift swift-proxy swift-object swift-container swift-account python3-swift memcached nginx openssl tmux curl"

missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $package"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages:$missing; run $0 as root (or: sudo apt-get install$missing)" >&2
  exit 1
fi

# Keep apt from starting the packages' own daemons (a proxy on 0.0.0.0:8080, memcached, nginx on :80):
# a policy-rc.d that refuses every start, removed again unless it was already there.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

echo "installing Debian packages:$missing" >&2
apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split into words
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
