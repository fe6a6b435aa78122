import { InvalidFieldError } from '@visor/plugin-api';

/** Digests a client declared for an object Visor did not write (lower-case hex). */
export interface DeclaredDigests {
  md5?: string;
  sha256?: string;
}

const HEX32 = /^[0-9a-f]{32}$/i;
const HEX64 = /^[0-9a-f]{64}$/i;

/**
 * Takes `checksum` (MD5, 32 hex digits) and `sha256` (64 hex digits) out of
 * a registration by location: the client declares them, Visor verifies them
 * on the first full download. Throws InvalidFieldError naming the field.
 */
export function takeDeclaredDigests(input: Record<string, unknown>): { rest: Record<string, unknown>; declared: DeclaredDigests } {
  const { checksum, sha256, ...rest } = input;
  const declared: DeclaredDigests = {};
  if (checksum !== undefined && checksum !== null) {
    if (typeof checksum !== 'string' || !HEX32.test(checksum)) throw new InvalidFieldError('checksum', "'checksum' must be an MD5 in 32 hex digits");
    declared.md5 = checksum.toLowerCase();
  }
  if (sha256 !== undefined && sha256 !== null) {
    if (typeof sha256 !== 'string' || !HEX64.test(sha256)) throw new InvalidFieldError('sha256', "'sha256' must be a SHA-256 in 64 hex digits");
    declared.sha256 = sha256.toLowerCase();
  }
  return { rest, declared };
}
