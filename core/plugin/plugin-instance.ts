import * as v from 'valibot';
import type { Bus } from '../bus/bus.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../log/logger.ts';
import { withTimeout } from '../util/with-timeout.ts';
import type {
  Capabilities, Dispose, HookName, HookPoints, HostServices, Plugin, PluginContext,
} from './types.ts';

/** A hook registration, owned by one plugin instance. */
export interface HookEntry<P extends HookName = HookName> {
  point: P;
  fn: HookPoints[P];
  order: 'pre' | 'normal' | 'post';
  owner: PluginInstance;
}

export type PluginState = 'active' | 'errored' | 'disposed';

/**
 * One set-up plugin: its registrations (hooks, capabilities, listeners) and teardown.
 * Everything a plugin registers goes through its context, so disposing the instance removes it all.
 */
export interface PluginInstance {
  readonly name: string;
  readonly plugin: Plugin<unknown>;
  /** `builtin:<path>`, `drop-in:<path>` or `path:<path>`. */
  readonly source: string;
  /** Hash of the code that made it plus its config; equal keys mean "reuse on reload". */
  readonly key: string;
  readonly hooks: HookEntry[];
  readonly provides: Array<{ kind: keyof Capabilities; impl: Capabilities[keyof Capabilities] }>;
  state: PluginState;
  error?: string;
  /** `serving`: another instance of the plugin serves on (told in `plugin:disposed`). */
  dispose(serving?: boolean): Promise<void>;
}

export interface InstanceOptions {
  plugin: Plugin<unknown>;
  name: string;
  source: string;
  key: string;
  rawConfig: unknown;
  bus: Bus;
  log: Logger;
  host: HostServices;
  setupTimeoutMs: number;
  /** What instances keep across reloads (`ctx.keep`), by plugin name; owned by the host. */
  kept?: Map<string, unknown>;
}

/**
 * Validates the plugin's config, runs its setup with a timeout and returns the instance.
 * Throws an Error naming the plugin and phase when config or setup fail; whatever the plugin
 * registered before failing is removed.
 */
