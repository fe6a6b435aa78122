import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PresignRequest {
  client: S3Client;
  bucket: string;
  objectKey: string;
  /** Seconds the URL stays valid (SigV4 allows at most 604800, 7 days). */
  expiresIn: number;
  method: 'GET' | 'HEAD';
}

/**
 * A presigned URL for the object (AWS S3 User Guide, "Sharing objects with
 * presigned URLs"; query-string SigV4). It carries the access key id and a
 * signature, never the secret key; anyone holding it can read the object
 * until it expires, after which the store refuses it (403).
 */
export function presignedUrl(request: PresignRequest): Promise<string> {
  const target = { Bucket: request.bucket, Key: request.objectKey };
  const command = request.method === 'HEAD' ? new HeadObjectCommand(target) : new GetObjectCommand(target);
  return getSignedUrl(request.client, command, { expiresIn: request.expiresIn });
}
