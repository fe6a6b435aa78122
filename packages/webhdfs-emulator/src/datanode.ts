import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { hdfsPathOf, rawPathOf, sendError, sendJson } from './answers.js';
import { receiveFile, sendFile } from './file-transfer.js';
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
  /** Bytes read from block files for OPEN answers so far (what a reader's backpressure holds back is not counted). */
  bytesServed = 0;
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
    receiveFile(req, res, this.cluster.namespace, path, params, user, {
      stage: (file) => this.counter(file, req),
      // Hadoop 3's datanode names the new file with the namenode address it was given.
      location: `hdfs://${params.string('namenoderpcaddress')}${path}`,
      onInterrupted: () => this.interruptedUploads.push(path),
    });
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

  private open(res: ServerResponse, path: string, params: Params, user: string): void {
    sendFile(res, this.cluster.namespace, path, params, user, (count) => (this.bytesServed += count));
  }
}
