import { createReadStream, createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hdfsPathOf, rawPathOf, sendEmpty, sendError, sendJson } from './answers.js';
import { authenticate } from './authentication.js';
import type { ClusterContext } from './cluster-context.js';
import { HttpNode } from './http-node.js';
import type { FileNode } from './inodes.js';
import { Params } from './params.js';
import { exceptions } from './remote-exception.js';

/**
 * An emulated datanode's HTTP port: step two of CREATE (the file data) and
 * of OPEN (WebHDFS REST API, "Create and Write to a File", "Open and Read a
 * File"). It takes requests only with the `namenoderpcaddress` a namenode's
 * redirect adds, writes to a block file on disk (binary-safe, with
 * backpressure) and answers `201 Created` once every byte is on disk.
 */
export class EmulatedDatanode extends HttpNode {
  /** Uploads cut off by a crash or a client leaving: their files stay under construction, as in HDFS. */
  readonly interruptedUploads: string[] = [];
  private dieAfter: number | undefined;
  private stallAfter: number | undefined;

  constructor(
    private readonly cluster: ClusterContext,
    port?: number,
  ) {
    super(port);
  }

  /** The next upload crashes the datanode once it has received `bytes` bytes: its port then refuses connections. */
  dieDuringNextUpload(bytes: number): void {
    this.dieAfter = bytes;
  }

  /** The next upload stops reading after `bytes` bytes and never answers (for timeout tests). */
  stallNextUpload(bytes: number): void {
    this.stallAfter = bytes;
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://datanode');
    const path = hdfsPathOf(rawPathOf(req.url ?? '/'));
    if (path === undefined) {
      sendJson(res, 404, { error: 'not a WebHDFS path' });
      return;
    }
    const params = new Params(url.searchParams);
    try {
      if (params.string('namenoderpcaddress') === undefined) throw exceptions.illegalArgument('namenoderpcaddress is not specified.');
      const user = authenticate(params, this.cluster.authentication);
      const op = (params.string('op') ?? '').toUpperCase();
      if (req.method === 'PUT' && op === 'CREATE') {
        this.create(req, res, path, params, user);
        return;
      }
      if (req.method === 'GET' && op === 'OPEN') {
        this.open(res, path, params, user);
        return;
      }
      throw exceptions.illegalArgument(`Invalid operation ${req.method} ${op}`);
    } catch (error) {
      sendError(res, error, req.method !== 'GET');
    }
  }

  private create(req: IncomingMessage, res: ServerResponse, path: string, params: Params, user: string): void {
    const { namespace } = this.cluster;
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
    const counter = this.counter(file, req);
    pipeline(req, counter, createWriteStream(file.blockFile, { highWaterMark: 1024 * 1024 })).then(
      () => {
        namespace.complete(file);
        // Hadoop 3's datanode names the new file with the namenode address it was given.
        sendEmpty(res, 201, { location: `hdfs://${params.string('namenoderpcaddress')}${path}` });
      },
      (error: unknown) => {
        this.interruptedUploads.push(path);
        sendError(res, exceptions.io(`upload of ${path} failed: ${error instanceof Error ? error.message : String(error)}`), true);
      },
    );
  }

  /** Counts bytes into the file's length as they pass, and plays the crash or stall asked for. */
  private counter(file: FileNode, req: IncomingMessage): Transform {
    const dieAfter = this.dieAfter;
    const stallAfter = this.stallAfter;
    this.dieAfter = undefined;
    this.stallAfter = undefined;
    let received = 0;
    const namespace = this.cluster.namespace;
    return new Transform({
      highWaterMark: 1024 * 1024,
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        received += chunk.length;
        if (dieAfter !== undefined && received >= dieAfter) {
          namespace.wrote(file, chunk.length - (received - dieAfter));
          void this.stop();
          callback(new Error('the datanode died'));
          return;
        }
        if (stallAfter !== undefined && received >= stallAfter) {
          req.pause();
          return; // never calls back: the upload hangs
        }
        namespace.wrote(file, chunk.length);
        callback(null, chunk);
      },
    });
  }

  /**
   * OPEN: `length` bytes (default: to the end) from `offset` (default 0); an
   * offset past the end is an IOException, as the datanode's seek reports.
   */
  private open(res: ServerResponse, path: string, params: Params, user: string): void {
    const file = this.cluster.namespace.openForRead(path, user);
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
    pipeline(stream, res).catch(() => res.destroy());
  }
}
