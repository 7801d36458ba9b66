import type { SQL } from 'drizzle-orm';
import { orm, tables, type DbHandle } from './orm.ts';

/** One audit entry: who (`actor`: `cli`, `admin`, `setup-link`…) did what to which target. */
export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditInput {
  actor: string;
  /** A dotted verb such as `key.created`, `key.revoked`, `config.saved`, `account.added`. */
  action: string;
  target?: string | null;
  /** Extra facts; never secrets (store a key's prefix, not the key). */
  details?: Record<string, unknown> | null;
}

export interface AuditQuery {
  limit?: number;
  since?: number;
  action?: string;
  actor?: string;
}

/** The audit log of admin changes. Writes are immediate (rare, and must survive a crash). */
export interface AuditRepo {
  record(entry: AuditInput): AuditEntry;
  /** Newest first; `limit` defaults to 100 and is capped at 1000. */
  list(query?: AuditQuery): AuditEntry[];
}

/** Creates the audit repository. Errors from SQLite (busy, disk full) propagate to the caller. */
export function createAuditRepo(handle: Pick<DbHandle, 'db'>, opts: { now?: () => number } = {}): AuditRepo {
  const now = opts.now ?? Date.now;
  return {
    record(entry) {
      const { auditLog } = tables();
      const row = {
        ts: now(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        details: entry.details ?? null,
      };
      const inserted = handle.db.insert(auditLog).values(row).returning({ id: auditLog.id }).get();
      return { id: inserted.id, ...row };
    },
    list(query = {}) {
      const { and, desc, eq, gte } = orm();
      const { auditLog } = tables();
      const conds: SQL[] = [];
      if (query.since !== undefined) conds.push(gte(auditLog.ts, query.since));
      if (query.action !== undefined) conds.push(eq(auditLog.action, query.action));
      if (query.actor !== undefined) conds.push(eq(auditLog.actor, query.actor));
      const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1000);
      return handle.db
        .select()
        .from(auditLog)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(auditLog.ts), desc(auditLog.id))
        .limit(limit)
        .all();
    },
  };
}
