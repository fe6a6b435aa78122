import { randomUUID } from 'node:crypto';
import type { Backend, ByteRange, PutResult } from '@visor/plugin-api';
import { readAll } from './bytes.js';
import { chunkedSource } from './sources/chunked-source.js';

/** A key like the ones the core passes: an image id (UUID v4). */
export function newKey(): string {
  return randomUUID();
}

/** How the suite places objects in each read-only backend under test (the package's `seed` option). */
export const seeders = new WeakMap<Backend, (backend: Backend, key: string, data: Buffer) => Promise<PutResult>>();

/**
 * Stores `data` under `key`, delivered in `chunkSize` chunks, announcing its
 * size; in a read-only backend, places it through the package's `seed`.
 */
export function putBytes(backend: Backend, key: string, data: Buffer, chunkSize?: number): Promise<PutResult> {
  if (!backend.capabilities.write) {
    const seed = seeders.get(backend);
    if (!seed) throw new Error(`backend '${backend.name}' is read-only: give the suite a seed() option to place objects in it`);
    return seed(backend, key, data);
  }
  return backend.put(key, chunkedSource(data, chunkSize), { size: data.length });
}

/**
 * `{ size }` for a backend that declares `sizeRequired` (the core always
 * tells such a backend the size), `{}` for the others, so the cases that
 * leave the size out still exercise it where the core may.
 */
export function sizeIfRequired(backend: Backend, size: number): { size?: number } {
  return backend.capabilities.sizeRequired ? { size } : {};
}

/** Reads an object (or a range of it) back into memory. */
export async function getBytes(backend: Backend, location: string, range?: ByteRange): Promise<Buffer> {
  return readAll((await backend.get(location, range === undefined ? {} : { range })).body);
}
