import type { IncomingMessage, ServerResponse } from 'node:http';
import { hdfsPathOf, rawPathOf, sendEmpty, sendError, sendJson, WEBHDFS_PREFIX } from './answers.js';
import { authenticate } from './authentication.js';
import type { ClusterContext } from './cluster-context.js';
import { receiveFile, sendFile } from './file-transfer.js';
import { HttpNode } from './http-node.js';
import { Params } from './params.js';
import { exceptions } from './remote-exception.js';

export type HaState = 'active' | 'standby';

/** The operations the emulator answers, by HTTP method (WebHDFS REST API, "Operations"). */
const OPERATIONS: Record<string, { enumClass: string; ops: readonly string[] }> = {
  GET: { enumClass: 'GetOpParam', ops: ['OPEN', 'GETFILESTATUS', 'LISTSTATUS'] },
  PUT: { enumClass: 'PutOpParam', ops: ['CREATE', 'MKDIRS', 'RENAME'] },
  POST: { enumClass: 'PostOpParam', ops: ['APPEND'] },
  DELETE: { enumClass: 'DeleteOpParam', ops: ['DELETE'] },
};

const READ_OPS = new Set(['OPEN', 'GETFILESTATUS', 'LISTSTATUS']);

/** `/a b/c` → `/a%20b/c`: each component percent-encoded. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * An emulated namenode's HTTP port. It answers metadata operations itself
 * and redirects CREATE and OPEN to the datanode with `307 Temporary
 * Redirect`, or with `200 {"Location": ...}` when `noredirect=true` (WebHDFS
 * REST API, "Create and Write to a File", "Open and Read a File",
 * "NoRedirect"). A standby answers every operation with StandbyException.
 */
export class EmulatedNamenode extends HttpNode {
  state: HaState;
  /** While set, requests are accepted but never answered (for timeout tests). */
  hang = false;
  /** While set, RENAME ignores `renameoptions`, as servers that predate rename2 over WebHDFS (old HttpFS) do. */
  ignoreRenameOptions = false;
  /** Request body bytes it received: a two-step CREATE sends none to the namenode. */
  bodyBytesReceived = 0;
  /** Requests answered, by operation. */
  readonly requests = new Map<string, number>();

