import type { EncoderPlugin } from '@visor/plugin-api';
import { decodeXml } from './decode.js';
import { encodeXml } from './encode.js';

/** Answers `application/xml` (and `text/xml`) and reads XML request bodies. */
export const xmlEncoder: EncoderPlugin = {
  kind: 'encoder',
  apiVersion: '1.0',
  name: 'xml',
  mediaTypes: ['application/xml', 'text/xml'],
  encode: encodeXml,
  decode: decodeXml,
};
