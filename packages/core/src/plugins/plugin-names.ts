import { isAbsolute } from 'node:path';
import type { PluginKind } from '@visor/plugin-api';

/** The word that follows `visor-` / `@visor/` in the package names of each kind. */
const PACKAGE_PREFIX: Record<PluginKind, string> = {
  backend: 'backend',
  encoder: 'encoder',
  extension: 'plugin',
};

/** True for `./x`, `../x`, `.`, `..` and absolute paths: names that point at files, not packages. */
export function isPathSpecifier(name: string): boolean {
  return isAbsolute(name) || /^\.\.?(?:[\\/]|$)/.test(name);
}

/**
 * The package names (or the path) a configured plugin name may refer to, in
 * the order they are tried: a short name `s3` of kind backend means
 * `@visor/backend-s3`, then `visor-backend-s3`; scoped names, names starting
 * with `visor-` and paths are used as written.
 */
export function pluginCandidates(name: string, kind: PluginKind): string[] {
  if (isPathSpecifier(name) || name.startsWith('@') || name.startsWith('visor-')) return [name];
  const prefix = PACKAGE_PREFIX[kind];
  return [`@visor/${prefix}-${name}`, `visor-${prefix}-${name}`];
}
