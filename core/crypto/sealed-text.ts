import type { SecretBox } from '../plugin/types.ts';

/** Text as a row stores it: `payload` sealed when `sealedWith` names the key, else UTF-8 bytes. */
export interface StoredText {
  payload: Uint8Array;
  sealedWith: string | null;
}

/** `text` sealed by `box` (bound to `aad`), or as plain UTF-8 when there is no box. */
export function sealText(box: SecretBox | undefined, text: string, aad: string): StoredText {
  if (!box) return { payload: Buffer.from(text, 'utf8'), sealedWith: null };
  const { blob, keyId } = box.seal(text, aad);
  return { payload: blob, sealedWith: keyId };
}

/**
 * The text a row stored, or undefined when it is sealed and does not open: no box, its key
 * rotated away, or a blob copied from another row (`aad` differs). SQLite may hand a plain
 * payload back as a string.
 */
export function openText(box: SecretBox | undefined, payload: Uint8Array | string, sealedWith: string | null, aad: string): string | undefined {
  if (sealedWith === null) return typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  if (!box || typeof payload === 'string') return undefined;
  try {
    return box.open(payload, sealedWith, aad);
  } catch {
    return undefined;
  }
}
