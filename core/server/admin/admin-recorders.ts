import type { Bus } from '../../bus/bus.ts';
import { createRequestTraces, type RequestTraces } from './logs/request-traces.ts';
import { createRecentStats, type RecentStats } from './overview/recent-stats.ts';

/** The admin services that listen to the bus, so they can start before the admin API is built. */
export interface AdminRecorders {
  readonly traces: RequestTraces;
  readonly stats: RecentStats;
}

/**
 * Subscribes the admin's bus listeners (request traces, recent stats). The gateway does this at
 * start, so the dashboard shows every request even though the admin API is built on first use.
 */
export function createAdminRecorders(bus: Bus, now?: () => number): AdminRecorders & { close(): void } {
  const traces = createRequestTraces(bus, { now });
  const stats = createRecentStats(bus, { now });
  return {
    traces, stats,
    close() {
      traces.close();
      stats.close();
    },
  };
}

