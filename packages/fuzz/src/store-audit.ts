import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from './checks.js';
import type { WireResponse } from './wire.js';

/** What the audit needs of a session: admin-signed requests. */
export interface AuditClient {
  call(method: string, target: string): Promise<WireResponse>;
}

interface Record_ {
  id: string;
  status: string;
  location: string | null;
  size: number | null;
}

const QUIET_MS = 20_000;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

async function allImages(client: AuditClient): Promise<Record_[]> {
  const images: Record_[] = [];
  let target = '/images/detail?limit=1000';
  for (;;) {
    const res = await client.call('GET', target);
    if (res.status !== 200) throw new Error(`listing for the audit failed: ${res.status} ${res.body.toString()}`);
    const document = parseDocument(res) as { images: Record_[]; next?: string };
    images.push(...document.images);
    if (document.next === undefined) return images;
    const next = new URL(document.next);
    target = `${next.pathname}${next.search}`;
  }
}

/**
 * Once no upload is running any more: every file in the store is the
 * location of a record, every `available` record's file exists with its
 * size, and no record is left in `uploading` (docs/rest-api.md, "A failed
 * upload changes nothing"). Returns what is wrong.
 */
export async function auditStore(client: AuditClient, storeDir: string, quietMs = QUIET_MS): Promise<string[]> {
  const deadline = Date.now() + quietMs;
  // Requests the fuzzer abandoned still run to their end on the server (a DELETE removes the file,
  // then the record; a cut upload rolls back once the server notices): what they leave half-done
  // for a moment is no fault. A fault stays: audit again until nothing is wrong or the quiet time is up.
  for (;;) {
    const problems = await findProblems(await allImages(client), await filesUnder(storeDir), quietMs);
    if (problems.length === 0 || Date.now() >= deadline) return problems;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

async function findProblems(images: Record_[], files: string[], quietMs: number): Promise<string[]> {
  const problems: string[] = [];
  const locations = new Map(images.filter((image) => image.location !== null).map((image) => [fileURLToPath(image.location!), image]));
  for (const file of files) {
    if (file.includes('/.tmp/')) problems.push(`temporary file ${file} is left behind`);
    else if (!locations.has(file)) problems.push(`file ${file} belongs to no record`);
  }
  for (const image of images) {
    if (image.status === 'uploading') problems.push(`image ${image.id} is still 'uploading' ${quietMs / 1000} s after the last request`);
    if (image.status !== 'available') continue;
    if (image.location === null) {
      problems.push(`available image ${image.id} has no location`);
      continue;
    }
    const size = await fileSize(fileURLToPath(image.location));
    if (size === null) problems.push(`the file of available image ${image.id} is missing`);
    else if (size !== image.size) problems.push(`image ${image.id} says ${image.size} bytes, its file has ${size}`);
  }
  return problems;
}
