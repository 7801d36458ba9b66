import { open, seal } from '../crypto/secret-box.ts';
import type { KeyRing } from '../crypto/secret-keys.ts';
import { orm, tables, type DbHandle } from './orm.ts';

/**
 * `active`: usable. `needs-reauth`: its refresh token was refused; routing skips it until the
 * user connects it again. `disabled`: switched off by the user.
 */
export type AccountState = 'active' | 'needs-reauth' | 'disabled';

/** A stored provider account as listed: never the secret. */
export interface StoredAccount {
  provider: string;
  accountId: string;
  label: string;
  state: AccountState;
  /** Epoch ms until which `state` holds (null: until changed). */
  stateUntil: number | null;
  /** Non-secret facts (kind, email, plan, expiry, quota windows). Never tokens. */
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** Which key sealed the secret (null without a secret). */
  keyId: string | null;
}

export interface SaveAccountInput {
  provider: string;
  accountId: string;
  label?: string;
  /** Plaintext secret (JSON of a token set, or an API key); sealed before it is written. */
  secret?: string;
  state?: AccountState;
  meta?: Record<string, unknown>;
}

/**
 * Provider accounts with secrets encrypted at rest (AES-256-GCM, the row's `provider/account`
 * as associated data, the sealing key's id stored per row). The plaintext exists only in the
 * caller's memory; the database file holds ciphertext.
 */
export interface AccountsRepo {
  /** Accounts of one provider (or all), oldest first. */
  list(provider?: string): StoredAccount[];
  get(provider: string, accountId: string): StoredAccount | undefined;
  /**
   * The decrypted secret, or undefined when the row or its secret is missing.
   * Errors: throws SecretBoxError when the key is gone or the blob was altered.
   */
  readSecret(provider: string, accountId: string): string | undefined;
  /** Inserts or updates (label, secret, state and meta are replaced when given). */
  save(input: SaveAccountInput): StoredAccount;
  /** Replaces the secret only (token refresh). Returns false when the row does not exist. */
  setSecret(provider: string, accountId: string, secret: string): boolean;
  setState(provider: string, accountId: string, state: AccountState, until?: number | null): boolean;
  /** Shallow-merges `patch` into the meta JSON (a key set to undefined is removed). */
  mergeMeta(provider: string, accountId: string, patch: Record<string, unknown>): boolean;
  remove(provider: string, accountId: string): boolean;
  /**
   * Re-encrypts every secret not sealed with the current key (key rotation). Returns how many
   * rows moved. Rows whose key is unknown are left as they are and counted in `failed`.
   */
  reseal(): { moved: number; failed: number };
}

export interface AccountsRepoOptions {
  now?: () => number;
}

type Row = ReturnType<typeof tables>['accounts']['$inferSelect'];

/** `list()` as a prepared statement (it runs at every start-up; see `orm.ts`). */
const LIST_SQL = 'SELECT provider, account_id AS accountId, label, secret IS NOT NULL AS hasSecret, key_id AS keyId, state, '
  + 'state_until AS stateUntil, meta, created_at AS createdAt, updated_at AS updatedAt FROM accounts';
type ListedRow = Omit<Row, 'secret' | 'meta'> & { hasSecret: number; meta: string | null };

const aadOf = (provider: string, accountId: string) => `switchyard/accounts/${provider}/${accountId}`;

