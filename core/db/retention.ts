import type { Database } from 'bun:sqlite';

/** How long rows are kept, in days; 0 keeps them forever. */
export interface RetentionDays {
  usageDays: number;
  bodiesDays: number;
}

export interface PruneCounts {
  usage: number;
  bodies: number;
}

export interface RetentionOptions {
  /** Read at every run, so a reloaded config applies at the next one. */
  days: () => RetentionDays;
  now?: () => number;
  /** First run after start (default 60 s: not during start-up), then every `everyMs` (default 1 h). */
  firstMs?: number;
  everyMs?: number;
  /** Rows deleted per transaction (default 500: ~2 ms with the usage indexes); other work runs in between. */
  chunk?: number;
  /** Told about each run that deleted something, and about failures (the next run retries). */
  onPruned?: (counts: PruneCounts) => void;
  onError?: (err: unknown) => void;
}

export interface Retention {
  /** Deletes what is past its retention now; resolves with how many rows went. */
  runNow(): Promise<PruneCounts>;
  stop(): void;
}

const DAY_MS = 86_400_000;

/**
 * Deletes usage rows and debug request bodies older than their retention
 * (`logging.retention`), on a timer. Oldest first, in small transactions with a turn of the
 * event loop between them, so a first run over millions of rows never holds requests up for
 * long. The freed pages are reused by new rows; the file does not shrink.
 */
export function startRetention(sqlite: Database, o: RetentionOptions): Retention {
  const now = o.now ?? Date.now;
  const chunk = o.chunk ?? 500;
  const deleteUsage = sqlite.prepare<unknown, [number, number]>(
    'DELETE FROM usage WHERE id IN (SELECT id FROM usage WHERE ts < ? ORDER BY ts LIMIT ?)',
  );
  const deleteBodies = sqlite.prepare<unknown, [number, number]>(
    'DELETE FROM request_bodies WHERE rowid IN (SELECT rowid FROM request_bodies WHERE ts < ? ORDER BY ts LIMIT ?)',
  );
  let stopped = false;
  let running: Promise<PruneCounts> | undefined;

  async function drain(statement: typeof deleteUsage, days: number): Promise<number> {
    if (!(days > 0)) return 0;
    const before = now() - days * DAY_MS;
    let total = 0;
    while (!stopped) {
      const n = statement.run(before, chunk).changes;
      total += n;
      if (n < chunk) break;
      await new Promise((r) => setImmediate(r));
    }
    return total;
  }

  async function run(): Promise<PruneCounts> {
    const days = o.days();
    const counts = { usage: await drain(deleteUsage, days.usageDays), bodies: await drain(deleteBodies, days.bodiesDays) };
    if (counts.usage + counts.bodies > 0) o.onPruned?.(counts);
    return counts;
  }

  function runNow(): Promise<PruneCounts> {
    running ??= run().finally(() => (running = undefined));
    return running;
  }

  const tick = () => {
    runNow().catch((e: unknown) => o.onError?.(e));
  };
  let timer = setTimeout(() => {
    tick();
    if (!stopped) timer = setInterval(tick, o.everyMs ?? 3_600_000).unref();
  }, o.firstMs ?? 60_000).unref();

  return {
    runNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
