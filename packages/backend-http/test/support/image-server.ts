import { randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, startNginx, startStallingServer, type RunningNginx, type StallingServer, type TestCa } from '@visor/test-support';

/** Longest redirect chain served: /chain/<n> redirects n times before the image. */
export const LONGEST_CHAIN = 6;

/**
 * A real web server for the backend's tests: Debian's nginx on 127.0.0.1
 * serving generated image files, over HTTP (port 0), HTTPS (port 1, a
 * certificate of `ca`) and HTTP again (port 2, another origin). Paths on all:
 * - `/images/<file>`: static files with ETag, Last-Modified, ranges;
 * - `/no-ranges/<file>`: the same files, Range ignored (max_ranges 0: 200 and the whole file);
 * - `/no-head/<file>`: HEAD answered 405 (a server refusing HEAD);
 * - `/no-length/<file>`: the body chunked, no Content-Length;
 * - `/chain/<n>`: redirects n times (n ≤ LONGEST_CHAIN), then /images/image.raw;
 * - `/to/<target>`: redirects to the absolute URL `http://<target>`;
 * - `/echo-token`: answers the request's `X-Token` header;
 * - `/stall`: proxied to a server that never answers;
 * - `/stall-body`: proxied to one that sends headers and part of the body, then nothing.
 */
export interface ImageServer {
  nginx: RunningNginx;
  ca: TestCa;
  /** The bytes of `image.raw` as first generated. */
  image: Buffer;
  /** `http://127.0.0.1:<port>/<path>` (https: the TLS port; `other`: the second HTTP origin). */
  url(path: string, scheme?: 'http' | 'https' | 'other'): string;
  /** Writes a file under /images/ (and the other views of it), with a given modification time if wanted. */
  writeImage(name: string, bytes: Buffer, mtime?: Date): void;
  stop(): Promise<void>;
}

export const STALLED_BODY_BYTES = 1000;

export async function startImageServer(imageBytes = 3 * 1024 * 1024 + 17): Promise<ImageServer> {
  const ca = createTestCa();
  const stalling: StallingServer[] = [];
  try {
    stalling.push(await startStallingServer());
    stalling.push(
      await startStallingServer(
        `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${STALLED_BODY_BYTES}\r\nETag: "stalls"\r\n\r\n${'x'.repeat(100)}`,
      ),
    );
  } catch (error) {
    ca.remove();
    for (const s of stalling) await s.close();
    throw error;
  }
  const image = randomBytes(imageBytes);
  const chain = Array.from({ length: LONGEST_CHAIN }, (_, i) =>
    `location = /chain/${i + 1} { return 302 ${i === 0 ? '/images/image.raw' : `/chain/${i}`}; }`,
  ).join('\n      ');
  const locations = (dir: string) => `
      root ${dir}/www;
      location /images/ { }
      location /no-ranges/ { alias ${dir}/www/images/; max_ranges 0; }
      location /no-head/ { alias ${dir}/www/images/; if ($request_method = HEAD) { return 405; } }
      location /no-length/ { alias ${dir}/www/images/; sub_filter 'no-such-text' 'x'; sub_filter_types *; }
      ${chain}
      location ~ ^/to/(.*)$ { return 302 http://$1; }
      location = /echo-token { default_type text/plain; return 200 "$http_x_token"; }
      location = /stall { proxy_pass http://127.0.0.1:${stalling[0]!.port}; proxy_read_timeout 1h; }
      location = /stall-body { proxy_pass http://127.0.0.1:${stalling[1]!.port}; proxy_read_timeout 1h; proxy_buffering off; }`;
  let nginx: RunningNginx;
  try {
    nginx = await startNginx({
      ports: 3,
      files: { 'www/images/image.raw': image },
      http: ({ ports, dir }) => `
    server {
      listen 127.0.0.1:${ports[0]};
      ${locations(dir)}
    }
    server {
      listen 127.0.0.1:${ports[1]} ssl;
      ssl_certificate ${ca.serverCertFile};
      ssl_certificate_key ${ca.serverKeyFile};
      ${locations(dir)}
    }
    server {
      listen 127.0.0.1:${ports[2]};
      ${locations(dir)}
    }`,
    });
  } catch (error) {
    ca.remove();
    for (const s of stalling) await s.close();
    throw error;
  }
  return {
    nginx,
    ca,
    image,
    url: (path, scheme = 'http') =>
      scheme === 'https' ? nginx.url(path, 1, 'https') : nginx.url(path, scheme === 'other' ? 2 : 0),
    writeImage(name, bytes, mtime) {
      const file = join(nginx.dir, 'www', 'images', name);
      writeFileSync(file, bytes);
      if (mtime) utimesSync(file, mtime, mtime);
    },
    async stop() {
      await nginx.stop();
      for (const s of stalling) await s.close();
      ca.remove();
    },
  };
}
