import type { EncoderPlugin } from '@visor/plugin-api';
import { decodeJson } from './decode.js';

/** Answers `application/json` with the document's body as is; reads JSON request bodies. */
export const jsonEncoder: EncoderPlugin = {
  kind: 'encoder',
  apiVersion: '1.0',
  name: 'json',
  mediaTypes: ['application/json'],
  encode: (document) => JSON.stringify(document.body),
  decode: decodeJson,
};
