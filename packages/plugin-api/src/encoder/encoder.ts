import type { PluginErrorCodes } from '../errors/visor-error.js';

/**
 * A response document: `root` names it (`image`, `images`, `error`, `status`...),
 * `body` is what JSON shows as is. Encoders that need a single root element
 * (XML) use `root`: when `body[root]` exists it is the root's content, and the
 * other members of `body` follow it as children.
 */
export interface ResponseDocument {
  root: string;
  body: Record<string, unknown>;
}

/** What an encoder package exports as its default export. */
export interface EncoderPlugin {
  readonly kind: 'encoder';
  /** Short name, e.g. `json`. */
  readonly name: string;
  /** The plugin API version the package was built for, `major.minor` (see PLUGIN_API_VERSION). */
  readonly apiVersion?: string;
  /** Error codes the encoder's errors use beyond the core's, with their HTTP statuses. */
  readonly errorCodes?: PluginErrorCodes;
  /** Media types this encoder produces and reads; the first is the one it answers with. */
  readonly mediaTypes: readonly string[];
  encode(document: ResponseDocument): string | Buffer;
  /**
   * Parses a request body into plain values. Throws BadRequestError naming the
   * cause (line/column where the parser knows it) for malformed input.
   */
  decode(text: string): unknown;
}
