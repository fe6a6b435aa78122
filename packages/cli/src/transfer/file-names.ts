import { basename, dirname, join } from 'node:path';

/** A file name for an image: its name made safe (letters, digits, `.`, `_`, `-`), then its format: `debian-12.qcow2`. */
export function imageFileName(image: { id: string; name: string; format: string | null }): string {
  const stem = image.name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .toLowerCase();
  const extension = image.format ?? 'img';
  return `${stem === '' ? image.id : stem}.${extension}`;
}

/**
 * The temporary name a download is written under until it is complete and verified, next to
 * the final file and hidden: `.debian-12.qcow2.<first 12 hex digits of the MD5>.part`. The
 * digest in the name ties a partial file to the image's contents, so a resume never splices
 * the bytes of two different files.
 */
export function partialFileName(target: string, checksum: string | null): string {
  return join(dirname(target), `.${basename(target)}.${(checksum ?? 'nodigest').slice(0, 12)}.part`);
}
