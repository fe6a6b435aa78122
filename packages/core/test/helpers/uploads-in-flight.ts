import http, { type IncomingHttpHeaders } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpResponse } from '@visor/test-support';
import { sleep } from './wait-for.js';

/**
 * An upload whose body the test writes piece by piece over a raw
 * `http.request`, so it can stall, race or vanish mid-body.
 */
export interface SlowUpload {
  /** Writes a piece of the body; resolves once it is handed to the socket (at once if the server already answered). */
  write(chunk: Buffer): Promise<void>;
  /** Writes the rest (if any) and ends the body. */
  end(chunk?: Buffer): void;
  /** The server's answer; rejects only if the connection fails before any answer. */
  readonly response: Promise<HttpResponse>;
  /** True once the server answered (possibly before the body was complete). */
  readonly answered: boolean;
  /** Cuts the connection, as a client that crashes or gives up. */
  destroy(): void;
}

/**
 * Starts a request with the given headers and no body yet. Uses its own
 * connection (no keep-alive agent), so destroying it touches nothing else.
 */
export function startSlowUpload(method: string, url: string, headers: Record<string, string | number>): SlowUpload {
  let answered = false;
  let settled = false;
  const req = http.request(url, { method, headers, agent: false });
  const response = new Promise<HttpResponse>((resolve, reject) => {
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (error) => {
        settled = true;
        reject(error);
      });
      res.on('end', () => {
        settled = true;
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers as IncomingHttpHeaders, body, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', (error) => {
      // After an early answer (409, 413) the server closes the connection while we may still be writing.
      if (answered || settled) return;
      settled = true;
      reject(error);
    });
  });
  // Tests that destroy the request on purpose do not await the response.
  response.catch(() => undefined);
  req.flushHeaders();
  return {
    response,
    get answered() {
      return answered;
    },
    write(chunk) {
      if (answered || req.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        req.write(chunk, () => resolve());
      });
    },
    end(chunk) {
      if (answered || req.destroyed) return;
      if (chunk === undefined) req.end();
      else req.end(chunk);
    },
    destroy() {
      req.destroy();
    },
  };
}


/** The fs store's temporary directory under a data directory (default store layout). */
export const tempDirOf = (dataDir: string, storeDirectory = 'images') => join(dataDir, storeDirectory, '.tmp');

/** Names in the fs store's temporary directory; empty when it does not exist. */
export async function tempEntries(dataDir: string, storeDirectory = 'images'): Promise<string[]> {
  try {
    return (await readdir(tempDirOf(dataDir, storeDirectory))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Names of in-progress writes (`.part` files) in the fs store's temporary directory. */
export async function partFiles(dataDir: string, storeDirectory = 'images'): Promise<string[]> {
  return (await tempEntries(dataDir, storeDirectory)).filter((name) => name.endsWith('.part'));
}

/**
 * Starts one slow PUT per body against the same URL, all sending their first
 * piece at once. Once the server answered one of them (a refused upload is
 * answered without waiting for its body), the others trickle the rest of their
 * bodies in `pieces` pieces. The refused ones stop sending when answered: a
 * client writing on after the server closed may see a reset instead of the answer.
 */
export async function raceUploads(url: string, bodies: Buffer[], pieces = 8, pauseMs = 10): Promise<HttpResponse[]> {
  const uploads = bodies.map((body) => startSlowUpload('PUT', url, { 'content-type': 'application/octet-stream', 'content-length': body.length }));
  try {
    const piece = (n: number, i: number) => bodies[n]!.subarray(Math.floor((i * bodies[n]!.length) / pieces), Math.floor(((i + 1) * bodies[n]!.length) / pieces));
    await Promise.all(uploads.map((u, n) => u.write(piece(n, 0))));
    await Promise.race(uploads.map((u) => u.response));
    for (let i = 1; i < pieces; i++) {
      await sleep(pauseMs);
      await Promise.all(uploads.map((u, n) => u.write(piece(n, i))));
    }
    uploads.forEach((u) => u.end());
    return await Promise.all(uploads.map((u) => u.response));
  } finally {
    uploads.forEach((u) => u.destroy());
  }
}

/** Starts a download, takes its first chunk and goes away (destroys the connection); resolves to the status. */
export function abandonDownload(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.once('data', () => {
        res.destroy();
        resolve(res.statusCode!);
      });
    });
    req.on('error', reject);
  });
}