  constructor(
    private readonly cluster: ClusterContext,
    state: HaState,
    port?: number,
    /**
     * Answer as an HttpFS gateway: CREATE redirects to this same port with
     * `data=true` and takes the data itself; OPEN answers the data at once
     * (or, with noredirect=true, `{"Location"}` of this port with `data=true`).
     */
    readonly httpfs = false,
  ) {
    super(port);
    this.state = state;
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    req.on('data', (chunk: Buffer) => (this.bodyBytesReceived += chunk.length));
    if (this.hang) return;
    res.setHeader('date', new Date(this.cluster.clock()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://namenode');
    const path = hdfsPathOf(rawPathOf(req.url ?? '/'));
    if (path === undefined) {
      sendJson(res, 404, { error: `not a WebHDFS path: use ${WEBHDFS_PREFIX}/<PATH>?op=...` });
      return;
    }
    const params = new Params(url.searchParams);
    try {
      const op = this.operation(req.method ?? 'GET', params);
      this.requests.set(op, (this.requests.get(op) ?? 0) + 1);
      if (this.state === 'standby') {
        const category = READ_OPS.has(op) ? 'READ' : 'WRITE';
        throw exceptions.standby(`Operation category ${category} is not supported in state standby. Visit https://s.apache.org/sbnn-error`);
      }
      const user = authenticate(params, this.cluster.authentication);
      if (this.httpfs && (op === 'CREATE' || op === 'OPEN')) this.gateway(op, req, res, path, params, user, url.searchParams);
      else this.run(op, path, params, user, url.searchParams, res);
    } catch (error) {
      sendError(res, error, req.method === 'PUT');
    }
  }

  private operation(method: string, params: Params): string {
    const table = OPERATIONS[method];
    const op = (params.string('op') ?? '').toUpperCase();
    if (table === undefined) throw exceptions.unsupportedOperation(`${method} is not supported`);
    if (!table.ops.includes(op)) {
      throw exceptions.illegalArgument(
        `Invalid value for webhdfs parameter "op": No enum constant org.apache.hadoop.hdfs.web.resources.${table.enumClass}.Op.${op}`,
      );
    }
    return op;
  }

  private run(op: string, path: string, params: Params, user: string, query: URLSearchParams, res: ServerResponse): void {
    const { namespace } = this.cluster;
    switch (op) {
      case 'GETFILESTATUS':
        sendJson(res, 200, { FileStatus: namespace.status(path, user) });
        return;
      case 'LISTSTATUS':
        sendJson(res, 200, { FileStatuses: { FileStatus: namespace.list(path, user) } });
        return;
      case 'MKDIRS':
        sendJson(res, 200, { boolean: namespace.mkdirs(path, params.permission(0o755), user) });
        return;
      case 'DELETE':
        sendJson(res, 200, { boolean: namespace.delete(path, params.boolean('recursive', false), user) });
        return;
      case 'RENAME':
        this.rename(path, params, user, res);
        return;
      case 'CREATE':
        // The namenode only chooses a datanode; the datanode creates the file when the data arrives.
        params.boolean('overwrite', false);
        params.permission(0o644);
        params.integer('replication', 1);
        params.integer('blocksize', 1);
        this.redirect(res, params, path, query, ['overwrite', 'permission', 'replication', 'blocksize', 'buffersize']);
        return;
      case 'OPEN': {
        namespace.openForRead(path, user); // a missing file is reported here, before any redirect
        params.integer('offset', 0);
        params.integer('length', 0);
        const forward = new URLSearchParams(query);
        if (!forward.has('offset')) forward.set('offset', '0');
        this.redirect(res, params, path, forward, ['offset', 'length', 'buffersize']);
        return;
      }
      case 'APPEND':
        throw exceptions.unsupportedOperation('APPEND is not supported by the WebHDFS emulator');
    }
  }

  /**
   * HttpFS's CREATE and OPEN: the gateway moves the data itself. Without
   * `data=true`, CREATE answers 307 to the same URL with `data=true`; the
   * data request must be `Content-Type: application/octet-stream`. OPEN
   * answers the bytes at once, or with noredirect=true the `{"Location"}`
   * of its data URL (HDFS-14063).
   */
  private gateway(op: string, req: IncomingMessage, res: ServerResponse, path: string, params: Params, user: string, query: URLSearchParams): void {
    const dataUrl = () => {
      const target = new URLSearchParams(query);
      target.delete('noredirect');
      target.set('data', 'true');
      return `${this.url}/webhdfs/v1${encodePath(path)}?${target.toString()}`;
    };
    const { namespace } = this.cluster;
    if (op === 'OPEN') {
      if (params.boolean('noredirect', false) && !params.boolean('data', false)) {
        namespace.openForRead(path, user);
        sendJson(res, 200, { Location: dataUrl() });
        return;
      }
      sendFile(res, namespace, path, params, user);
      return;
    }
    if (!params.boolean('data', false)) {
      if (params.boolean('noredirect', false)) sendJson(res, 200, { Location: dataUrl() });
      else sendEmpty(res, 307, { location: dataUrl(), 'content-type': 'application/json' });
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/octet-stream') {
      throw exceptions.illegalArgument("Data upload requests must have content-type set to 'application/octet-stream'");
    }
    receiveFile(req, res, namespace, path, params, user);
  }

  /**
   * RENAME: without `renameoptions`, FileSystem.rename's `{"boolean": ...}`
   * (false when the destination exists); with `renameoptions=OVERWRITE` (or
   * NONE), rename2's empty 200 or an exception, as NamenodeWebHdfsMethods.
   */
  private rename(path: string, params: Params, user: string, res: ServerResponse): void {
    const destination = params.string('destination');
    if (destination === undefined || !destination.startsWith('/')) {
      throw exceptions.illegalArgument(`Invalid value for webhdfs parameter "destination": Invalid parameter value: destination = ${destination ?? 'null'} is not an absolute path`);
    }
    const options = (params.string('renameoptions') ?? '').split(',').map((o) => o.trim().toUpperCase()).filter((o) => o !== '');
    for (const option of options) {
      if (!['NONE', 'OVERWRITE', 'TO_TRASH'].includes(option)) {
        throw exceptions.illegalArgument(`Invalid value for webhdfs parameter "renameoptions": No enum constant org.apache.hadoop.fs.Options.Rename.${option}`);
      }
    }
    const { namespace } = this.cluster;
    if (options.length === 0 || this.ignoreRenameOptions) {
      sendJson(res, 200, { boolean: namespace.rename(path, destination, user) });
      return;
    }
    namespace.rename2(path, destination, options.includes('OVERWRITE'), user);
    sendEmpty(res, 200, { 'content-type': 'application/octet-stream' });
  }

  /**
   * Step one of CREATE and OPEN: the datanode URL carries the operation, the
   * caller's `user.name` or `delegation`, `namenoderpcaddress`, and the
   * operation's own parameters (NamenodeWebHdfsMethods.redirectURI).
   */
  private redirect(res: ServerResponse, params: Params, path: string, query: URLSearchParams, forwarded: readonly string[]): void {
    const target = new URLSearchParams();
    target.set('op', (params.string('op') ?? '').toUpperCase());
    const token = params.string('delegation');
    if (token !== undefined) target.set('delegation', token);
    else if (params.string('user.name') !== undefined) target.set('user.name', params.string('user.name')!);
    target.set('namenoderpcaddress', this.cluster.namenodeRpcAddress);
    if (target.get('op') === 'CREATE') {
      target.set('createflag', '');
      target.set('createparent', 'true');
      if (!query.has('overwrite')) target.set('overwrite', 'false');
    }
    for (const name of forwarded) {
      const value = query.get(name);
      if (value !== null) target.set(name, value);
    }
    const location = `http://${this.cluster.datanodeAddress()}/webhdfs/v1${encodePath(path)}?${target.toString()}`;
    if (params.boolean('noredirect', false)) {
      sendJson(res, 200, { Location: location });
      return;
    }
    sendEmpty(res, 307, { location, 'content-type': 'application/octet-stream' });
  }
}
