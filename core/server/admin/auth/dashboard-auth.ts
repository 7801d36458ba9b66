import { orm, tables, type DbHandle } from '../../../db/orm.ts';
import { SESSION_TTL_MS } from './session-cookie.ts';

/** Minimum dashboard password length. */
export const MIN_PASSWORD = 10;
/** A setup link works this long. */
export const SETUP_TOKEN_TTL_MS = 24 * 3600_000;
/** Failed logins counted over this window… */
export const LOCK_WINDOW_MS = 15 * 60_000;
/** …and this many of them lock login. */
export const LOCK_FAILURES = 5;

export type LoginResult =
  | { ok: true; sessionId: string }
  | { ok: false; reason: 'wrong_password' | 'setup_required' }
  | { ok: false; reason: 'locked'; lockedUntil: number };

export type SetupResult = { ok: true; sessionId: string } | { ok: false; reason: 'invalid_token' | 'setup_done' };

/**
 * The dashboard's own login: one password (argon2id via `Bun.password`), one-time setup tokens,
 * sessions and the login lockout. Tokens and session ids are random 32-byte values; only their
 * SHA-256 is stored, so a copy of the database opens no session.
 */
export interface DashboardAuth {
  needsSetup(): boolean;
  /** A new single-use setup token (24 h). Earlier unused tokens stay valid until they expire. */
  createSetupToken(): { token: string; expiresAt: number };
  /** Consumes the token and sets the password; logs in. */
  completeSetup(token: string, password: string): Promise<SetupResult>;
  login(password: string, ip?: string): Promise<LoginResult>;
  /** Epoch ms until which login is locked, or null. */
  lockedUntil(): number | null;
  /** True for a live session (and notes it was seen). */
  validSession(sessionId: string): boolean;
  endSession(sessionId: string): void;
  /** Checks `current`, sets `next`, ends every session but `keep`. A wrong `current` counts as a failed login. */
  changePassword(keep: string, current: string, next: string, ip?: string): Promise<LoginResult>;
  /** Clears the password, every session and every setup token; returns a new setup token. */
  resetPassword(): { token: string; expiresAt: number };
}

/** SHA-256 hex of a token or session id: what the database holds. */
export function hashToken(value: string): string {
  return new Bun.CryptoHasher('sha256').update(value).digest('hex');
}

function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** Sessions whose last write of `lastSeenAt` is remembered (sessions that expire unseen stay until then). */
const MAX_SEEN = 1024;

/**
 * Creates the dashboard auth store over an open database. `now` is the clock (tests inject one).
 * What every start-up asks (`needsSetup`, and `createSetupToken` on a first run) are prepared
 * statements; the rest uses drizzle, loaded on first use (see `orm.ts`).
 */
