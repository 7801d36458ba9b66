import { appendFileSync, chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One AES-256 key and its id (a fingerprint: safe to store and log). */
export interface SecretKey {
  /** First 16 hex digits of SHA-256("switchyard-key-id" ‖ key): names the key, reveals nothing. */
  readonly id: string;
  readonly bytes: Uint8Array;
}

/**
 * The keys the gateway can open blobs with. `current` seals new blobs; older keys (named by the
 * `key_id` stored beside each row) still open what they sealed, until `reseal` moves every row
 * to the current key.
 */
export interface KeyRing {
  readonly current: SecretKey;
  /** The key with this id, or undefined when it is not configured any more. */
  byId(id: string): SecretKey | undefined;
  /** Ids of every known key, current first. */
  ids(): string[];
}

/** Name of the key file in the data dir. */
export const KEY_FILE = 'secret.key';
/** Keys the key file held before `rotateKeyFile`, one per line: they still open what they sealed. */
export const PREVIOUS_KEY_FILE = 'secret.key.previous';

export interface KeyRingOptions {
  dataDir: string;
  env?: Record<string, string | undefined>;
  /** Clock in ms (tests); default `Date.now`. */
  now?: () => number;
}

/** How often a seal looks whether the key files changed. */
const STAMP_CHECK_MS = 1000;

/**
 * Loads the encryption keys. The current key is `SWITCHYARD_SECRET_KEY` when set, else the key
 * file `<data-dir>/secret.key`, created with 32 random bytes and mode 0600 the first time a key
 * is needed. Earlier keys stay usable for reading: `SWITCHYARD_SECRET_KEY_PREVIOUS`
 * (comma-separated), `<data-dir>/secret.key.previous` (written by `rotateKeyFile`) and, when the
 * env key took over, the key file. A key is 32 bytes written as base64 or 64 hex digits; any
 * other text is stretched with SHA-256 (a passphrase works, but a random key is better).
 *
 * The ring follows its files: when they changed (`switchyard secrets rotate` while the gateway
 * runs), seals use the new key within a second, and a key id it did not know is found at once.
 * Stored responses and cache entries are sealed per request, so seals look at the files' stat at
 * most once a second; an unknown id always looks.
 *
 * Errors: throws when the key file exists but holds no key, or cannot be created.
 */
export function loadKeyRing(o: KeyRingOptions): KeyRing {
  const env = o.env ?? process.env;
  const file = join(o.dataDir, KEY_FILE);
  const previousFile = join(o.dataDir, PREVIOUS_KEY_FILE);
  const fromEnv = env.SWITCHYARD_SECRET_KEY?.trim();
  const stamp = () => `${fileStamp(file)}|${fileStamp(previousFile)}`;
  const load = () => {
    // Taken before reading: a file changed meanwhile is read again at the next check.
    const before = stamp();
    const keys: SecretKey[] = [];
    if (fromEnv) keys.push(toKey(fromEnv));
    const fileKey = fromEnv && !existsSync(file) ? undefined : readOrCreateKeyFile(file);
    if (fileKey) keys.push(fileKey);
    for (const line of existsSync(previousFile) ? readFileSync(previousFile, 'utf8').split('\n') : []) if (line.trim()) keys.push(toKey(line.trim()));
    for (const old of (env.SWITCHYARD_SECRET_KEY_PREVIOUS ?? '').split(',')) if (old.trim()) keys.push(toKey(old.trim()));
    const byId = new Map<string, SecretKey>();
    for (const k of keys) if (!byId.has(k.id)) byId.set(k.id, k);
    return { current: keys[0]!, byId, stamp: before };
  };
  const clock = o.now ?? Date.now;
  let state = load();
  let checkedAt = clock();
  /** Reloads when a key file changed since the last load (looked at once a second unless `now`). */
  const refresh = (now: boolean) => {
    const t = clock();
    if (!now && t - checkedAt < STAMP_CHECK_MS) return;
    checkedAt = t;
    if (stamp() !== state.stamp) state = load();
  };
  return {
    get current() {
      if (!fromEnv) refresh(false);
      return state.current;
    },
    byId(id) {
      if (!state.byId.has(id)) refresh(true);
      return state.byId.get(id);
    },
    ids: () => [...state.byId.keys()],
  };
}

/**
 * Replaces the key file with a new random key. The old key is appended to `secret.key.previous`
 * first (mode 0600), so everything it sealed still opens; the new file is written beside the old
 * one and renamed over it, so a crash leaves one of the two keys in place, never none.
 * Returns the ids of the old and the new key.
 */
export function rotateKeyFile(dataDir: string): { previous: string; current: string } {
  const file = join(dataDir, KEY_FILE);
  const old = readOrCreateKeyFile(file);
  const previousFile = join(dataDir, PREVIOUS_KEY_FILE);
  appendFileSync(previousFile, `${readFileSync(file, 'utf8').trim()}\n`, { mode: 0o600 });
  chmodSync(previousFile, 0o600);
  const text = randomKeyText();
  const temp = `${file}.new`;
  writeFileSync(temp, `${text}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return { previous: old.id, current: toKey(text).id };
}

/** Size and modification time of a file, or '' when it does not exist. */
function fileStamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return '';
  }
}

function randomKeyText(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
}

/** A key ring over explicit keys (tests, tools). The first one is current. */
export function keyRingOf(...secrets: string[]): KeyRing {
  const keys = secrets.map(toKey);
  return { current: keys[0]!, byId: (id) => keys.find((k) => k.id === id), ids: () => keys.map((k) => k.id) };
}

function readOrCreateKeyFile(file: string): SecretKey {
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!text) throw new Error(`${file} is empty: restore the key (or remove the file to lose every stored token)`);
    return toKey(text);
  }
  const text = randomKeyText();
  writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return toKey(text);
}

function toKey(text: string): SecretKey {
  const bytes = decodeKey(text);
  const id = new Bun.CryptoHasher('sha256').update('switchyard-key-id').update(bytes).digest('hex').slice(0, 16);
  return { id, bytes };
}

function decodeKey(text: string): Uint8Array {
  if (/^[0-9a-f]{64}$/i.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const b = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return Uint8Array.from(b);
  }
  return new Uint8Array(new Bun.CryptoHasher('sha256').update(text).digest());
}
