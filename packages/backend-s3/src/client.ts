import http from 'node:http';
import https from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ResolvedS3Options } from './options.js';
import { SignatureV2Signer, type V2Credentials } from './signature-v2/index.js';

/** Sockets per store: enough for several uploads of `queueSize` parts each and the downloads beside them. */
const MAX_SOCKETS = 64;

/**
 * The SDK client for a store. Checksums only where an operation requires
 * them (`requestChecksumCalculation`/`responseChecksumValidation`
 * `WHEN_REQUIRED`): by default SDK releases since 3.729 send every upload as
 * `aws-chunked` with a CRC32 trailer, which some S3-compatible servers store
 * verbatim (trailer included) and others refuse; with `WHEN_REQUIRED` the
 * body goes as plain bytes with a Content-Length. `overrides` lets presets
 * replace parts of the configuration.
 *
 * With `signatureVersion: 'v2'` the client signs with Signature Version 2
 * (`SignatureV2Signer` as its `signer`), taking credentials from the
 * client's own resolved provider each time: the static keys, or the
 * default chain's, cached and refreshed before they expire as for SigV4.
 * `v2.unsignedPathPrefix` leaves the endpoint's path out of the signed
 * resource (Walrus behind `/services/Walrus`).
 */
export function createS3Client(options: ResolvedS3Options, overrides: Partial<S3ClientConfig> = {}, v2: { unsignedPathPrefix?: string } = {}): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS };
  let client: S3Client | undefined;
  const signer =
    options.signatureVersion === 'v2'
      ? new SignatureV2Signer({ credentials: () => client!.config.credentials() as Promise<V2Credentials>, unsignedPathPrefix: v2.unsignedPathPrefix })
      : undefined;
  client = new S3Client({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs,
      // Inactivity, not total time: a 100 GiB transfer may take hours, a stalled one fails after this.
      socketTimeout: options.requestTimeoutMs,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    },
    ...(signer === undefined ? {} : { signer }),
    ...overrides,
  });
  return client;
}
