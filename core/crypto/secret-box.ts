import { createRequire } from 'node:module';
import type { KeyRing } from './secret-keys.ts';

/**
 * `node:crypto`, loaded on the first seal or open, not at start-up: a gateway without stored
 * secrets never needs it, and loading it costs ~2.7 MB of idle RSS (measured).
 */
const requireHere = createRequire(import.meta.url);
let nodeCrypto: typeof import('node:crypto') | undefined;
const nc = () => (nodeCrypto ??= requireHere('node:crypto') as typeof import('node:crypto'));

/** Blob layout version: 1 byte, then a 12-byte IV, the ciphertext and the 16-byte GCM tag. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value and the id of the key that sealed it (stored beside it, for rotation). */
export interface Sealed {
  blob: Uint8Array;
  keyId: string;
}

/**
 * Encrypts `plaintext` with AES-256-GCM under the ring's current key and a fresh random IV.
 * `aad` (associated data, e.g. `provider/account`) is authenticated but not stored: a blob
 * copied into another row does not open there.
 */
export function seal(ring: KeyRing, plaintext: string, aad: string): Sealed {
  const key = ring.current;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const cipher = nc().createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const blob = new Uint8Array(1 + IV_BYTES + body.length + TAG_BYTES);
  blob[0] = VERSION;
  blob.set(iv, 1);
  blob.set(body, 1 + IV_BYTES);
  blob.set(cipher.getAuthTag(), 1 + IV_BYTES + body.length);
  return { blob, keyId: key.id };
}

/**
 * Decrypts a blob made by `seal` with the key named `keyId`.
 *
 * Errors: throws `SecretBoxError` when the key is unknown (rotated away without its previous
 * value), the blob is malformed, or authentication fails (wrong key, wrong row, tampering).
 * The message never contains key or plaintext material.
 */
export function open(ring: KeyRing, blob: Uint8Array, keyId: string, aad: string): string {
  const key = ring.byId(keyId);
  if (!key) throw new SecretBoxError(`no key with id ${keyId} is configured (set SWITCHYARD_SECRET_KEY_PREVIOUS)`);
  if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== VERSION) throw new SecretBoxError('malformed secret blob');
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const body = blob.subarray(1 + IV_BYTES, blob.length - TAG_BYTES);
  try {
    const decipher = nc().createDecipheriv('aes-256-gcm', key.bytes, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('secret blob failed authentication (wrong key or altered data)');
  }
}

/** A blob that cannot be opened. Never carries secret material. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}
