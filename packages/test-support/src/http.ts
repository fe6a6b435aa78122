import http, { type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): any;
}

export interface HttpOptions {
  headers?: Record<string, string | number>;
  body?: string | Buffer | Readable | object;
}

const agent = new http.Agent({ keepAlive: true });

/** A real HTTP request over loopback; object bodies are sent as JSON. */
export function request(method: string, url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string | number> = { ...options.headers };
  let body = options.body;
  if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body) && typeof (body as Readable).pipe !== 'function') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        const text = buffer.toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: buffer, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else (body as Readable).pipe(req);
  });
}

export const get = (url: string, headers: Record<string, string> = {}) => request('GET', url, { headers });
