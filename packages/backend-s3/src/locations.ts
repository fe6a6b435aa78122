import { InvalidKeyError } from '@visor/plugin-api';

/**
 * Keys the core passes are image ids. One path segment of safe characters,
 * never `.` or `..`, so an object key is always `<prefix><key>` and a
 * location can be checked lexically.
 */
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * Maps keys to S3 object keys and `<scheme>://<bucket>/<prefix><key>`
 * locations and back. A location never carries credentials, an endpoint or
 * a region: those are the store's configuration, not the image's.
 */
export class ObjectLocations {
  constructor(
    private readonly store: string,
    readonly bucket: string,
    readonly prefix: string,
    /** `s3`; the Walrus and Cumulus presets use their own. */
    readonly scheme: string = 's3',
  ) {}

  /** Throws InvalidKeyError for a key that is not one safe path segment. */
  assertKey(key: string): void {
    if (!SAFE_KEY.test(key)) {
      throw new InvalidKeyError(this.store, key, 'keys are 1-200 characters of A-Z a-z 0-9 . _ - starting with a letter or digit');
    }
  }

  /** The S3 object key for `key`: `<prefix><key>`. */
  objectKey(key: string): string {
    this.assertKey(key);
    return `${this.prefix}${key}`;
  }

  locationOf(key: string): string {
    return `${this.scheme}://${this.bucket}/${this.objectKey(key)}`;
  }

  /**
   * The key a location names; InvalidKeyError unless it is exactly
   * `<scheme>://<this bucket>/<prefix><safe key>`, so no request can reach
   * another bucket or an object outside the prefix.
   */
  keyOf(location: string): string {
    const refuse = (reason: string) => new InvalidKeyError(this.store, location, reason);
    let url: URL;
    try {
      url = new URL(location);
    } catch {
      throw refuse('not a URI');
    }
    if (url.protocol !== `${this.scheme}:`) throw refuse(`not an ${this.scheme}:// location`);
    if (url.username !== '' || url.password !== '' || url.port !== '') throw refuse('has credentials or a port');
    if (url.hostname !== this.bucket) throw refuse(`names another bucket than this store's`);
    if (url.search !== '' || url.hash !== '') throw refuse('has a query or fragment');
    const expectedStart = `/${this.prefix}`;
    if (!url.pathname.startsWith(expectedStart)) throw refuse(`is outside this store's prefix`);
    const key = url.pathname.slice(expectedStart.length);
    if (!SAFE_KEY.test(key)) throw refuse('does not name an object of this store');
    // Only the canonical spelling: `..` segments or percent-escapes that URL parsing resolves are refused.
    if (this.locationOf(key) !== location) throw refuse('is not written as this store writes locations');
    return key;
  }
}
