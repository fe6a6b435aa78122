export { SIGNED_SUB_RESOURCES, canonicalAmzHeaders, canonicalResource, signatureV2, stringToSign, type QueryValues, type SignableRequest } from './string-to-sign.js';
export { SignatureV2Signer, type SignatureV2SignerOptions, type V2Credentials, type V2CredentialSource } from './signer-v2.js';
export { presignV2, type PresignV2Request } from './presign-v2.js';
