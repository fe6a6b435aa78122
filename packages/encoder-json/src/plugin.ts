import type { EncoderPlugin } from '@visor/core/plugin';
import { decodeJson } from './decode.js';

/** Answers `application/json` with the document's body as is; reads JSON request bodies. */
export const jsonEncoder: EncoderPlugin = {
  kind: 'encoder',
  name: 'json',
  mediaTypes: ['application/json'],
  encode: (document) => JSON.stringify(document.body),
  decode: decodeJson,
};
