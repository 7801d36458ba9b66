import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Bus } from '../bus/bus.ts';
import { formatConfigError, loadConfig, type ConfigError } from '../config/load-config.ts';
import { loadPresets } from '../config/presets.ts';
import { resolveProviders } from '../config/resolve-providers.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { restartNotice } from '../config/restart-notice.ts';
import { watchConfig, watchPaths } from '../config/watch-config.ts';
import { createKeysRepo, type KeysRepo } from '../db/keys-repo.ts';
import { openDatabase, type OpenedDatabase } from '../db/open-database.ts';
import { startRetention, type Retention } from '../db/retention.ts';
import { createUsageWriter, type UsageStore } from '../db/usage-writer.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import type { HttpClient } from '../http/types.ts';
import { createLogger, type RootLogger } from '../log/create-logger.ts';
import { createOAuthRuntime, type OAuthRuntime } from '../oauth/create-oauth-runtime.ts';
import { createDispatch } from '../pipeline/gateway-dispatch.ts';
import { PluginHost } from '../plugin/plugin-host.ts';
import { pluginWatchTargets } from '../plugin/plugin-watch-targets.ts';
import type { HostServices, ProviderRuntime } from '../plugin/types.ts';
import { createAdminCheck, loadAdminToken } from './admin-auth.ts';
import type { AdminDeps } from './admin/admin-deps.ts';
import { createAdminRecorders } from './admin/admin-recorders.ts';
import { BUILTIN_ADMIN_ROUTES } from './admin/builtin-admin-routes.ts';
import { createDashboardAuth, type DashboardAuth } from './admin/auth/dashboard-auth.ts';
import { createSessionCheck } from './admin/auth/session-check.ts';
import { loadTrustedProxies } from './admin/auth/trusted-proxies.ts';
import { withDashboardKeys } from './admin/providers/dashboard-keys.ts';
import { createAuditRepo } from '../db/audit-repo.ts';
import { createGatewayLane, isGatewayUrl, screenRequest } from './gateway-lane.ts';
import { createResponsesSocket, isResponsesUpgrade, type ResponsesSocketData } from './responses-socket.ts';
import { healthReport, isHealthCheck, type HealthSource } from './health.ts';
import { createPluginApi, isMetricsScrape } from './plugin-api.ts';
import { createIdleCollector } from './idle-collector.ts';
import { createLazyShell } from './lazy-shell.ts';
import { VERSION } from './version.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { sweeper } from '../util/deadline-sweeper.ts';

/** How long requests ended at shutdown get to write their error before the sockets close. */
const END_FLUSH_MS = 500;

