import { RangeNotSatisfiableError, type ByteRange } from '@visor/plugin-api';

/**
 * Parses a `Range` header for one byte range of an object of `size` bytes.
 * Returns null when the whole object should be sent: no header, a syntax this
 * server ignores (RFC 9110 allows it), or several ranges.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  const unsatisfiable = () => new RangeNotSatisfiableError(`range '${header}' cannot be satisfied: the image has ${size} bytes`, size);
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) throw unsatisfiable();
  return { start, end };
}
