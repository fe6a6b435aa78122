import net from 'node:net';

/**
 * How a request's body travels (RFC 9112 section 6):
 * - `length`: `Content-Length` equal to the body;
 * - `chunked`: `Transfer-Encoding: chunked`, the body in the given chunk sizes;
 * - `declared-longer`: `Content-Length` larger than the body, then the client half-closes;
 * - `declared-shorter`: `Content-Length` smaller than the body, the rest sent as if a next request;
 * - `cut`: `Content-Length` of the body, but the connection is destroyed after part of it.
 * An answer is required for `length`, `chunked` and `declared-shorter` only.
 */
export type Framing = 'length' | 'chunked' | 'declared-longer' | 'declared-shorter' | 'cut';

export interface WireRequest {
  method: string;
  /** Path and query exactly as sent (may hold bytes that are not valid in a URL). */
  target: string;
  /** Header lines as sent; values are Latin-1 strings, one character per byte. */
  headers: Array<[string, string]>;
  body: Buffer;
  framing: Framing;
  /** Chunk sizes for `chunked`, cycled; fraction of the body sent for `cut`. */
  chunkSizes: number[];
  cutFraction: number;
}

export interface WireResponse {
  status: number;
  /** Header names lower-cased; repeated ones joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface Exchange {
  /** The request's bytes up to and including the head (for reports). */
  head: string;
  /** undefined when the server closed without an answer, or none was awaited. */
  response: WireResponse | undefined;
  /** Why no response was parsed, when one was expected. */
  problem?: string;
}

/** Whether the framing obliges the server to answer. */
export function expectsAnswer(framing: Framing): boolean {
  return framing === 'length' || framing === 'chunked' || framing === 'declared-shorter';
}

function framingHeaders(request: WireRequest): string {
  const length = request.body.length;
  switch (request.framing) {
    case 'length':
    case 'cut':
      return `Content-Length: ${length}\r\n`;
    case 'chunked':
      return 'Transfer-Encoding: chunked\r\n';
    case 'declared-longer':
      return `Content-Length: ${length + 1 + (request.chunkSizes[0] ?? 0)}\r\n`;
    case 'declared-shorter':
      return `Content-Length: ${Math.max(0, length - 1 - (request.chunkSizes[0] ?? 0))}\r\n`;
  }
}

function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < body.length; i++) {
    const size = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? body.length);
    const piece = body.subarray(offset, offset + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), piece, Buffer.from('\r\n'));
    offset += piece.length;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** The head of a request, as bytes: request line, headers, framing, `Connection: close`. */
export function requestHead(request: WireRequest): string {
  let head = `${request.method} ${request.target} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [name, value] of request.headers) head += `${name}: ${value}\r\n`;
  if (request.body.length > 0 || request.framing !== 'length') head += framingHeaders(request);
  return `${head}Connection: close\r\n\r\n`;
}

/** Parses the first response of a byte stream; undefined when it is not a complete HTTP/1.1 response. */
export function parseResponse(bytes: Buffer, method: string): WireResponse | undefined {
  // Interim answers (100 Continue) come before the final one: skip them.
  while (/^HTTP\/1\.1 1\d\d /.test(bytes.subarray(0, 13).toString('latin1'))) {
    const interimEnd = bytes.indexOf('\r\n\r\n');
    if (interimEnd === -1) return undefined;
    bytes = bytes.subarray(interimEnd + 4);
  }
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (status === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const code = Number(status[1]);
  let body = bytes.subarray(end + 4);
  if (method === 'HEAD' || code === 304 || code === 204) body = Buffer.alloc(0);
  else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (!Number.isSafeInteger(length) || body.length < length) return undefined;
    body = body.subarray(0, length);
  }
  return { status: code, headers, body };
}

/**
 * Sends one request on a new connection to 127.0.0.1:`port` and reads until
 * the server closes (the request says `Connection: close`) or `timeoutMs`.
 */
export function send(port: number, request: WireRequest, timeoutMs: number): Promise<Exchange> {
  const head = requestHead(request);
  const body = request.framing === 'chunked' ? chunked(request.body, request.chunkSizes) : request.body;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (problem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      const response = bytes.length === 0 ? undefined : parseResponse(bytes, request.method);
      const why = problem ?? (bytes.length > 0 && response === undefined ? `unparseable answer: ${JSON.stringify(bytes.subarray(0, 300).toString('latin1'))}` : undefined);
      resolve({ head, response, ...(why === undefined ? {} : { problem: why }) });
    };
    const timer = setTimeout(() => finish(`no complete answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.on('connect', () => {
      socket.write(Buffer.from(head, 'latin1'));
      if (request.framing === 'cut') {
        socket.write(body.subarray(0, Math.floor(body.length * request.cutFraction)), () => {
          setImmediate(() => finish());
        });
        return;
      }
      socket.write(body);
      if (request.framing === 'declared-longer') socket.end();
    });
  });
}