export interface GatewayOptions {
  dataDir: string;
  configFile?: string;
  /** Overrides `server.host` / `server.port` of the config (CLI flags). Port 0 picks a free port. */
  host?: string;
  port?: number;
  env?: Record<string, string | undefined>;
  /** Console logging (default true). Tests turn it off. */
  console?: boolean;
  /** Clock for plugins (tests inject one). */
  now?: () => number;
  /** Outbound client (tests may inject one with a fake resolver). */
  http?: HttpClient;
  /** Debounce of the config and plugin-folder watchers. */
  watchDebounceMs?: number;
  /** First pruning run after start (default 60 s); tests shorten it. */
  retentionFirstMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  dataDir: string;
  configFile: string;
  host: PluginHost;
  bus: Bus;
  keys: KeysRepo;
  usage: UsageStore;
  log: RootLogger;
  /** OAuth service, accounts repository and token redaction. */
  oauth: OAuthRuntime;
  /** Dashboard password, setup links and sessions. */
  dashboard: DashboardAuth;
  /** Hourly deletion of rows past `logging.retention`. */
  retention: Retention;
  /** The config now serving. */
  config(): GatewayConfig;
  /** Token for the admin API (`Authorization: Bearer`). */
  adminToken: string;
  /** Re-reads the config file and plugin folder; resolves to the reload error, if any. */
  reload(): Promise<ConfigError | undefined>;
  lastReloadError(): (ConfigError & { at: number }) | undefined;
  /**
   * Stops accepting, lets in-flight requests finish up to `graceMs` (default
   * `server.shutdown_grace_ms`), waits for a reload already running, flushes usage, closes.
   * Calling it again while it runs returns the same promise, with the deadline moved to
   * `graceMs` from now if that is sooner (`stop(0)`: cut what is in flight now).
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a gateway: loads the config (it must be valid at start), opens the database, loads
 * plugins, serves HTTP and watches the config folder and the drop-in plugin folder.
 * Throws with a readable message when the config is invalid or the port is taken.
 */
export async function startGateway(o: GatewayOptions): Promise<RunningGateway> {
  const env = o.env ?? process.env;
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const configFile = resolve(o.configFile ?? join(dataDir, 'switchyard.yaml'));
  const first = await loadConfig(configFile, env);
  if (!first.ok) throw new Error(formatConfigError(first.error));
  let config: GatewayConfig = first.config;
  /** The text of the config now serving. */
  let servingText = first.raw;
  const presets = loadPresets();
  let providers: Map<string, ProviderRuntime> = resolveProviders(config, presets);

  const log = createLogger({
    level: config.logging.level, dataDir, console: o.console ?? true,
    file: { enabled: config.logging.file.enabled, maxMb: config.logging.file.max_mb, keep: config.logging.file.keep },
  });
  let configSecrets = first.secrets;
  log.setSecrets(configSecrets);
  const db: OpenedDatabase = openDatabase(dataDir);
  const keys = createKeysRepo(db);
  const usage = createUsageWriter(db.sqlite, { redact: (t) => log.redact(t), onError: (e) => log.error('usage flush failed', { error: String(e) }) });
  const retention = startRetention(db.sqlite, {
    days: () => ({ usageDays: config.logging.retention.usage_days, bodiesDays: config.logging.retention.bodies_days }),
    now: o.now, firstMs: o.retentionFirstMs,
    onPruned: (n) => log.info(`retention: deleted ${n.usage} usage rows and ${n.bodies} request bodies past their retention`),
    onError: (e) => log.error('retention: pruning failed', { error: String(e) }),
  });
  const http = o.http ?? createHttpClient();
  const bus = new Bus();
  bus.on('plugin:errored', (e) => log.warn(`plugin ${e.name} errored in ${e.phase}`, { error: e.error }));
  // OAuth accounts live in the database; a login or a revoked token re-runs `reload` (below),
  // which merges the stored accounts into the provider runtimes again.
  let accountsTimer: ReturnType<typeof setTimeout> | undefined;
  const oauth = createOAuthRuntime({
    dataDir, env, db, http, log, bus, now: o.now,
    providers: () => host.current.providers,
    setRuntimeSecrets: (values) => log.setSecrets([...configSecrets, ...values]),
    onAccountsChanged: () => {
      clearTimeout(accountsTimer);
      accountsTimer = setTimeout(() => void reload(), 20);
    },
  });
  providers = withDashboardKeys(oauth.withStoredAccounts(providers), oauth.repo, oauth.registerSecret);

  const services: HostServices = {
    dataDir, version: VERSION, now: o.now ?? Date.now, http, usage,
    config: () => config,
    // Expired keys too: the api-key guard refuses them with their own message.
    findKey: (secret) => keys.findBySecret(secret, { includeExpired: true }),
    oauth: oauth.service,
    adapter: (id) => host.current.adapters.get(id),
    providers: () => host.current.providers,
    registerSecret: oauth.registerSecret,
    redact: (text) => log.redact(text),
    secretBox: oauth.secretBox,
    env,
  };
  const host = new PluginHost({
    bus, log, services, dataDir, configFile, redact: (t) => log.redact(t),
    reservedApiRoutes: [...BUILTIN_ADMIN_ROUTES, ...oauth.adminRoutes, ...oauth.publicRoutes],
  });
  await host.reload(config, providers);

  let reloadError: (ConfigError & { at: number }) | undefined;
  const startedAt = Date.now();
  const dispatch = createDispatch({ bus, log, http, usage, host, redact: (t) => log.redact(t) });
  const adminToken = loadAdminToken(dataDir, env);
  const dashboard = createDashboardAuth(db, o.now ?? Date.now);
  const adminCheck = createAdminCheck(adminToken, (secret) => keys.findBySecret(secret) !== undefined,
    createSessionCheck(dashboard, () => config.server.cors_origins));
  let publicUrl = '';
  let listening = { host: '', port: 0 };
  const adminDeps: AdminDeps = {
    host, bus, keys, usage, sqlite: db.sqlite, audit: createAuditRepo(db), log, http, auth: dashboard, adminCheck,
    // drizzle is made when the admin API first needs it, not at start-up.
    get db() {
      return db.db;
    },
    accounts: () => oauth.repo, accountsChanged: async () => void (await reload()),
    trustedProxies: loadTrustedProxies(env), version: VERSION, startedAt, dataDir, configFile, env,
    now: o.now ?? Date.now, config: () => config, reload: () => reload(), lastReloadError: () => reloadError, publicUrl: () => publicUrl, listening: () => listening,
  };
  // The admin's bus listeners start now; the admin API and the rest of the shell on first use.
  const recorders = createAdminRecorders(bus, adminDeps.now);
  const corsOrigins = () => config.server.cors_origins;
  const laneDeps = { dispatch, host, corsOrigins };
  const lane = createGatewayLane(laneDeps);
  const health: HealthSource = { version: VERSION, startedAt, lastReloadError: () => reloadError };
  const metrics = createPluginApi({ host, adminCheck });
  const shell = createLazyShell(async () => {
    const [{ createAdminApi }, { createApp }] = await Promise.all([import('./admin/admin-api.ts'), import('./create-app.ts')]);
    const admin = createAdminApi(adminDeps, recorders, oauth.publicRoutes);
    const app = createApp({
      adminApi: admin.app,
      dispatch, host, version: VERSION, corsOrigins, adminCheck,
      health,
      webDist: join(import.meta.dir, '../../web/dist'),
      coreApi: oauth.adminRoutes, publicApi: oauth.publicRoutes,
    });
    // Elysia handlers read the server (client IPs) from here; it was not started by `listen`.
    app.server = server as unknown as typeof app.server;
    return { handle: (r) => app.handle(r), close: () => admin.close() };
  });
  const idle = createIdleCollector({ inflight: () => host.inflight() });
  const sockets = createResponsesSocket({
    dispatch: (request, ip) => lane.fetch(request, { requestIP: () => (ip ? { address: ip } : null) }),
    // The client key is checked as a gateway call checks it: a model list with the upgrade's headers.
    refuse: async (request) => {
      const probe = await lane.fetch(new Request(new URL('/v1/models', request.url), { headers: request.headers }), null);
      return probe.status === 401 || probe.status === 403 ? probe : undefined;
    },
  });
  const server = listen<ResponsesSocketData>({
    hostname: o.host ?? config.server.host,
    port: o.port ?? config.server.port,
    idleTimeout: 0,
    // Never Bun's development error pages (they show stacks), never a shared port.
    development: false,
    reusePort: false,
    // A hard ceiling only: routes apply their own limits (from the live config) and answer
    // 413 in the client's dialect before reading the body.
    maxRequestBodySize: 1024 * 1024 * 1024,
    // Gateway lanes skip the Elysia shell entirely; everything else goes through it.
    websocket: sockets.websocket,
    fetch: (request, srv) => {
      bus.flush();
      idle.touch();
      if (isResponsesUpgrade(request)) return sockets.upgrade(request, srv);
      if (isGatewayUrl(request.url)) return lane.fetch(request, srv);
      // Monitors' polls (health checks, Prometheus scrapes) are answered without the Elysia shell.
      if (isHealthCheck(request)) return screenRequest(laneDeps, request, srv) ?? Response.json(healthReport(health, host));
      if (isMetricsScrape(request)) return screenRequest(laneDeps, request, srv) ?? metrics(request);
      const meant = lane.unprefixed(request);
      // The rebuilt request has no socket of its own: its client address is the original's.
      return meant ? lane.fetch(meant, { requestIP: () => srv.requestIP(request) }) : shell.fetch(request);
    },
  });

  let syncPluginWatch = () => {};
  /** Set by `stop`: no reload starts after it, and one that was reading the file goes no further. */
  let stopping: Promise<void> | undefined;
  const reloadOnce = async (): Promise<ConfigError | undefined> => {
    const r = await loadConfig(configFile, env, { refuseEmpty: true });
    if (stopping) return undefined;
    let error: ConfigError | undefined = r.ok ? undefined : r.error;
    if (r.ok) {
      try {
        const nextProviders = withDashboardKeys(oauth.withStoredAccounts(resolveProviders(r.config, presets)), oauth.repo, oauth.registerSecret);
        const prev = providers;
        const edited = r.raw !== servingText;
        await host.reload(r.config, nextProviders);
        const notice = restartNotice(config, r.config, { listening: publicUrl, overridden: o });
        if (notice) log.warn(notice);
        config = r.config;
        servingText = r.raw;
        providers = nextProviders;
        configSecrets = r.secrets;
        log.setSecrets([...configSecrets, ...oauth.secrets()]);
        log.setLevel(r.config.logging.level);
        const diff = diffProviders(prev, nextProviders);
        // A changed file says it was taken, so whoever edited it sees it serve.
        if (edited) log.info(reloadedLine(host.current.generation, diff));
        bus.emit('config:reloaded', { generation: host.current.generation, ...diff });
      } catch (e) {
        error = { file: configFile, message: e instanceof Error ? e.message : String(e) };
      }
    }
    syncPluginWatch();
    if (error) {
      reloadError = { ...error, at: Date.now() };
      log.error(`config rejected, the previous config keeps serving: ${formatConfigError(error)}`);
      bus.emit('config:rejected', error);
    } else {
      reloadError = undefined;
    }
    return error;
  };
  // One reload at a time, and one more after it for everything asked meanwhile (it reads the file
  // then): two quick edits, the second restoring the text the first replaced, never leave the
  // first serving, and a slow success never clears the error of a later failure.
  let running: Promise<ConfigError | undefined> | undefined;
  let queued: Promise<ConfigError | undefined> | undefined;
  const reload = (): Promise<ConfigError | undefined> => {
    if (stopping) return Promise.resolve(undefined);
    if (!running) {
      running = reloadOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    return (queued ??= running.then(() => {
      queued = undefined;
      return reload();
    }));
  };
  const debounce = o.watchDebounceMs ?? 150;
  // A write that leaves the text as it is serving (the dashboard's editor writes, then reloads
  // itself; editors that save unchanged files) reloads nothing, unless the last reload failed.
  // The text is compared once no reload runs: the running one may be loading this very text
  // (the editor's), or one that a later write has replaced.
  const onConfigFile = (): void => {
    if (running) {
      void running.then(onConfigFile, onConfigFile);
      return;
    }
    let text: string | undefined;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch {
      // gone or unreadable: the reload reports it
    }
    if (text !== servingText || reloadError) void reload();
  };
  const stopWatch = watchConfig(configFile, onConfigFile, { debounceMs: debounce });
  const dropInDir = join(dataDir, 'plugins');
  mkdirSync(dropInDir, { recursive: true, mode: 0o700 });
  // Plugin code: the drop-in folder and every file a drop-in or listed plugin imports, re-aimed
  // after each reload (an edit may add or drop an import).
  const pluginWatch = watchPaths(() => void reload(), debounce);
  syncPluginWatch = () => void pluginWatch.set(pluginWatchTargets(dropInDir, host.sourceFiles()));
  syncPluginWatch();

  /** When `stop` gives up waiting for requests in flight; a second `stop` may move it nearer. */
  let deadline = Infinity;
  async function stopNow(): Promise<void> {
    stopWatch();
    pluginWatch.close();
    void server.stop(false);
    idle.stop();
    while (host.inflight() > 0 && Date.now() < deadline) await Bun.sleep(20);
    if (host.inflight() > 0) {
      // Past the grace: what is still running ends with an error in its client's dialect (an
      // error event on a stream), not a connection reset, and its usage row says why.
      sweeper.endAll(new GatewayError('GW_UNAVAILABLE', 'The gateway is shutting down.', { retryable: true }));
      const flushBy = Date.now() + END_FLUSH_MS;
      while (host.inflight() > 0 && Date.now() < flushBy) await Bun.sleep(10);
    }
    await server.stop(true);
    // A reload that was setting plugins up finishes first (host.close waits for it), so the
    // instances it made are disposed below rather than left half-made.
    await running?.catch(() => undefined);
    bus.flush(); // the last requests' events, before the plugins that listen are disposed
    retention.stop();
    usage.close();
    clearTimeout(accountsTimer);
    shell.close();
    recorders.close();
    oauth.close();
    await host.close();
    if (!o.http) http.close?.();
    db.close();
    log.close();
  }

  const port = server.port ?? 0;
  const hostname = o.host ?? config.server.host;
  publicUrl = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  listening = { host: hostname, port };
  return {
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
    port, dataDir, configFile, host, bus, keys, usage, log, reload, adminToken, oauth, dashboard, retention,
    lastReloadError: () => reloadError,
    config: () => config,
    stop(graceMs = config.server.shutdown_grace_ms) {
      deadline = Math.min(deadline, Date.now() + graceMs);
      return (stopping ??= stopNow());
    },
  };
}

/** `Bun.serve`, whose errors ("EINVAL: invalid argument, listen") then name the address it could not listen on. */
function listen<T>(options: Bun.Serve.Options<T> & { hostname: string; port: number }): Bun.Server<T> {
  try {
    return Bun.serve(options);
  } catch (e) {
    const host = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
    throw new Error(`cannot listen on ${host}:${options.port}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `config reloaded (generation 4): providers added: groq; changed: openai` (the provider part only when some changed). */
function reloadedLine(generation: number, diff: { added: string[]; changed: string[]; removed: string[] }): string {
  const parts = (['added', 'changed', 'removed'] as const).filter((k) => diff[k].length > 0).map((k) => `${k}: ${diff[k].join(', ')}`);
  return `config reloaded (generation ${generation})${parts.length ? `: providers ${parts.join('; ')}` : ''}`;
}

function diffProviders(a: ReadonlyMap<string, ProviderRuntime>, b: ReadonlyMap<string, ProviderRuntime>) {
  const added = [...b.keys()].filter((k) => !a.has(k));
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const changed = [...b.keys()].filter((k) => a.has(k) && JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)));
  return { added, changed, removed };
}

