import type { AdminDeps } from './admin-deps.ts';
import { createConfigEditor, type ConfigEditor } from './config/config-editor.ts';
import { createAdminRecorders, type AdminRecorders } from './admin-recorders.ts';
import type { RequestTraces } from './logs/request-traces.ts';
import type { RecentStats } from './overview/recent-stats.ts';

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

/**
 * Builds the shared admin services. Without `recorders` it subscribes its own bus listeners
 * (and `close` removes them); given ones stay owned by the caller.
 */
export function createAdminContext(deps: AdminDeps, recorders?: AdminRecorders): AdminContext {
  const editor = createConfigEditor({
    configFile: deps.configFile,
    env: deps.env,
    reload: () => deps.reload(),
    generation: () => deps.host.current.generation,
    pluginErrors: () => deps.host.status().filter((p) => p.state === 'errored').map((p) => ({ name: p.name, error: p.error ?? 'failed' })),
    log: deps.log,
  });
  const own = recorders ? undefined : createAdminRecorders(deps.bus, deps.now);
  const { traces, stats } = recorders ?? own!;
  return {
    deps, editor, traces, stats,
    close() {
      own?.close();
    },
  };
}
