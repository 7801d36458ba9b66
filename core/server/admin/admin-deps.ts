import type { Database } from 'bun:sqlite';
import type { Bus } from '../../bus/bus.ts';
import type { ConfigError } from '../../config/load-config.ts';
import type { GatewayConfig } from '../../config/schema.ts';
import type { AccountsRepo } from '../../db/accounts-repo.ts';
import type { AuditRepo } from '../../db/audit-repo.ts';
import type { KeysRepo } from '../../db/keys-repo.ts';
import type { SwitchyardDb } from '../../db/open-database.ts';
import type { UsageStore } from '../../db/usage-writer.ts';
import type { HttpClient } from '../../http/types.ts';
import type { RootLogger } from '../../log/create-logger.ts';
import type { PluginHost } from '../../plugin/plugin-host.ts';
import type { AdminCheck } from '../admin-auth.ts';
import type { DashboardAuth } from './auth/dashboard-auth.ts';
import type { TrustedProxies } from './auth/trusted-proxies.ts';

/**
 * Everything the admin API reads or drives in the running gateway. Built once by
 * `startGateway`; functions are called per request, so they always see the current state.
 */
export interface AdminDeps {
  readonly host: PluginHost;
  readonly bus: Bus;
  readonly keys: KeysRepo;
  readonly usage: UsageStore;
  readonly sqlite: Database;
  readonly db: SwitchyardDb;
  readonly audit: AuditRepo;
  /** Encrypted provider accounts; undefined when the build has no secret store. */
  accounts(): AccountsRepo | undefined;
  /** Tells the gateway that stored accounts changed (provider runtimes are rebuilt). */
  accountsChanged?(): void | Promise<void>;
  readonly log: RootLogger;
  readonly http: HttpClient;
  readonly auth: DashboardAuth;
  readonly adminCheck: AdminCheck;
  readonly trustedProxies: TrustedProxies;
  readonly version: string;
  readonly startedAt: number;
  readonly dataDir: string;
  readonly configFile: string;
  readonly env: Record<string, string | undefined>;
  now(): number;
  config(): GatewayConfig;
  /** Re-reads the config file and plugin folder; the reload error, if any. */
  reload(): Promise<ConfigError | undefined>;
  lastReloadError(): (ConfigError & { at: number }) | undefined;
  /** The URL clients use to reach this gateway (`http://127.0.0.1:20128`). */
  publicUrl(): string;
  /** The host and port the gateway listens on (`--host`, `--port` or `PORT` may override `server:`). */
  listening(): { host: string; port: number };
}

/** Who made an admin change, for the audit log: the admin token or a dashboard session. */
export function actorOf(request: Request): string {
  return request.headers.get('authorization') ? 'admin-token' : 'dashboard';
}
