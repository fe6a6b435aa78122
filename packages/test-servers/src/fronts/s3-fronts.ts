import { startNginx, type RunningNginx } from '@visor/test-support';

/** The path Eucalyptus serves Walrus under (`http://<host>:8773/services/Walrus`). */
export const WALRUS_SERVICE_PATH = '/services/Walrus';

/** nginx in front of an S3 server, speaking like Walrus or Cumulus; see the package README. */
export interface S3Fronts {
  nginx: RunningNginx;
  /** `127.0.0.1` port of the Walrus front: S3 under `/services/Walrus`, ranges served. */
  walrusPort: number;
  /** `127.0.0.1` port of the Cumulus front: S3 at the root, `Range` ignored (200 and the whole object). */
  cumulusPort: number;
  stop(): Promise<void>;
}

/**
 * Streaming both ways: uploads reach the S3 server as they arrive (no
 * request body spooled to nginx's temp files), downloads leave as they come.
 * `Host` is passed as the client sent it.
 */
const STREAMING = `
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_http_version 1.1;
    proxy_set_header Host $http_host;
    proxy_read_timeout 300s;
    proxy_send_timeout 300s;`;

/**
 * Starts Debian's nginx with two fronts for the S3 server at
 * `127.0.0.1:<upstreamPort>` (the Swift all-in-one with s3api):
 *
 * - **Walrus**: `/services/Walrus/<rest>` is passed on as `<rest>`, taken
 *   from the request URI exactly as the client sent it (nginx's
 *   `$request_uri`, not its decoded, normalised form), so a Signature
 *   Version 2 over `/<bucket>/<key>` verifies at the S3 server, as Walrus
 *   accepts the resource without its service path. Anything outside the
 *   service path is 404.
 * - **Cumulus**: the request URI as sent, at the root; `Range` and
 *   `If-Range` are not passed on and `max_ranges 0` stops nginx from
 *   serving ranges itself, so a ranged GET gets `200` and the whole object,
 *   as Nimbus Cumulus answers.
 */
export async function startS3Fronts(upstreamPort: number): Promise<S3Fronts> {
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  const nginx = await startNginx({
    ports: 2,
    http: ({ ports }) => `
  map $request_uri $walrus_rest {
    "~^${WALRUS_SERVICE_PATH}(?<rest>/.*)$" $rest;
    default "";
  }
  server {
    listen 127.0.0.1:${ports[0]};${STREAMING}
    location ${WALRUS_SERVICE_PATH}/ {
      proxy_pass ${upstream}$walrus_rest;
    }
    location / {
      return 404;
    }
  }
  server {
    listen 127.0.0.1:${ports[1]};${STREAMING}
    max_ranges 0;
    location / {
      proxy_set_header Range "";
      proxy_set_header If-Range "";
      proxy_pass ${upstream};
    }
  }
`,
  });
  return { nginx, walrusPort: nginx.ports[0]!, cumulusPort: nginx.ports[1]!, stop: () => nginx.stop() };
}
