import { httpBackendPlugin } from './plugin.js';

export default httpBackendPlugin;
export { createHttpBackendPlugin, httpBackendPlugin, type HttpBackendPluginOptions } from './plugin.js';
export { HttpBackend, HTTP_CAPABILITIES } from './http-backend.js';
export { resolveHttpOptions, type HttpBackendOptions, type ResolvedHttpOptions } from './options.js';
export { AddressPolicy, parseHostRule, type HostRule } from './fetch/address-policy.js';
export { SourceFetchError, type FetchFailure } from './fetch/fetch-errors.js';
export type { LookupFunction } from './fetch/guarded-lookup.js';
