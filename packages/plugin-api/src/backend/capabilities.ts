/**
 * What a backend can do. The core reads nothing else to decide how to use a
 * store: it never probes for methods or looks at the backend's type.
 */
export interface BackendCapabilities {
  /** `put` stores objects. False for read-only sources (an HTTP server): uploads to the store are refused with 405. */
  readonly write: boolean;
  /** `delete` removes objects. False: deleting an image removes only its record, never the object. */
  readonly delete: boolean;
  /**
   * The store serves byte ranges itself, at a cost proportional to the range
   * (S3 `Range`, WebHDFS `offset`/`length`). False: `get` with a range still
   * yields exactly the range, by reading from the start and skipping.
   */
  readonly rangeReads: boolean;
  /** `openReader` is offered and a read is cheap (a local file, not a network request per read). */
  readonly positionalReads: boolean;
  /** `redirectUrl` is offered: clients can be sent to the store directly (presigned URLs). */
  readonly redirects: boolean;
  /** `locationOf` is offered: the location of a key is known before it is written. */
  readonly locateBeforeWrite: boolean;
  /**
   * `put` needs the object's size up front (no multipart or chunked upload, e.g.
   * Cumulus): an upload without a declared length is refused with 411 before a
   * byte is read.
   */
  readonly sizeRequired: boolean;
  /**
   * Images can be registered with a client-given location this store owns
   * (`ownsLocation`): the image is recorded as available without an upload.
   */
  readonly registerLocations: boolean;
}

/** The capability names, in the order documentation and errors list them. */
export const CAPABILITY_NAMES = [
  'write',
  'delete',
  'rangeReads',
  'positionalReads',
  'redirects',
  'locateBeforeWrite',
  'sizeRequired',
  'registerLocations',
] as const satisfies readonly (keyof BackendCapabilities)[];

/** The method each capability promises, for capabilities that bring one. */
export const CAPABILITY_METHODS = {
  positionalReads: 'openReader',
  redirects: 'redirectUrl',
  locateBeforeWrite: 'locationOf',
  registerLocations: 'ownsLocation',
} as const;

/** A writable object store's capabilities (fs-like); spread and override what differs. */
export const WRITABLE_STORE: BackendCapabilities = Object.freeze({
  write: true,
  delete: true,
  rangeReads: true,
  positionalReads: false,
  redirects: false,
  locateBeforeWrite: false,
  sizeRequired: false,
  registerLocations: false,
});

/** A read-only source's capabilities: images are registered by location and never written or deleted. */
export const READ_ONLY_SOURCE: BackendCapabilities = Object.freeze({
  write: false,
  delete: false,
  rangeReads: true,
  positionalReads: false,
  redirects: false,
  locateBeforeWrite: false,
  sizeRequired: false,
  registerLocations: true,
});

/**
 * What is wrong with a backend's declaration: a capability that is not a
 * boolean, or one whose method is missing. Empty when it is sound.
 */
export function capabilityProblems(backend: { capabilities?: unknown } & Record<string, unknown>): string[] {
  const capabilities = backend.capabilities;
  if (typeof capabilities !== 'object' || capabilities === null) {
    return [`capabilities must be an object declaring ${CAPABILITY_NAMES.join(', ')} (true or false each)`];
  }
  const declared = capabilities as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of CAPABILITY_NAMES) {
    if (typeof declared[name] !== 'boolean') problems.push(`capabilities.${name} must be true or false`);
  }
  for (const [name, method] of Object.entries(CAPABILITY_METHODS)) {
    if (declared[name] === true && typeof backend[method] !== 'function') {
      problems.push(`capabilities.${name} is declared but ${method}() is missing`);
    }
  }
  if (backend.redirectDownloads === true && declared.redirects !== true) {
    problems.push('redirectDownloads needs capabilities.redirects (redirectUrl)');
  }
  return problems;
}
