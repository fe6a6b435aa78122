import http, { type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: Buffer;
  json(): any;
}

const agent = new http.Agent({ keepAlive: true });

/** Every response received, as `METHOD target` and its head and body text (for "secret never shown" checks). */
export const received: Array<{ request: string; text: string }> = [];

/** A real HTTP request over loopback; `target` is path and query as sent. */
export function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${target}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        const text = buffer.toString('utf8');
        received.push({ request: `${method} ${target}`, text: `${JSON.stringify(res.headers)}\n${text}` });
        resolve({ status: res.statusCode!, headers: res.headers, body: buffer, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