/** The accounts repository over an open database and a key ring. */
export function createAccountsRepo(handle: DbHandle, ring: KeyRing, opts: AccountsRepoOptions = {}): AccountsRepo {
  const now = opts.now ?? Date.now;
  const listAll = handle.sqlite.query<ListedRow, []>(`${LIST_SQL} ORDER BY created_at`);
  const listOf = handle.sqlite.query<ListedRow, [string]>(`${LIST_SQL} WHERE provider = ? ORDER BY created_at`);
  // drizzle, the operators and the table, on first use.
  let lazy: { db: DbHandle['db']; eq: ReturnType<typeof orm>['eq']; and: ReturnType<typeof orm>['and']; accounts: ReturnType<typeof tables>['accounts'] } | undefined;
  const d = () => (lazy ??= { db: handle.db, eq: orm().eq, and: orm().and, accounts: tables().accounts });
  const where = (provider: string, accountId: string) => {
    const { and, eq, accounts } = d();
    return and(eq(accounts.provider, provider), eq(accounts.accountId, accountId));
  };
  const row = (provider: string, accountId: string): Row | undefined => d().db.select().from(d().accounts).where(where(provider, accountId)).get();
  const sealed = (provider: string, accountId: string, secret: string) => {
    const s = seal(ring, secret, aadOf(provider, accountId));
    return { secret: Buffer.from(s.blob), keyId: s.keyId };
  };

  return {
    list(provider) {
      const rows = provider === undefined ? listAll.all() : listOf.all(provider);
      return rows.map((r) => toStored({ ...r, meta: r.meta === null ? null : (JSON.parse(r.meta) as Row['meta']) }, r.hasSecret === 1));
    },
    get(provider, accountId) {
      const r = row(provider, accountId);
      return r ? toStored(r, !!r.secret) : undefined;
    },
    readSecret(provider, accountId) {
      const r = row(provider, accountId);
      if (!r?.secret || !r.keyId) return undefined;
      return open(ring, new Uint8Array(r.secret), r.keyId, aadOf(provider, accountId));
    },
    save(input) {
      const t = now();
      const existing = row(input.provider, input.accountId);
      const values = {
        ...(input.label === undefined ? {} : { label: input.label }),
        ...(input.secret === undefined ? {} : sealed(input.provider, input.accountId, input.secret)),
        ...(input.state === undefined ? {} : { state: input.state, stateUntil: null }),
        ...(input.meta === undefined ? {} : { meta: input.meta }),
        updatedAt: t,
      };
      const { db, accounts } = d();
      if (existing) db.update(accounts).set(values).where(where(input.provider, input.accountId)).run();
      else db.insert(accounts).values({ provider: input.provider, accountId: input.accountId, createdAt: t, ...values }).run();
      const saved = row(input.provider, input.accountId)!;
      return toStored(saved, !!saved.secret);
    },
    setSecret(provider, accountId, secret) {
      const { db, accounts } = d();
      const r = db.update(accounts).set({ ...sealed(provider, accountId, secret), updatedAt: now() }).where(where(provider, accountId)).run();
      return changes(r) > 0;
    },
    setState(provider, accountId, state, until = null) {
      const { db, accounts } = d();
      const r = db.update(accounts).set({ state, stateUntil: until, updatedAt: now() }).where(where(provider, accountId)).run();
      return changes(r) > 0;
    },
    mergeMeta(provider, accountId, patch) {
      const r = row(provider, accountId);
      if (!r) return false;
      const meta: Record<string, unknown> = { ...r.meta };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete meta[k];
        else meta[k] = v;
      }
      const { db, accounts } = d();
      db.update(accounts).set({ meta, updatedAt: now() }).where(where(provider, accountId)).run();
      return true;
    },
    remove(provider, accountId) {
      const { db, accounts } = d();
      return changes(db.delete(accounts).where(where(provider, accountId)).run()) > 0;
    },
    reseal() {
      let moved = 0;
      let failed = 0;
      const { db, accounts, and, eq } = d();
      for (const listed of db.select({ provider: accounts.provider, accountId: accounts.accountId }).from(accounts).all()) {
        // A running gateway may store a refreshed token meanwhile: the row is written only if it
        // still holds the blob that was opened, else read again, so an older token never comes back.
        for (let tries = 0; tries < 5; tries++) {
          const r = row(listed.provider, listed.accountId);
          if (!r?.secret || !r.keyId || r.keyId === ring.current.id) break;
          let plain: string;
          try {
            plain = open(ring, new Uint8Array(r.secret), r.keyId, aadOf(r.provider, r.accountId));
          } catch {
            failed++;
            break;
          }
          const same = and(where(r.provider, r.accountId), eq(accounts.keyId, r.keyId), eq(accounts.secret, r.secret));
          if (changes(db.update(accounts).set(sealed(r.provider, r.accountId, plain)).where(same).run()) > 0) {
            moved++;
            break;
          }
        }
      }
      return { moved, failed };
    },
  };
}

function changes(result: unknown): number {
  return (result as { changes?: number }).changes ?? 0;
}

function toStored(r: Omit<Row, 'secret'>, hasSecret: boolean): StoredAccount {
  return {
    provider: r.provider,
    accountId: r.accountId,
    label: r.label ?? r.accountId,
    state: (r.state as AccountState) ?? 'active',
    stateUntil: r.stateUntil,
    meta: r.meta ?? {},
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    keyId: hasSecret ? r.keyId : null,
  };
}
