import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Digests a client declared for an object Visor did not write (lower-case hex). */
export interface DeclaredDigests {
  md5?: string;
  sha256?: string;
}

/**
 * Passes an object's bytes through while computing MD5 and SHA-256 of them,
 * and holds the last chunk back until the end: `settle` is then told which
 * declared digests differ (an empty list when they all match). If any
 * differs the stream fails with `settle`'s error instead of sending the last
 * chunk, so a client never receives all the bytes of an object that is not
 * the declared one (its download ends short). A stream destroyed earlier
 * (the client went away) settles nothing.
 */
export function verifyingStream(declared: DeclaredDigests, settle: (mismatches: string[]) => Promise<Error | undefined>): Transform {
  const md5 = declared.md5 === undefined ? undefined : createHash('md5');
  const sha256 = declared.sha256 === undefined ? undefined : createHash('sha256');
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      md5?.update(chunk);
      sha256?.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      const mismatches: string[] = [];
      if (md5) {
        const actual = md5.digest('hex');
        if (actual !== declared.md5) mismatches.push(`checksum (MD5) ${actual}, not the declared ${declared.md5}`);
      }
      if (sha256) {
        const actual = sha256.digest('hex');
        if (actual !== declared.sha256) mismatches.push(`sha256 ${actual}, not the declared ${declared.sha256}`);
      }
      settle(mismatches).then(
        (error) => (error ? callback(error) : callback(null, held)),
        (error: Error) => callback(error),
      );
    },
  });
}
