export { type SignableRequest, stringToSign, canonicalQuery } from './string-to-sign.js';
export { sign, authorizationHeader, parseAuthorization } from './authorization.js';
export { presign, presignString } from './presign.js';
export { signedPath } from './signed-path.js';
export { safeEqual } from './hmac.js';
