import { resolve } from 'node:path';
import { ConfigError, rejectUnknownKeys, type BackendContext } from '@visor/plugin-api';

/** The options a store of backend `fs` accepts in the configuration. */
export interface FsBackendOptions {
  /** Where objects live; relative paths resolve against Visor's data directory. Default `images`. */
  directory?: string;
  /** fsync each file (and its directory after the rename) before `put` resolves. Default false. */
  fsync?: boolean;
  /** Permission bits of stored files, as a number or an octal string (`'0640'`). Default 0o640. */
  fileMode?: number | string;
}

export interface ResolvedFsOptions {
  /** Absolute. */
  directory: string;
  fsync: boolean;
  fileMode: number;
}

const KNOWN_OPTIONS = ['directory', 'fsync', 'fileMode'] as const;
const DEFAULT_DIRECTORY = 'images';
const DEFAULT_FILE_MODE = 0o640;
const OCTAL_MODE = /^(?:0o?)?([0-7]{3})$/;

type Subject = Pick<BackendContext, 'name' | 'dataDir'>;

function optionKey(context: Subject, option?: string): string {
  return `stores.${context.name}.options${option === undefined ? '' : `.${option}`}`;
}

function resolveDirectory(value: unknown, context: Subject): string {
  if (value === undefined) return resolve(context.dataDir, DEFAULT_DIRECTORY);
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new ConfigError(optionKey(context, 'directory'), 'must be a non-empty path');
  }
  return resolve(context.dataDir, value); // an absolute value ignores dataDir
}

function resolveFsync(value: unknown, context: Subject): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ConfigError(optionKey(context, 'fsync'), 'must be true or false');
  return value;
}

function resolveFileMode(value: unknown, context: Subject): number {
  if (value === undefined) return DEFAULT_FILE_MODE;
  const digits = typeof value === 'string' ? OCTAL_MODE.exec(value)?.[1] : undefined;
  const mode = digits === undefined ? value : Number.parseInt(digits, 8);
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new ConfigError(optionKey(context, 'fileMode'), "must be permission bits from 0 to 0o777, e.g. 0o640 or '0640'");
  }
  if ((mode & 0o400) === 0) {
    throw new ConfigError(optionKey(context, 'fileMode'), 'must let the owner (Visor) read its files (0o400)');
  }
  return mode;
}

/** Validates a store's raw options; throws ConfigError naming `stores.<name>.options.<key>`. */
export function resolveFsOptions(raw: unknown, context: Subject): ResolvedFsOptions {
  const options = raw ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(optionKey(context), 'must be a mapping of option names to values');
  }
  rejectUnknownKeys(options, optionKey(context), KNOWN_OPTIONS, 'backend fs');
  const values = options as Record<string, unknown>;
  return {
    directory: resolveDirectory(values.directory, context),
    fsync: resolveFsync(values.fsync, context),
    fileMode: resolveFileMode(values.fileMode, context),
  };
}
