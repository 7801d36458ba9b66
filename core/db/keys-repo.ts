import type { ClientKeyInfo } from '../plugin/types.ts';
import type { ChangeMarker } from './change-marker.ts';
import { orm, tables, type DbHandle, type SwitchyardDb } from './orm.ts';
import type { KeyLimits } from './schema.ts';

/** How often `last_used_at` is written per key at most. */
const LAST_USED_EVERY_MS = 60_000;
const SECRET_PREFIX = 'sy-';
const SECRET_CHARS = 40;
const PREFIX_LEN = 12;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A stored key as the admin API and CLI list it (never the secret). */
export interface KeyRecord extends ClientKeyInfo {
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface CreateKeyInput {
  name: string;
  scopes?: string[];
  limits?: KeyLimits;
  /** Epoch ms after which the key stops working. */
  expiresAt?: number | null;
}

/** Client API keys: creation, lookup by secret on every request, listing and revocation. */
export interface KeysRepo {
  /** Creates a key. The secret is returned once here and never stored. */
  createKey(input: CreateKeyInput): { info: KeyRecord; secret: string };
  /**
   * The key for a presented secret, or undefined when it is unknown, revoked or expired (with
   * `includeExpired`, an expired key is answered too, so its caller can say why it is refused).
   * Always current with the database: a key made or revoked by the CLI (another process) while
   * the server runs counts at once. A found key is remembered until the database changes.
   */
  findBySecret(secret: string, opts?: { includeExpired?: boolean }): ClientKeyInfo | undefined;
  get(id: string): KeyRecord | undefined;
  /** Newest first, revoked ones included. */
  list(): KeyRecord[];
  /** True when at least one key is neither revoked nor expired. */
  hasActiveKey(): boolean;
  /**
   * Revokes by id or by display prefix (or a unique start of it). Returns the revoked key, or
   * undefined when nothing matched. Throws when a prefix matches several keys.
   */
  revoke(idOrPrefix: string): KeyRecord | undefined;
}

export interface KeysRepoOptions {
  /** The clock; tests inject a fake one. */
  now?: () => number;
}

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string | null;
  limits: string | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** SHA-256 hex digest of a client secret: what is stored and looked up. */
export function hashSecret(secret: string): string {
  return new Bun.CryptoHasher('sha256').update(secret).digest('hex');
}

/** `n` base62 characters from the CSPRNG, without modulo bias (bytes ≥ 248 are redrawn). */
export function randomBase62(n: number): string {
  let out = '';
  const buf = new Uint8Array(n * 2);
  while (out.length < n) {
    crypto.getRandomValues(buf);
    for (let i = 0; i < buf.length && out.length < n; i++) {
      const b = buf[i]!;
      if (b < 248) out += BASE62[b % 62];
    }
  }
  return out;
}

/** A new client secret: `sy-` followed by 40 base62 characters (~238 bits). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBase62(SECRET_CHARS);
}

/** Found keys remembered at most (by secret); the oldest is dropped beyond it. */
const MAX_CACHED = 1000;

/**
 * Keys repository over an open database. `findBySecret` is one prepared statement on the
 * unique hash index; `last_used_at` is written at most once a minute per key (memory throttle),
 * and a failure to write it (busy database) never fails the lookup.
 *
 * With a change marker (`handle.changes`, as `openDatabase` gives), found keys are cached by
 * secret while nothing was committed to the database since (by this process or another, such
 * as the CLI revoking a key): exact, and far cheaper than a statement per request. Without one,
 * every lookup asks the database.
 */
export function createKeysRepo(
  handle: DbHandle & { changes?: ChangeMarker }, opts: KeysRepoOptions = {},
): KeysRepo {
  // The lookups of every request and of start-up are prepared statements; the rest uses drizzle.
  const { sqlite, changes } = handle;
  const now = opts.now ?? Date.now;
  const byHash = sqlite.query<KeyRow, [string]>(
    'SELECT id, name, prefix, scopes, limits, expires_at, revoked_at FROM api_keys WHERE hash = ?',
  );
  const touch = sqlite.query('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  const insert = sqlite.query(
    'INSERT INTO api_keys (id, name, prefix, hash, scopes, limits, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const anyActive = sqlite.query<{ n: number }, [number]>(
    'SELECT 1 AS n FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) LIMIT 1',
  );
  const touchedAt = new Map<string, number>();
  const found = new Map<string, ClientKeyInfo>();
  let cachedAt: number | undefined;

  /** The cache, emptied when the database changed since it was filled; undefined when it cannot be trusted. */
  function freshCache(): Map<string, ClientKeyInfo> | undefined {
    const version = changes?.version();
    if (version !== cachedAt) {
      found.clear();
      cachedAt = version;
    }
    return version === undefined ? undefined : found;
  }

  function markUsed(id: string, t: number): void {
    const last = touchedAt.get(id);
    if (last !== undefined && t - last < LAST_USED_EVERY_MS) return;
    touchedAt.set(id, t);
    try {
      touch.run(t, id);
    } catch {
      // A busy or read-only database must not turn a valid key into a failed request.
    }
  }

  return {
    createKey(input) {
      const secret = generateSecret();
      const row = {
        id: 'key_' + randomBase62(16),
        name: input.name,
        prefix: secret.slice(0, PREFIX_LEN),
        hash: hashSecret(secret),
        scopes: input.scopes ?? null,
        limits: input.limits ?? null,
        createdAt: now(),
        expiresAt: input.expiresAt ?? null,
      };
      insert.run(row.id, row.name, row.prefix, row.hash, json(row.scopes), json(row.limits), row.createdAt, row.expiresAt);
      return { info: toRecord({ ...row, revokedAt: null, lastUsedAt: null }), secret };
    },

    findBySecret(secret, opts) {
      if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX) || secret.length > 256) return undefined;
      const cache = freshCache();
      const hit = cache?.get(secret);
      const t = now();
      if (hit) {
        if (hit.expiresAt != null && hit.expiresAt <= t) return opts?.includeExpired ? hit : undefined;
        markUsed(hit.id, t);
        return hit;
      }
      const row = byHash.get(hashSecret(secret));
      if (!row || row.revoked_at !== null) return undefined;
      const expired = row.expires_at !== null && row.expires_at <= t;
      if (expired && !opts?.includeExpired) return undefined;
      const info: ClientKeyInfo = {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        ...(row.scopes ? { scopes: JSON.parse(row.scopes) as string[] } : {}),
        ...(row.limits ? { limits: JSON.parse(row.limits) as KeyLimits } : {}),
        expiresAt: row.expires_at,
      };
      if (expired) return info;
      if (cache) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        cache.set(secret, info);
      }
      markUsed(row.id, t);
      return info;
    },

    get(id) {
      const { eq } = orm();
      const { apiKeys } = tables();
      const row = handle.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
      return row ? toRecord(row) : undefined;
    },

    list() {
      const { desc } = orm();
      const { apiKeys } = tables();
      return handle.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all().map(toRecord);
    },

    hasActiveKey() {
      return anyActive.get(now()) !== null;
    },

    revoke(idOrPrefix) {
      const { eq } = orm();
      const { apiKeys } = tables();
      const target = resolve(handle.db, idOrPrefix);
      if (!target) return undefined;
      const revokedAt = target.revokedAt ?? now();
      handle.db.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, target.id)).run();
      touchedAt.delete(target.id);
      return { ...target, revokedAt };
    },
  };
}

