import type { ServerResponse } from 'node:http';
import { RemoteException } from './remote-exception.js';

/** The prefix WebHDFS inserts before the HDFS path (WebHDFS REST API, "FileSystem URIs vs HTTP URLs"). */
export const WEBHDFS_PREFIX = '/webhdfs/v1';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-length': '0' });
  res.end();
}

/**
 * Answers a failure: a RemoteException with its class's status, anything
 * else as a RuntimeException (500), as the namenode's ExceptionHandler does.
 * The connection closes after the answer when the request body was not read.
 */
export function sendError(res: ServerResponse, error: unknown, closeAfter = false): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  const remote = error instanceof RemoteException ? error : new RemoteException('java.lang.RuntimeException', error instanceof Error ? error.message : String(error), 500);
  sendJson(res, remote.status, remote.toJSON(), closeAfter ? { connection: 'close' } : {});
}

/** The path of a request target as sent, before any dot-segment resolution (which would hide a `..` from the namenode's checks). */
export function rawPathOf(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** The HDFS path of a WebHDFS URL path, percent-decoded; undefined outside `/webhdfs/v1`. */
export function hdfsPathOf(urlPath: string): string | undefined {
  if (urlPath !== WEBHDFS_PREFIX && !urlPath.startsWith(`${WEBHDFS_PREFIX}/`)) return undefined;
  try {
    return decodeURIComponent(urlPath.slice(WEBHDFS_PREFIX.length)) || '/';
  } catch {
    return undefined;
  }
}