export function createDashboardAuth(handle: DbHandle, now: () => number = Date.now): DashboardAuth {
  const seen = new Map<string, number>();
  const passwordSet = handle.sqlite.query('SELECT 1 AS one FROM admin_password LIMIT 1');
  const dropExpiredTokens = handle.sqlite.query('DELETE FROM admin_setup_tokens WHERE expires_at < ?');
  const insertToken = handle.sqlite.query('INSERT INTO admin_setup_tokens (hash, created_at, expires_at) VALUES (?, ?, ?)');
  let lazy: ReturnType<typeof orm> & ReturnType<typeof tables> & { db: DbHandle['db'] } | undefined;
  const d = () => (lazy ??= { ...orm(), ...tables(), db: handle.db });
  const hasPassword = () => passwordSet.get() !== null;
  const newSession = (): string => {
    const { db, lt, adminSessions } = d();
    const id = randomToken();
    const t = now();
    db.delete(adminSessions).where(lt(adminSessions.expiresAt, t)).run();
    db.insert(adminSessions).values({ idHash: hashToken(id), createdAt: t, expiresAt: t + SESSION_TTL_MS, lastSeenAt: t }).run();
    return id;
  };
  const lockedUntil = (): number | null => {
    const { db, and, desc, eq, gt, adminLoginAttempts } = d();
    const t = now();
    const failures = db.select({ ts: adminLoginAttempts.ts }).from(adminLoginAttempts)
      .where(and(eq(adminLoginAttempts.ok, false), gt(adminLoginAttempts.ts, t - LOCK_WINDOW_MS)))
      .orderBy(desc(adminLoginAttempts.ts)).limit(LOCK_FAILURES).all();
    if (failures.length < LOCK_FAILURES) return null;
    const until = failures[LOCK_FAILURES - 1]!.ts + LOCK_WINDOW_MS;
    return until > t ? until : null;
  };
  const record = (ok: boolean, ip?: string) => {
    const { db, lt, adminLoginAttempts } = d();
    const t = now();
    db.insert(adminLoginAttempts).values({ ts: t, ip: ip ?? null, ok }).run();
    db.delete(adminLoginAttempts).where(lt(adminLoginAttempts.ts, t - 30 * 24 * 3600_000)).run();
  };
  // One check at a time: each sees the failures recorded before it. Checked in parallel, 40
  // guesses all passed the lockout test before the first failure was recorded.
  let previous: Promise<unknown> = Promise.resolve();
  const checkPassword = (password: string, ip?: string): Promise<LoginResult | undefined> => {
    const next = previous.then(() => checkOne(password, ip));
    previous = next.catch(() => undefined);
    return next;
  };
  const checkOne = async (password: string, ip?: string): Promise<LoginResult | undefined> => {
    const until = lockedUntil();
    if (until !== null) return { ok: false, reason: 'locked', lockedUntil: until };
    const { db, eq, adminPassword } = d();
    const row = db.select().from(adminPassword).where(eq(adminPassword.id, 1)).get();
    if (!row) return { ok: false, reason: 'setup_required' };
    const good = await Bun.password.verify(password, row.hash).catch(() => false);
    record(good, ip);
    return good ? undefined : { ok: false, reason: 'wrong_password' };
  };
  const hash = (password: string) => Bun.password.hash(password, { algorithm: 'argon2id' });

  return {
    needsSetup: () => !hasPassword(),
    createSetupToken() {
      const token = randomToken();
      const t = now();
      dropExpiredTokens.run(t);
      const expiresAt = t + SETUP_TOKEN_TTL_MS;
      insertToken.run(hashToken(token), t, expiresAt);
      return { token, expiresAt };
    },
    async completeSetup(token, password) {
      const { db, and, eq, gt, isNull, adminPassword, adminSetupTokens } = d();
      // The route is public: a made-up token, or any token once the password is set, is refused
      // before the argon2id hash (~60 ms of CPU each), which is then paid only for a usable one.
      const usable = and(eq(adminSetupTokens.hash, hashToken(token)), isNull(adminSetupTokens.usedAt), gt(adminSetupTokens.expiresAt, now()));
      if (hasPassword()) return { ok: false, reason: 'setup_done' };
      if (!db.select({ hash: adminSetupTokens.hash }).from(adminSetupTokens).where(usable).get()) return { ok: false, reason: 'invalid_token' };
      const digest = await hash(password);
      // Synchronous from here: the token is consumed and the password set in one transaction.
      const outcome = db.transaction((tx): 'ok' | 'setup_done' | 'invalid_token' => {
        if (tx.select({ id: adminPassword.id }).from(adminPassword).get()) return 'setup_done';
        const t = now();
        const used: unknown = tx.update(adminSetupTokens).set({ usedAt: t })
          .where(and(eq(adminSetupTokens.hash, hashToken(token)), isNull(adminSetupTokens.usedAt), gt(adminSetupTokens.expiresAt, t))).run();
        if ((used as { changes?: number }).changes !== 1) return 'invalid_token';
        tx.insert(adminPassword).values({ id: 1, hash: digest, updatedAt: t }).run();
        return 'ok';
      });
      return outcome === 'ok' ? { ok: true, sessionId: newSession() } : { ok: false, reason: outcome };
    },
    async login(password, ip) {
      const refused = await checkPassword(password, ip);
      return refused ?? { ok: true, sessionId: newSession() };
    },
    lockedUntil,
    validSession(sessionId) {
      const { db, eq, adminSessions } = d();
      const t = now();
      const idHash = hashToken(sessionId);
      const row = db.select({ expiresAt: adminSessions.expiresAt }).from(adminSessions).where(eq(adminSessions.idHash, idHash)).get();
      if (!row || row.expiresAt <= t) {
        seen.delete(idHash);
        return false;
      }
      const last = seen.get(idHash);
      if (last === undefined || t - last > 60_000) {
        // Only a throttle of the lastSeenAt writes: forgetting it all costs one write per session.
        if (seen.size >= MAX_SEEN) seen.clear();
        seen.set(idHash, t);
        db.update(adminSessions).set({ lastSeenAt: t }).where(eq(adminSessions.idHash, idHash)).run();
      }
      return true;
    },
    endSession(sessionId) {
      const { db, eq, adminSessions } = d();
      const idHash = hashToken(sessionId);
      db.delete(adminSessions).where(eq(adminSessions.idHash, idHash)).run();
      seen.delete(idHash);
    },
    async changePassword(keep, current, next, ip) {
      const refused = await checkPassword(current, ip);
      if (refused) return refused;
      const digest = await hash(next);
      const { db, eq, adminPassword, adminSessions } = d();
      db.update(adminPassword).set({ hash: digest, updatedAt: now() }).where(eq(adminPassword.id, 1)).run();
      const keepHash = hashToken(keep);
      for (const s of db.select({ idHash: adminSessions.idHash }).from(adminSessions).all()) {
        if (s.idHash === keepHash) continue;
        db.delete(adminSessions).where(eq(adminSessions.idHash, s.idHash)).run();
        seen.delete(s.idHash);
      }
      return { ok: true, sessionId: keep };
    },
    resetPassword() {
      const { db, adminPassword, adminSessions, adminSetupTokens } = d();
      db.delete(adminPassword).run();
      db.delete(adminSessions).run();
      db.delete(adminSetupTokens).run();
      seen.clear();
      return this.createSetupToken();
    },
  };
}