export async function createPluginInstance(o: InstanceOptions): Promise<PluginInstance> {
  const config = parsePluginConfig(o.plugin, o.name, o.rawConfig);
  const abort = new AbortController();
  const disposers: Dispose[] = [];
  const unsubscribers: Array<() => void> = [];
  const hooks: HookEntry[] = [];
  const provides: PluginInstance['provides'] = [];
  let disposed = false;

  const instance: PluginInstance = {
    name: o.name, plugin: o.plugin, source: o.source, key: o.key, hooks, provides, state: 'active',
    async dispose(serving = false) {
      if (disposed) return;
      disposed = true;
      instance.state = 'disposed';
      abort.abort();
      for (const off of unsubscribers) off();
      for (const fn of disposers.reverse()) {
        try {
          await fn();
        } catch (err) {
          o.bus.emit('plugin:errored', { name: o.name, phase: 'dispose', error: errorText(err) });
        }
      }
      o.bus.emit('plugin:disposed', { name: o.name, serving });
    },
  };

  const log = o.log.child({ plugin: o.name });
  /** The prefix of the events this plugin may emit. */
  const ownEvents = `${o.name}:`;
  const extra = unknownSettings(o.plugin, o.rawConfig).unknown;
  if (extra.length > 0) log.warn(`unknown setting${extra.length > 1 ? 's' : ''} ignored: ${extra.join(', ')} (a typo?)`);
  const ctx: PluginContext<unknown> = {
    name: o.name,
    config: Object.freeze(config),
    log,
    signal: abort.signal,
    host: o.host,
    // After disposal (a setup that went on past its timeout) nothing registers any more.
    hook(point, fn, opts) {
      if (!disposed) hooks.push({ point, fn, order: opts?.order ?? 'normal', owner: instance } as HookEntry);
    },
    on(type, fn) {
      if (!disposed) unsubscribers.push(o.bus.on(type, fn, o.name));
    },
    onAny(fn) {
      if (!disposed) unsubscribers.push(o.bus.onAny(fn, o.name));
    },
    // Core events and other plugins' are facts only their owner states: a forged
    // `response:completed` would be counted by every usage observer.
    emit(type, e) {
      if (!type.startsWith(ownEvents)) {
        throw new Error(`plugin ${o.name} may emit only its own events ("${o.name}:…"), not "${type}"`);
      }
      o.bus.emit(type, e);
    },
    provide(kind, impl) {
      if (!disposed) provides.push({ kind, impl });
    },
    error(code, message, status, init) {
      return new GatewayError(code, message, { ...init, status });
    },
    onDispose(fn) {
      if (disposed) runLate(fn);
      else disposers.push(fn);
    },
    keep<T>(make: () => T): T {
      const kept = (o.kept ??= new Map());
      if (!kept.has(o.name)) kept.set(o.name, make());
      return kept.get(o.name) as T;
    },
  };
  /** A disposer handed over after disposal (a setup past its timeout) runs at once. */
  const runLate = (fn: Dispose): void => {
    Promise.resolve().then(fn).catch((err: unknown) => o.bus.emit('plugin:errored', { name: o.name, phase: 'dispose', error: errorText(err) }));
  };

  const setup = (async () => o.plugin.setup(ctx))(); // a synchronous throw becomes a rejection
  try {
    const ret = await withTimeout(setup, o.setupTimeoutMs, `setup of ${o.name} did not finish within ${o.setupTimeoutMs} ms`);
    if (typeof ret === 'function') disposers.push(ret);
  } catch (err) {
    // It never served: whatever serves under its name (the previous instance, if any) goes on.
    await instance.dispose(true);
    // A setup that finishes after all hands back its disposer: it runs then.
    setup.then((ret) => typeof ret === 'function' && runLate(ret), () => undefined);
    throw new Error(`plugin ${o.name}: setup failed: ${errorText(err)}`);
  }
  return instance;
}

/**
 * The settings in `raw` that a plugin's schema does not name (its top-level keys, for an object
 * schema or a pipe that starts with one). Valibot drops them silently, so they are mostly typos:
 * the host logs them when the plugin starts, `switchyard check` reports them. Empty when the
 * schema takes any keys.
 */
export function unknownSettings(plugin: Plugin<unknown>, raw: unknown): { unknown: string[]; known: string[] } {
  const known = objectKeys(plugin.config);
  if (!known || !raw || typeof raw !== 'object' || Array.isArray(raw)) return { unknown: [], known: known ?? [] };
  return { unknown: Object.keys(raw).filter((k) => !known.includes(k)), known };
}

function objectKeys(schema: unknown): string[] | undefined {
  const s = schema as { type?: string; entries?: Record<string, unknown>; pipe?: unknown[] } | undefined;
  if (!s) return undefined;
  if ((s.type === 'object' || s.type === 'strict_object') && s.entries) return Object.keys(s.entries);
  if (Array.isArray(s.pipe) && s.pipe.length > 0 && s.pipe[0] !== s) return objectKeys(s.pipe[0]);
  return undefined;
}

/** A plugin's config parsed by its schema (defaults applied); throws naming the plugin and the first issue. */
export function parsePluginConfig(plugin: Plugin<unknown>, name: string, raw: unknown): unknown {
  if (!plugin.config) return raw ?? {};
  const r = v.safeParse(plugin.config, raw ?? {});
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = v.getDotPath(issue) ?? '';
  throw new Error(`plugin ${name}: invalid config${path ? ` at ${path}` : ''}: ${withoutReceived(issue.message)}`);
}

/**
 * A validation message without the value it quotes (valibot ends with `Received "…"` or `but
 * received …`): a plugin's config holds webhook URLs and tokens that no registered secret
 * covers, and this message reaches the log and the public `/api/health`.
 */
function withoutReceived(message: string): string {
  return message.replace(/:?\s*(?:but\s+)?received\b[\s\S]*$/i, '');
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
