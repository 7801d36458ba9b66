import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, seal, SecretBoxError } from './secret-box.ts';
import { KEY_FILE, keyRingOf, loadKeyRing } from './secret-keys.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sy-crypto-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('seal / open', () => {
  test('round trip; ciphertext holds no plaintext; fresh IV per seal', () => {
    const ring = keyRingOf('a'.repeat(64));
    const a = seal(ring, 'canary-secret-value', 'p/a');
    const b = seal(ring, 'canary-secret-value', 'p/a');
    expect(open(ring, a.blob, a.keyId, 'p/a')).toBe('canary-secret-value');
    expect(Buffer.from(a.blob).toString('latin1')).not.toContain('canary');
    expect(Buffer.from(a.blob).equals(Buffer.from(b.blob))).toBe(false);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  test('a blob moved to another row, a flipped bit or a wrong key is refused', () => {
    const ring = keyRingOf('a'.repeat(64));
    const s = seal(ring, 'x-secret', 'p/a');
    expect(() => open(ring, s.blob, s.keyId, 'p/b')).toThrow(SecretBoxError);
    const tampered = Uint8Array.from(s.blob);
    tampered[20] ^= 1;
    expect(() => open(ring, tampered, s.keyId, 'p/a')).toThrow(SecretBoxError);
    const other = keyRingOf('b'.repeat(64));
    expect(() => open(other, s.blob, s.keyId, 'p/a')).toThrow(/no key with id/);
  });

  test('rotation: a ring with the new key first still opens blobs of the old one', () => {
    const old = keyRingOf('old passphrase');
    const s = seal(old, 'tok', 'p/a');
    const rotated = keyRingOf('new passphrase', 'old passphrase');
    expect(rotated.current.id).not.toBe(s.keyId);
    expect(open(rotated, s.blob, s.keyId, 'p/a')).toBe('tok');
  });
});

describe('loadKeyRing', () => {
  test('creates the key file 0600 on first use and reads the same key later', () => {
    const dir = tempDir();
    const first = loadKeyRing({ dataDir: dir, env: {} });
    const st = statSync(join(dir, KEY_FILE));
    expect(st.mode & 0o777).toBe(0o600);
    expect(loadKeyRing({ dataDir: dir, env: {} }).current.id).toBe(first.current.id);
  });

  test('SWITCHYARD_SECRET_KEY wins; an existing key file and PREVIOUS keys still open old rows', () => {
    const dir = tempDir();
    const fileRing = loadKeyRing({ dataDir: dir, env: {} });
    const s = seal(fileRing, 'from-file-era', 'p/a');
    const prev = keyRingOf('previous-key');
    const s2 = seal(prev, 'from-prev', 'p/a');
    const ring = loadKeyRing({ dataDir: dir, env: { SWITCHYARD_SECRET_KEY: 'c'.repeat(64), SWITCHYARD_SECRET_KEY_PREVIOUS: 'previous-key' } });
    expect(ring.current.id).toBe(keyRingOf('c'.repeat(64)).current.id);
    expect(open(ring, s.blob, s.keyId, 'p/a')).toBe('from-file-era');
    expect(open(ring, s2.blob, s2.keyId, 'p/a')).toBe('from-prev');
    expect(ring.ids()).toHaveLength(3);
  });

  test('an env key alone creates no key file; an empty key file is an error', () => {
    const dir = tempDir();
    loadKeyRing({ dataDir: dir, env: { SWITCHYARD_SECRET_KEY: 'k'.repeat(40) } });
    expect(() => statSync(join(dir, KEY_FILE))).toThrow();
    writeFileSync(join(dir, KEY_FILE), '\n');
    expect(() => loadKeyRing({ dataDir: dir, env: {} })).toThrow(/empty/);
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe('\n');
  });
});
