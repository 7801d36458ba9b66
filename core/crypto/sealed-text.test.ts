import { describe, expect, test } from 'bun:test';
import type { SecretBox } from '../plugin/types.ts';
import { open, seal } from './secret-box.ts';
import { keyRingOf, type KeyRing } from './secret-keys.ts';
import { openText, sealText } from './sealed-text.ts';

function boxOf(ring: KeyRing): SecretBox {
  return { seal: (text, aad) => seal(ring, text, aad), open: (blob, keyId, aad) => open(ring, blob, keyId, aad) };
}

describe('sealText / openText', () => {
  test('without a box the text is stored as plain UTF-8 and read back, from bytes or a string', () => {
    const stored = sealText(undefined, 'héllo', 'row:1');
    expect(stored.sealedWith).toBeNull();
    expect(Buffer.from(stored.payload).toString('utf8')).toBe('héllo');
    expect(openText(undefined, stored.payload, null, 'row:1')).toBe('héllo');
    expect(openText(undefined, 'héllo', null, 'row:1')).toBe('héllo');
  });

  test('with a box the text is sealed under the current key and opens only with the same aad', () => {
    const box = boxOf(keyRingOf('a'.repeat(64)));
    const stored = sealText(box, 'canary-prompt', 'row:1');
    expect(stored.sealedWith).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(stored.payload).toString('latin1')).not.toContain('canary');
    expect(openText(box, stored.payload, stored.sealedWith, 'row:1')).toBe('canary-prompt');
    expect(openText(box, stored.payload, stored.sealedWith, 'row:2')).toBeUndefined();
  });

  test('a sealed payload does not open without a box, after its key is rotated away, or as a string', () => {
    const stored = sealText(boxOf(keyRingOf('a'.repeat(64))), 'canary-prompt', 'row:1');
    expect(openText(undefined, stored.payload, stored.sealedWith, 'row:1')).toBeUndefined();
    expect(openText(boxOf(keyRingOf('b'.repeat(64))), stored.payload, stored.sealedWith, 'row:1')).toBeUndefined();
    expect(openText(boxOf(keyRingOf('a'.repeat(64))), 'text', stored.sealedWith, 'row:1')).toBeUndefined();
  });
});
