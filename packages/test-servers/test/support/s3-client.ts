import { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials } from '../../src/index.js';

/** An SDK client for a test server: path-style, and checksums only where an operation requires them. */
export function s3Client(server: { endpoint: string; region: string; credentials: S3Credentials }, credentials = server.credentials): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}
