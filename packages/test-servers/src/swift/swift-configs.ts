/** Where the all-in-one keeps its files, and the ports its servers bind on 127.0.0.1. */
export interface SwiftLayout {
  /** Ring files and server configurations (Swift's `swift_dir`). */
  etcDir: string;
  /** Holds the one storage device, `d1`, a plain directory (`mount_check = false`). */
  devicesDir: string;
  /** The Unix socket every server logs to (`log_address`). */
  logSocket: string;
  /** The user the servers run as (Swift drops privileges to `user`): the current one. */
  user: string;
  ports: { proxy: number; account: number; container: number; object: number; memcached: number };
}

export interface SwiftUser {
  /** tempauth account and user: the S3 access key is `<account>:<user>`. */
  account: string;
  user: string;
  /** The S3 secret key. */
  key: string;
}

/** Settings every server shares: loopback only, no forked workers, logs to the harness's socket. */
function defaults(layout: SwiftLayout, port: number, logName: string): string {
  return `[DEFAULT]
bind_ip = 127.0.0.1
bind_port = ${port}
# A port taken by another process fails the start within a second (default: retried for 30 s).
bind_timeout = 1
workers = 0
user = ${layout.user}
swift_dir = ${layout.etcDir}
devices = ${layout.devicesDir}
mount_check = false
disable_fallocate = true
log_name = ${logName}
log_address = ${layout.logSocket}
log_level = INFO
`;
}

/** account-server.conf, container-server.conf or object-server.conf. */
export function storageServerConfig(layout: SwiftLayout, kind: 'account' | 'container' | 'object'): string {
  return `${defaults(layout, layout.ports[kind], `${kind}-server`)}
[pipeline:main]
pipeline = ${kind}-server

[app:${kind}-server]
use = egg:swift#${kind}
`;
}

/**
 * proxy-server.conf: the SAIO pipeline trimmed to what S3 needs, with s3api
 * just before tempauth (as s3api's documentation asks) and slo after both
 * (multipart uploads are stored as static large objects); versioned_writes
 * is there because the proxy would add it otherwise. No proxy-logging: in
 * Swift 2.30 its access logger does not take `log_address` (only
 * `access_log_udp_host` or /dev/log), so on a machine without /dev/log it
 * falls back to UDP syslog from a socket bound to 0.0.0.0. Errors still
 * reach the log socket through the proxy's own logger.
 */
export function proxyServerConfig(layout: SwiftLayout, users: readonly SwiftUser[], region: string): string {
  const accounts = users.map((u) => `user_${u.account}_${u.user} = ${u.key} .admin`).join('\n');
  return `${defaults(layout, layout.ports.proxy, 'proxy-server')}
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = ${region}
# AWS S3 takes 10 000 parts per multipart upload; s3api defaults to 1000.
max_upload_part_num = 10000

[filter:tempauth]
use = egg:swift#tempauth
${accounts}

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${layout.ports.memcached}

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo
# s3api completes a multipart upload as an SLO manifest: as many segments as parts.
max_manifest_segments = 10000

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
`;
}
