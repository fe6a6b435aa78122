import { request, type HttpResponse } from '@visor/test-support';

export type { HttpResponse };

/** Every response received, as `METHOD target` and its head and body text (for "secret never shown" checks). */
export const received: Array<{ request: string; text: string }> = [];

/** A real HTTP request over loopback that records its response; `target` is path and query as sent. */
export async function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<HttpResponse> {
  const response = await request(method, `${baseUrl}${target}`, { headers, ...(body === undefined ? {} : { body }) });
  received.push({ request: `${method} ${target}`, text: `${JSON.stringify(response.headers)}\n${response.text}` });
  return response;
}
