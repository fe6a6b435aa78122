import type { Readable } from 'node:stream';

/**
 * The server's answer as the client reads it, the same from either transport (node:http or a
 * `fetch`): status, headers, and the body as a Node Readable. With node:http the body is the
 * `IncomingMessage` itself.
 */
export interface Answer {
  readonly status: number;
  readonly statusText: string;
  /** A header's value (repeated ones joined with `, `), by case-insensitive name. */
  header(name: string): string | undefined;
  /** Every header as [lower-case name, value], repeated ones joined with `, `. */
  headerEntries(): Iterable<[string, string]>;
  /**
   * The headers as a WHATWG `Headers` object. Made on first use with node:http: the global
   * `Headers` class loads undici, tens of milliseconds a command that never looks would pay.
   */
  readonly headers: Headers;
  /** The body; read it to its end or destroy it. */
  readonly body: Readable;
  /** Reads the whole body as UTF-8 text. */
  text(): Promise<string>;
}

/** Reads a Readable to its end as UTF-8 text. */
export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
