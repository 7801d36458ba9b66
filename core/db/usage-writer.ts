import type { Database } from 'bun:sqlite';
import type { UsageQueries, UsageRow, UsageWriter } from './usage-repo.ts';
import { recentUsage, toUsageParams, USAGE_COLUMNS, usageTotals } from './usage-sql.ts';

/** Longest wait between two tries while the database refuses writes. */
const MAX_RETRY_MS = 5000;

export interface UsageWriterOptions {
  /** Longest time a recorded row waits before it is written (default 250 ms, keep ≤ 1000). */
  flushMs?: number;
  /** A queue this long is written after the current I/O callback, not on the timer (default 256). */
  maxBatch?: number;
  /** Rows kept while the database refuses writes; the oldest are dropped past it (default 50 000). */
  maxPending?: number;
  /** Cap of each stored request/response body in characters (default 64 KiB). */
  bodyMaxChars?: number;
  /** Applied to bodies before they are stored (secret redaction). */
  redact?: (text: string) => string;
  /** Told about a failed flush (the rows stay queued and are retried). */
  onError?: (err: unknown) => void;
}

/** A stored pair of request/response bodies (debug mode). */
export interface StoredBodies {
  requestId: string;
  ts: number;
  request: string | null;
  response: string | null;
}

/** The usage store: batched writes, reads that see queued rows, and debug bodies. */
export interface UsageStore extends UsageWriter, UsageQueries {
  /** Queues the bodies of a request (debug mode), capped and redacted, written with the next batch. */
  recordBodies(requestId: string, request: unknown, response: unknown): void;
  bodies(requestId: string): StoredBodies | undefined;
  /** Rows queued and not yet written. */
  pendingCount(): number;
  /** Flushes and stops the timer; later `record` calls are written at once. */
  close(): void;
}

/**
 * Creates the usage writer. `record` only pushes to an array (no I/O on the request path); a
 * timer writes the queue at most `flushMs` later (a long queue right after the current I/O
 * callback) in one synchronous transaction with prepared inserts. A SIGKILL loses at most the
 * queued rows and never corrupts the file (WAL).
 *
 * Errors: a failed flush (e.g. SQLITE_BUSY past the busy timeout) keeps the rows queued, reports
 * through `onError`, and retries on the timer after `flushMs`, doubling up to 5 s while it keeps
 * failing (rows recorded meanwhile wait for that retry); it never throws into `record`.
 */
export function createUsageWriter(sqlite: Database, opts: UsageWriterOptions = {}): UsageStore {
  const flushMs = opts.flushMs ?? 250;
  // Small batches on purpose: a queued row that outlives a young-generation collection is
  // promoted, and under load 250 ms of rows was a large share of what the collector promoted.
  const maxBatch = opts.maxBatch ?? 256;
  const maxPending = opts.maxPending ?? 50_000;
  const bodyMax = opts.bodyMaxChars ?? 64 * 1024;
  const onError = opts.onError ?? (() => {});
  const insertUsage = sqlite.prepare(
    `INSERT INTO usage (${USAGE_COLUMNS.join(', ')}) VALUES (${USAGE_COLUMNS.map(() => '?').join(', ')})`,
  );
  const insertBodies = sqlite.prepare(
    'INSERT OR REPLACE INTO request_bodies (request_id, ts, request, response) VALUES (?, ?, ?, ?)',
  );
  const selectBodies = sqlite.prepare<{ requestId: string; ts: number; request: string | null; response: string | null }, [string]>(
    'SELECT request_id AS requestId, ts, request, response FROM request_bodies WHERE request_id = ?',
  );
  let pending: UsageRow[] = [];
  let pendingBodies: StoredBodies[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon = false;
  let closed = false;
  /** While flushes fail: the wait before the next try (doubling), else 0. */
  let retryMs = 0;

  const writeBatch = sqlite.transaction((rows: UsageRow[], bodies: StoredBodies[]) => {
    for (const row of rows) insertUsage.run(...toUsageParams(row));
    for (const b of bodies) insertBodies.run(b.requestId, b.ts, b.request, b.response);
  });

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 && pendingBodies.length === 0) return;
    const rows = pending;
    const bodies = pendingBodies;
    pending = [];
    pendingBodies = [];
    try {
      writeBatch(rows, bodies);
      retryMs = 0;
    } catch (err) {
      pending = rows.concat(pending);
      pendingBodies = bodies.concat(pendingBodies);
      if (pending.length > maxPending) pending = pending.slice(pending.length - maxPending);
      if (pendingBodies.length > 1000) pendingBodies = pendingBodies.slice(pendingBodies.length - 1000);
      onError(err);
      // Retried on the timer only, backing off: a full queue must not retry (and report) on
      // every turn of the event loop or every new row while the database refuses writes.
      retryMs = Math.min(MAX_RETRY_MS, Math.max(flushMs, retryMs * 2));
      if (!closed) timer = setTimeout(flush, retryMs);
    }
  }

  function schedule(): void {
    if (closed) return flush();
    if (retryMs > 0) return; // the retry timer is set
    if (pending.length >= maxBatch) {
      // Written after the current I/O callback: not inside the request that filled the batch,
      // whose response would wait for the transaction (a millisecond or two).
      if (!soon) {
        soon = true;
        setImmediate(flushSoon);
      }
      return;
    }
    timer ??= setTimeout(flush, flushMs);
  }

  function flushSoon(): void {
    soon = false;
    flush();
  }

  function cap(value: unknown): string | null {
    if (value === undefined || value === null) return null;
    const raw = typeof value === 'string' ? value : safeJson(value);
    // Redacted before the cut: a secret cut in half no longer matches and its first half would be kept.
    const text = opts.redact ? opts.redact(raw) : raw;
    return text.length > bodyMax ? text.slice(0, bodyMax) + `…[truncated ${text.length - bodyMax} chars]` : text;
  }

  return {
    record(row) {
      pending.push(row);
      schedule();
    },
    flush,
    recordBodies(requestId, request, response) {
      pendingBodies.push({ requestId, ts: Date.now(), request: cap(request), response: cap(response) });
      schedule();
    },
    bodies(requestId) {
      for (let i = pendingBodies.length - 1; i >= 0; i--) if (pendingBodies[i]!.requestId === requestId) return pendingBodies[i];
      return selectBodies.get(requestId) ?? undefined;
    },
    recent: (limit, filter = {}) => recentUsage(sqlite, pending, limit, filter),
    totals: (filter = {}) => usageTotals(sqlite, pending, filter),
    pendingCount: () => pending.length,
    close() {
      flush();
      closed = true;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