/** A JSON column's text, as drizzle's `mode: 'json'` stores it. */
function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function resolve(db: SwitchyardDb, idOrPrefix: string): KeyRecord | undefined {
  const { eq, like } = orm();
  const { apiKeys } = tables();
  const exact = db.select().from(apiKeys).where(eq(apiKeys.id, idOrPrefix)).get();
  if (exact) return toRecord(exact);
  if (!/^sy-[A-Za-z0-9]{3,}$/.test(idOrPrefix)) return undefined;
  if (idOrPrefix.length > PREFIX_LEN) {
    // A whole secret pasted by mistake: match it exactly, never by its first characters only.
    const bySecret = db.select().from(apiKeys).where(eq(apiKeys.hash, hashSecret(idOrPrefix))).get();
    return bySecret ? toRecord(bySecret) : undefined;
  }
  // Case matters (keys are base62); SQLite's LIKE ignores it, so the prefix is compared exactly.
  const matches = db.select().from(apiKeys).where(like(apiKeys.prefix, idOrPrefix + '%')).all()
    .filter((r) => r.prefix.startsWith(idOrPrefix)).slice(0, 2);
  if (matches.length > 1) throw new Error(`prefix "${idOrPrefix}" matches several keys; use the key id`);
  return matches[0] ? toRecord(matches[0]) : undefined;
}

function toRecord(row: ReturnType<typeof tables>['apiKeys']['$inferSelect']): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    ...(row.scopes ? { scopes: row.scopes } : {}),
    ...(row.limits ? { limits: row.limits } : {}),
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}
