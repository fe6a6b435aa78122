/** The server command's help text (`visor-server --help`, and after a wrong flag). */
export const USAGE = `Usage: visor-server [--config FILE]

Starts the Visor image server. With no configuration file it stores metadata
in SQLite and images in an fs store under ./visor-data, on 127.0.0.1:4568.

Options:
  -c, --config FILE   configuration file (else VISOR_CONFIG, else searched from here)
  -h, --help          show this help
  -v, --version       show the version

Environment: VISOR_HOST, VISOR_PORT, VISOR_DATA_DIR, VISOR_CONFIG, VISOR_PUBLIC_URL,
VISOR_LOG_LEVEL, VISOR_DATABASE_URL, VISOR_SHUTDOWN_GRACE_SECONDS.

Stopping: the first SIGINT (Ctrl-C) or SIGTERM lets running requests finish
for up to shutdownGraceSeconds (default 30); a second one stops at once
(uploads in flight roll back at the next start).`;
