import type { AdminDeps } from './admin-deps.ts';
import { createConfigEditor, type ConfigEditor } from './config/config-editor.ts';
import { createRequestTraces, type RequestTraces } from './logs/request-traces.ts';
import { createRecentStats, type RecentStats } from './overview/recent-stats.ts';

/** Services shared by the admin route groups, built once per gateway. */
export interface AdminContext {
  readonly deps: AdminDeps;
  readonly editor: ConfigEditor;
  /** Route, attempts and events of the last requests (in memory). */
  readonly traces: RequestTraces;
  /** Latency, TTFT and errors over the last minutes (in memory). */
  readonly stats: RecentStats;
  /** Unsubscribes the bus listeners (gateway stop). */
  close(): void;
}

/** Builds the shared admin services and subscribes their bus listeners. */
export function createAdminContext(deps: AdminDeps): AdminContext {
  const editor = createConfigEditor({
    configFile: deps.configFile,
    env: deps.env,
    reload: () => deps.reload(),
    generation: () => deps.host.current.generation,
    pluginErrors: () => deps.host.status().filter((p) => p.state === 'errored').map((p) => ({ name: p.name, error: p.error ?? 'failed' })),
    log: deps.log,
  });
  const traces = createRequestTraces(deps.bus, { now: deps.now });
  const stats = createRecentStats(deps.bus, { now: deps.now });
  return {
    deps, editor, traces, stats,
    close() {
      traces.close();
      stats.close();
    },
  };
}
