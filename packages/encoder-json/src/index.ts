export { jsonEncoder, jsonEncoder as default } from './plugin.js';
export { decodeJson } from './decode.js';
