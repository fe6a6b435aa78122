export { xmlEncoder, xmlEncoder as default } from './plugin.js';
export { encodeXml, XML_DECLARATION } from './encode.js';
export { decodeXml } from './decode.js';
