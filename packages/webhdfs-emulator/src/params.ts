import { exceptions } from './remote-exception.js';

/**
 * Typed reads of WebHDFS query parameters, with the defaults and valid values
 * of the WebHDFS REST API's "HTTP Query Parameter Dictionary". A bad value
 * raises IllegalArgumentException (400) naming the parameter, as the
 * namenode's ParamException handler words it.
 */
export class Params {
  constructor(private readonly query: URLSearchParams) {}

  private invalid(name: string, reason: string): Error {
    return exceptions.illegalArgument(`Invalid value for webhdfs parameter "${name}": ${reason}`);
  }

  string(name: string): string | undefined {
    const value = this.query.get(name);
    return value === null || value === '' ? undefined : value;
  }

  /** `true`/`false` in any case (section "Overwrite", "Recursive", "NoRedirect"). */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw this.invalid(name, `Failed to parse "${value}" to Boolean.`);
  }

  /** A decimal integer of at least `min` (sections "Offset", "Length", "Block Size", "Replication"). */
  integer(name: string, min: number): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw this.invalid(name, `For input string: "${value}"`);
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw this.invalid(name, `For input string: "${value}"`);
    if (number < min) throw this.invalid(name, `Invalid parameter range: ${name} = ${number} < ${min}`);
    return number;
  }

  /** Radix-8, 0 to 1777 (section "Permission"). */
  permission(fallback: number): number {
    const value = this.string('permission');
    if (value === undefined) return fallback;
    if (!/^[0-7]{1,4}$/.test(value)) throw this.invalid('permission', `For input string: "${value}" under radix 8`);
    const bits = Number.parseInt(value, 8);
    if (bits > 0o1777) throw this.invalid('permission', `Invalid parameter range: permission = ${value} > 1777`);
    return bits;
  }
}
