import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts users' secret keys at rest with AES-256-GCM under the server key.
 * The access key is bound in as associated data, so a ciphertext copied to
 * another user's row does not decrypt.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(secret: string, accessKey: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(accessKey, 'utf8'));
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  /** The secret, or throws when the value was not sealed with this key for this access key. */
  open(sealed: string, accessKey: string): string {
    if (!sealed.startsWith(`${VERSION}:`)) throw new Error('unknown secret encoding');
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(accessKey, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

/** A new secret key: 32 random bytes in base64. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64');
}
