import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import type { Image, RegisterFields, UploadOptions, VisorClient } from '@visor/client';
import { CliError, EXIT, UsageError } from '../errors/exit-codes.js';
import { HashingCounter, type Digests } from './digests.js';
import { RateMeter, type ProgressSnapshot } from './progress.js';

export interface UploadRequest {
  path: string;
  /** Known digests, declared to the server, which then stores nothing on a mismatch. */
  md5?: string;
  sha256?: string;
  /** Read the file once before sending to compute both digests and declare them. */
  digestFirst?: boolean;
  onProgress?: (snapshot: ProgressSnapshot) => void;
  signal?: AbortSignal;
}

export interface UploadResult {
  image: Image;
  bytes: number;
  /** Digests declared before the upload, and the SHA-256 computed while sending when none was. */
  digests: Digests;
  /**
   * How the server checked the bytes before storing them: against digests declared in headers
   * before the body (`declared`), or against the SHA-256 computed while sending and sent after
   * the body as an HTTP trailer (`trailer`). Either way a mismatch stores nothing.
   */
  verification: 'declared' | 'trailer';
}

const HEX = { md5: /^[0-9a-f]{32}$/i, sha256: /^[0-9a-f]{64}$/i };

async function digestOf(path: string): Promise<Required<Digests>> {
  const counter = new HashingCounter(['md5', 'sha256']);
  await new Promise<void>((resolve, reject) => pipeline(createReadStream(path), counter, (e) => (e ? reject(e) : resolve())).resume());
  return (await counter.digests()) as Required<Digests>;
}

async function fileSize(path: string): Promise<number> {
  let s;
  try {
    s = await stat(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, EXIT.failure);
  }
  if (!s.isFile()) throw new CliError(`${path} is not a file`, EXIT.usage);
  return s.size;
}

/**
 * Sends a file as an image's contents: `register` (fields given) or an upload to image `id`.
 * The size is always declared; MD5 and SHA-256 are declared when known (given, or computed
 * first with `digestFirst`). When no SHA-256 is known, it is computed while sending (on a
 * worker thread, one pass over the file) and sent after the body as an HTTP trailer
 * (`x-image-meta-sha256`). The server checks every digest before storing and refuses a
 * mismatch (`400 BadDigest`, nothing stored); the record's SHA-256 is compared once more after
 * (exit 8 on a difference).
 */
export async function uploadFile(
  client: VisorClient,
  target: { register: RegisterFields } | { id: string },
  request: UploadRequest,
): Promise<UploadResult> {
  if (request.md5 !== undefined && !HEX.md5.test(request.md5)) throw new UsageError(`--md5 must be 32 hex digits; got '${request.md5}'`);
  if (request.sha256 !== undefined && !HEX.sha256.test(request.sha256)) throw new UsageError(`--sha256 must be 64 hex digits; got '${request.sha256}'`);
  const size = await fileSize(request.path);
  let declared: Partial<Digests> = { md5: request.md5?.toLowerCase(), sha256: request.sha256?.toLowerCase() };
  if (request.digestFirst && (declared.md5 === undefined || declared.sha256 === undefined)) {
    const computed = await digestOf(request.path);
    declared = { md5: declared.md5 ?? computed.md5, sha256: declared.sha256 ?? computed.sha256 };
  }
  const meter = new RateMeter(size);
  // Hash on a worker thread only what no header declares: the SHA-256 then goes as a trailer.
  const trailing = declared.sha256 === undefined;
  const counter = new HashingCounter(trailing ? ['sha256'] : [], (n) => request.onProgress?.(meter.snapshot(n)));
  const file = createReadStream(request.path, { highWaterMark: 1024 * 1024 });
  const body = pipeline(file, counter, () => undefined);
  const abort = () => file.destroy(new CliError('upload interrupted', EXIT.interrupted));
  request.signal?.addEventListener('abort', abort, { once: true });
  const options: UploadOptions = {
    size,
    ...(declared.md5 === undefined ? {} : { checksum: declared.md5 }),
    ...(declared.sha256 === undefined ? {} : { sha256: declared.sha256 }),
    ...(trailing ? { trailer: { fields: ['sha256'], digests: async () => ({ sha256: (await counter.digests()).sha256 }) } } : {}),
  };
  let image: Image;
  try {
    if ('register' in target) {
      const allStrings = Object.values(target.register).every((v) => v === null || v === undefined || typeof v === 'string');
      if (allStrings) {
        image = await client.registerWithFile(target.register, body, options);
      } else {
        // Typed custom properties (numbers, booleans) survive only in a JSON registration.
        const registered = await client.register(target.register);
        try {
          image = await client.upload(registered.id, body, options);
        } catch (error) {
          await client.delete(registered.id).catch(() => undefined);
          throw error;
        }
      }
    } else {
      image = await client.upload(target.id, body, options);
    }
  } catch (error) {
    // The server may answer before reading the body (409, 400): stop reading the file and hashing.
    body.destroy();
    throw error;
  } finally {
    request.signal?.removeEventListener('abort', abort);
  }
  const digests: Digests = declared.md5 === undefined ? {} : { md5: declared.md5 };
  const sha256 = declared.sha256 ?? (await counter.digests()).sha256;
  if (sha256 !== undefined) digests.sha256 = sha256;
  if (image.sha256 !== digests.sha256 || (digests.md5 !== undefined && image.checksum !== digests.md5)) {
    throw new CliError(
      `image '${image.id}' was stored with SHA-256 ${image.sha256} (MD5 ${image.checksum}), but the bytes sent have SHA-256 ${digests.sha256}${digests.md5 ? ` (MD5 ${digests.md5})` : ''}`,
      EXIT.integrity,
    );
  }
  return { image, bytes: counter.bytes, digests, verification: trailing ? 'trailer' : 'declared' };
}
