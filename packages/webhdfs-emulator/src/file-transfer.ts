import { createReadStream, createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sendEmpty, sendError } from './answers.js';
import type { FileNode } from './inodes.js';
import type { Namespace } from './namespace.js';
import type { Params } from './params.js';
import { exceptions } from './remote-exception.js';

export interface ReceiveOptions {
  /** A stage between the request and the disk (counting, crashing); default: one that records the bytes in the file's length. */
  stage?(file: FileNode): Transform;
  /** The `Location` of the 201 answer, if any. */
  location?: string | undefined;
  /** Told when the upload ended before its last byte (the client left, the node died). */
  onInterrupted?(): void;
}

/**
 * Step two of CREATE (WebHDFS REST API, "Create and Write to a File"): the
 * file is created as the datanode's DFSClient would (`overwrite`,
 * `permission`, `replication`, `blocksize`), the body is streamed to its
 * block file with backpressure, and `201 Created` answers once every byte is
 * on disk. A refusal answers before the body is read and closes the
 * connection; an interrupted upload leaves the file under construction.
 */
export function receiveFile(req: IncomingMessage, res: ServerResponse, namespace: Namespace, path: string, params: Params, user: string, options: ReceiveOptions = {}): void {
  const file = namespace.create(
    path,
    {
      overwrite: params.boolean('overwrite', false),
      permission: params.permission(0o644),
      replication: params.integer('replication', 1),
      blockSize: params.integer('blocksize', 1),
    },
    user,
  );
  const stage = options.stage?.(file) ?? recordingStage(namespace, file);
  pipeline(req, stage, createWriteStream(file.blockFile, { highWaterMark: 1024 * 1024 })).then(
    () => {
      namespace.complete(file);
      sendEmpty(res, 201, options.location === undefined ? {} : { location: options.location });
    },
    (error: unknown) => {
      options.onInterrupted?.();
      sendError(res, exceptions.io(`upload of ${path} failed: ${error instanceof Error ? error.message : String(error)}`), true);
    },
  );
}

function recordingStage(namespace: Namespace, file: FileNode): Transform {
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, callback) {
      namespace.wrote(file, chunk.length);
      callback(null, chunk);
    },
  });
}

/**
 * Step two of OPEN (WebHDFS REST API, "Open and Read a File", parameters
 * "Offset" and "Length"): `length` bytes (default: to the end) from
 * `offset` (default 0); an offset past the end is an IOException, as the
 * datanode's seek reports it.
 */
export function sendFile(res: ServerResponse, namespace: Namespace, path: string, params: Params, user: string, onBytes?: (count: number) => void): void {
  const file = namespace.openForRead(path, user);
  const offset = params.integer('offset', 0) ?? 0;
  const length = params.integer('length', 0);
  if (offset > file.length) throw exceptions.io(`Offset=${offset} out of the range [0, ${file.length}); OPEN, path=${path}`);
  const count = Math.min(length ?? Number.MAX_SAFE_INTEGER, file.length - offset);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': count });
  if (count === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(file.blockFile, { start: offset, end: offset + count - 1, highWaterMark: 1024 * 1024 });
  if (onBytes) stream.on('data', (chunk: string | Buffer) => onBytes(chunk.length));
  pipeline(stream, res).catch(() => res.destroy());
}
