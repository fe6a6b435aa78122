import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { loadPlugin, type EncoderPlugin, type ResponseDocument } from '../../src/index.js';
import type { PluginHost } from '../../src/index.js';

/** An inline extension plugin, as the `plugins` list of a configuration accepts it. */
export interface InlineExtension {
  kind: 'extension';
  name: string;
  apply(visor: PluginHost, options: Record<string, unknown>): void | Promise<void>;
}

export function extension(name: string, apply: (visor: PluginHost, options: Record<string, unknown>) => void | Promise<void>): InlineExtension {
  return { kind: 'extension', name, apply };
}

/** The parsed JSON log records, optionally only those whose text mentions `needle`. */
export function logRecords(lines: readonly string[], needle?: string): Array<Record<string, unknown>> {
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.trim() !== '' && (needle === undefined || line.includes(needle)))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let xml: EncoderPlugin | undefined;

/**
 * Parses an XML response body with the XML encoder's own decoder, loaded the
 * way Visor loads it (core is built before the encoders, so no static import).
 */
export async function parseXml(text: string): Promise<any> {
  xml ??= (await loadPlugin('xml', 'encoder', process.cwd())).plugin;
  return xml.decode(text);
}

/** A one-line-per-record CSV of a document, enough to tell formats apart. */
function toCsv(document: ResponseDocument): string {
  const content = document.body[document.root] ?? document.body;
  const rows = Array.isArray(content) ? content : [content];
  const lines = rows.map((row) =>
    typeof row === 'object' && row !== null
      ? Object.values(row as Record<string, unknown>).map((v) => (v === null ? '' : String(v))).join(',')
      : String(row),
  );
  return `#${document.root}\n${lines.join('\n')}\n`;
}

/** `name,architecture` on one line becomes `{ image: { name, architecture } }`. */
function fromCsv(text: string): unknown {
  const [header = '', values = ''] = text.trim().split('\n');
  const keys = header.split(',');
  const cells = values.split(',');
  return { image: Object.fromEntries(keys.map((key, i) => [key.trim(), (cells[i] ?? '').trim()])) };
}

export const csvEncoder: EncoderPlugin = {
  kind: 'encoder',
  name: 'csv',
  mediaTypes: ['text/csv'],
  encode: toCsv,
  decode: fromCsv,
};

/** A readable stream yielding `data` in chunks of `chunkSize`. */
export function chunked(data: Buffer, chunkSize = 64 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

/** Reads a stream to its end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes `files` (relative path → text) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
}

/**
 * The source of a self-contained backend plugin module (no imports) keeping
 * objects in memory; its `health()` reports the options it was created with,
 * so tests can see them through GET /status.
 */
export function memoryBackendSource(type: string): string {
  return `
const notFound = (name, key) => Object.assign(new Error(\`backend '\${name}' key '\${key}': object not found\`), { code: 'NotFound' });

export default {
  kind: 'backend',
  type: ${JSON.stringify(type)},
  create(options, context) {
    const objects = new Map();
    const keyOf = (location) => location.replace(/^mem:\\/\\//, '');
    return {
      name: context.name,
      type: ${JSON.stringify(type)},
      capabilities: { write: true, delete: true, rangeReads: true, positionalReads: false, redirects: false, locateBeforeWrite: false, sizeRequired: false, registerLocations: false },
      objects,
      async put(key, source) {
        const chunks = [];
        for await (const chunk of source) chunks.push(chunk);
        const data = Buffer.concat(chunks);
        objects.set(key, data);
        return { location: 'mem://' + key, size: data.length };
      },
      async get(location, opts = {}) {
        const data = objects.get(keyOf(location));
        if (!data) throw notFound(context.name, location);
        const { Readable } = await import('node:stream');
        const part = opts.range ? data.subarray(opts.range.start, opts.range.end + 1) : data;
        return { body: Readable.from([part]), info: { size: data.length } };
      },
      async stat(location) {
        const data = objects.get(keyOf(location));
        if (!data) throw notFound(context.name, location);
        return { size: data.length };
      },
      async delete(location) {
        objects.delete(keyOf(location));
      },
      async health() {
        return { ok: true, message: 'memory: ' + JSON.stringify(options) };
      },
    };
  },
};
`;
}

/**
 * The source of a self-contained extension plugin module: it serves its
 * options at `GET /plugin-options/<name>` and stamps new images with the
 * property `stamped_by`.
 */
export function optionsEchoExtensionSource(name: string): string {
  return `
export default {
  kind: 'extension',
  name: ${JSON.stringify(name)},
  apply(visor, options) {
    visor.hooks.registerRoutes.tap(${JSON.stringify(name)}, (routes) => {
      routes.add('GET', '/plugin-options/${name}', async () => ({ document: { root: 'options', body: { options } } }));
    });
    visor.hooks.beforeRegister.tap(${JSON.stringify(name)}, (draft) => {
      draft.properties.stamped_by = ${JSON.stringify(name)};
    });
  },
};
`;
}
