import { eq } from 'drizzle-orm';
import type { KeyRecord } from '../../../db/keys-repo.ts';
import type { SwitchyardDb } from '../../../db/open-database.ts';
import { apiKeys, type KeyLimits } from '../../../db/schema.ts';
import type { UsageQueries } from '../../../db/usage-repo.ts';

/** A client key as the dashboard lists it: never the secret; with its spend for budget bars. */
export interface KeyView extends KeyRecord {
  state: 'active' | 'revoked' | 'expired';
  spend: { todayUsd: number; monthUsd: number; requestsToday: number };
}

/** Start of the UTC day and month holding `t`. */
export function utcDayMonth(t: number): { day: number; month: number } {
  const d = new Date(t);
  return { day: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()), month: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) };
}

/** The view of a key at time `now`, with today's and this month's spend (UTC). */
export function keyView(k: KeyRecord, usage: UsageQueries, now: number): KeyView {
  const { day, month } = utcDayMonth(now);
  const today = usage.totals({ keyId: k.id, since: day });
  const thisMonth = usage.totals({ keyId: k.id, since: month });
  const state = k.revokedAt ? 'revoked' : k.expiresAt != null && k.expiresAt <= now ? 'expired' : 'active';
  return {
    ...k, scopes: k.scopes ?? undefined, limits: k.limits ?? undefined, state,
    spend: { todayUsd: round6(today.costUsd), monthUsd: round6(thisMonth.costUsd), requestsToday: today.requests },
  };
}

/**
 * The expiry a rotated key gets at `now`: a rotation replaces the secret and must give a key
 * that works. An expiry still ahead is kept as it is; a key already expired gets its original
 * lifetime (`expiresAt - createdAt`) again, counted from `now`; an expired key without a positive
 * lifetime (its expiry was set before it was created) gets none.
 */
export function rotatedExpiry(k: Pick<KeyRecord, 'createdAt' | 'expiresAt'>, now: number): number | null {
  if (k.expiresAt == null) return null;
  if (k.expiresAt > now) return k.expiresAt;
  const lifetime = k.expiresAt - k.createdAt;
  return lifetime > 0 ? now + lifetime : null;
}

/** Fields of a key the dashboard may change after creation (`null` clears). */
export interface KeyPatch {
  name?: string;
  scopes?: string[] | null;
  limits?: KeyLimits | null;
  expiresAt?: number | null;
}

/**
 * Updates a key's name, scopes, limits or expiry. The keys repository has no update, and the
 * secret's hash is never touched here. Returns false when no key has this id.
 */
export function updateKey(db: SwitchyardDb, id: string, patch: KeyPatch): boolean {
  const set: Partial<typeof apiKeys.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.scopes !== undefined) set.scopes = patch.scopes && patch.scopes.length ? patch.scopes : null;
  if (patch.limits !== undefined) set.limits = patch.limits && Object.keys(patch.limits).length ? patch.limits : null;
  if (patch.expiresAt !== undefined) set.expiresAt = patch.expiresAt;
  if (Object.keys(set).length === 0) return db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id)).get() !== undefined;
  const r = db.update(apiKeys).set(set).where(eq(apiKeys.id, id)).run() as unknown as { changes?: number };
  return (r.changes ?? 0) > 0;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
