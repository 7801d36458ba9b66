import { dirname, join, resolve } from 'node:path';
import type { Bus } from '../bus/bus.ts';
import type { GatewayConfig, PluginEntry } from '../config/schema.ts';
import type { Logger } from '../log/logger.ts';
import { expandHome } from '../util/expand-home.ts';
import { apiRouteProblem } from './api-route-problem.ts';
import { loadOtherPlugins } from './load-other-plugins.ts';
import { findBuiltinPlugins, findDropIns, loadPluginModule, type LoadedModule, type PluginSource } from './load-plugin-module.ts';
import { createPluginInstance, errorText, type PluginInstance } from './plugin-instance.ts';
import { resolveWanted, type Wanted } from './resolve-wanted.ts';
import { compileRoutes, type RouteTable } from './route-table.ts';
import { buildSnapshot, type Snapshot } from './snapshot.ts';
import type { ApiRoute, HostServices, ProviderRuntime } from './types.ts';

export interface PluginStatus {
  name: string;
  kind: string;
  source: string;
  state: 'active' | 'errored' | 'disabled';
  error?: string;
  hooks: string[];
  provides: string[];
}

export interface PluginHostOptions {
  bus: Bus;
  log: Logger;
  services: HostServices;
  dataDir: string;
  /** Folder of drop-in plugins (default `<data-dir>/plugins`). */
  dropInDir?: string;
  /** Config file path: relative plugin paths resolve against its folder. */
  configFile: string;
  setupTimeoutMs?: number;
  /** Longest wait for a drop-in or listed module to load (default 10 s). */
  loadTimeoutMs?: number;
  builtinRoot?: string;
  /**
   * Masks secrets in error text before it is kept in a plugin's status (public in
   * `/api/health`) or sent with `plugin:errored`: a config error may quote an env value.
   */
  redact?: (text: string) => string;
  /**
   * The core's own `/api` routes. A plugin `api` route one of them answers first, or one outside
   * `/api/*` and `GET /metrics`, is left out and reported as the plugin's error (the plugin keeps
   * serving the rest).
   */
  reservedApiRoutes?: ReadonlyArray<{ method: string; path: string }>;
}

/**
 * The plugin host: turns config + plugin code into registry snapshots and swaps them in.
 *
 * A reload is transactional per plugin: a plugin whose new code or config fails to load or set
 * up keeps its previous instance serving (or is left out if it is new), its error is shown in
 * `status()`, and every other plugin moves on. Unchanged plugins (same code hash and config)
 * keep their instance, and their state, across reloads.
 */
export class PluginHost {
  private snapshot: Snapshot | undefined;
  private generation = 0;
  private statuses = new Map<string, PluginStatus>();
  private builtinModules: Map<string, LoadedModule> | undefined;
  /** Plugin name by where its code runs from, for every module loaded so far (old bundles too: their timers may still fire). */
  private readonly owners = new Map<string, string>();
  /** `ctx.keep` values by plugin name: state a plugin keeps across its reloads. */
  private readonly kept = new Map<string, unknown>();
  private inputs = new Map<string, string[]>();
  private readonly retiring = new Set<Snapshot>();
  private chain: Promise<unknown> = Promise.resolve();
  private busy = 0;
  private closed = false;
  private readonly reserved: RouteTable<string>;

  constructor(private readonly o: PluginHostOptions) {
    this.reserved = compileRoutes((o.reservedApiRoutes ?? []).map((r) => ({ ...r, value: `${r.method} ${r.path}` })));
  }

  /** The current snapshot. Throws before the first `reload`. */
  get current(): Snapshot {
    if (!this.snapshot) throw new Error('plugin host not started');
    return this.snapshot;
  }

  /** Takes the current snapshot for one request; pair with `release`. */
  acquire(): Snapshot {
    const s = this.current;
    s.inflight++;
    this.busy++;
    return s;
  }

  /** One more hold on a snapshot already acquired (released separately). */
  retain(s: Snapshot): void {
    s.inflight++;
    this.busy++;
  }

  /** Requests in flight across all snapshots (graceful shutdown waits for 0). */
  inflight(): number {
    return this.busy;
  }

  /** Ends a request's hold on a snapshot; a retired snapshot with no requests left is disposed. */
  release(s: Snapshot): void {
    s.inflight--;
    this.busy--;
    if (s.inflight <= 0 && this.retiring.has(s)) this.disposeWhenHeard(s);
  }

  /**
   * The plugin whose code is nearest the top of `stack` (an error's stack), if any: who to blame
   * for an error that escaped on its own (a stray rejection, a throwing timer).
   */
  ownerOf(stack: string): string | undefined {
    let best: string | undefined;
    let at = Infinity;
    for (const [path, name] of this.owners) {
      const i = stack.indexOf(path);
      if (i !== -1 && i < at) {
        at = i;
        best = name;
      }
    }
    return best;
  }

  status(): PluginStatus[] {
    return [...this.statuses.values()];
  }

  /** Builds and swaps in a new snapshot. Reloads are serialized. Rejects once `close` was called. */
  reload(config: GatewayConfig, providers: ReadonlyMap<string, ProviderRuntime>): Promise<Snapshot> {
    const run = this.chain.then(() => {
      if (this.closed) throw new Error('the plugin host is closed (shutting down)');
      return this.doReload(config, providers);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Disposes every instance (shutdown). A reload already running is waited for first (its
   * setups are bounded by the setup timeout), so an instance it sets up is disposed too instead
   * of being left half-made; reloads asked for after `close` reject.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    const all = new Set<PluginInstance>(this.snapshot?.instances ?? []);
    for (const s of this.retiring) for (const i of s.instances) all.add(i);
    for (const i of all) await i.dispose();
  }

  private async doReload(config: GatewayConfig, providers: ReadonlyMap<string, ProviderRuntime>): Promise<Snapshot> {
    const previous = this.snapshot;
    const wanted = await this.resolveWanted(config);
    for (const w of wanted) if (w.module) this.owners.set(w.module.runsFrom, w.name);
    const statuses = new Map<string, PluginStatus>();
    const instances: PluginInstance[] = [];
    const oldByName = new Map((previous?.instances ?? []).map((i) => [i.name, i]));
    const generation = ++this.generation;

    for (const w of wanted) {
      const old = oldByName.get(w.name);
      const inst = await this.instantiate(w, old, statuses);
      if (inst) instances.push(inst);
    }
    for (const [name, st] of this.disabledStatuses(config)) if (!statuses.has(name)) statuses.set(name, st);

    const next = buildSnapshot(generation, config, instances, providers);
    this.snapshot = next;
    this.statuses = statuses;
    for (const inst of instances) {
      if (inst !== oldByName.get(inst.name)) {
        this.o.bus.emit('plugin:loaded', { name: inst.name, kind: inst.plugin.kind, source: inst.source, generation });
      }
    }
    if (previous) this.retire(previous, new Set(instances));
    return next;
  }

  private async instantiate(w: Wanted, old: PluginInstance | undefined, statuses: Map<string, PluginStatus>) {
    const kind = w.module?.plugin.kind ?? 'unknown';
    const source = `${w.source.origin}:${w.source.file}`;
    const fail = (raw: string): PluginInstance | undefined => {
      const error = this.o.redact ? this.o.redact(raw) : raw;
      this.o.log.error(`plugin ${w.name} failed`, { error });
      this.o.bus.emit('plugin:errored', { name: w.name, phase: w.module ? 'setup' : 'load', error });
      const kept = old && old.state === 'active' ? old : undefined;
      statuses.set(w.name, {
        ...describe(kept, w.name, kind, source), state: 'errored',
        error: kept ? `${error} (previous version still serving)` : error,
      });
      return kept;
    };
    if (!w.module) return fail(w.loadError ?? 'not found');
    const key = `${w.module.hash}|${stableJson(w.config)}`;
    if (old && old.key === key && old.state === 'active') {
      statuses.set(w.name, describe(old, w.name, kind, source));
      return old;
    }
    try {
      const inst = await createPluginInstance({
        plugin: w.module.plugin, name: w.name, source, key, rawConfig: w.config, bus: this.o.bus,
        log: this.o.log, host: this.o.services, setupTimeoutMs: this.o.setupTimeoutMs ?? 5_000, kept: this.kept,
      });
      this.dropUnreachableApiRoutes(inst);
      statuses.set(w.name, describe(inst, w.name, kind, source));
      return inst;
    } catch (err) {
      return fail(errorText(err));
    }
  }

  /**
   * Removes the instance's `api` routes that could never be reached and keeps why in
   * `inst.error` (its status shows it on every later reload too), reported once with `plugin:errored`.
   */
  private dropUnreachableApiRoutes(inst: PluginInstance): void {
    const problems: string[] = [];
    for (let i = inst.provides.length - 1; i >= 0; i--) {
      const p = inst.provides[i];
      const problem = p.kind === 'api' ? apiRouteProblem(p.impl as ApiRoute, this.reserved) : undefined;
      if (!problem) continue;
      problems.unshift(problem);
      inst.provides.splice(i, 1);
    }
    if (problems.length === 0) return;
    const error = `${problems.join('; ')} (route left out)`;
    inst.error = error;
    this.o.log.error(`plugin ${inst.name}: ${error}`);
    this.o.bus.emit('plugin:errored', { name: inst.name, phase: 'setup', error });
  }

  /** The plugins to run, in hook order (see `resolveWanted` for who owns a name). */
  private async resolveWanted(config: GatewayConfig): Promise<Wanted[]> {
    const builtins = await this.loadBuiltins();
    const listed = parseEntries(config.plugins);
    const fileOf = (ref: string) => resolve(dirname(this.o.configFile), expandHome(ref));
    const sources: PluginSource[] = [
      ...listed.filter((e) => e.config !== false && looksLikePath(e.ref)).map((e) => ({ origin: 'path' as const, file: fileOf(e.ref) })),
      ...findDropIns(this.o.dropInDir ?? join(this.o.dataDir, 'plugins')),
    ];
    const { plugins, inputs } = await loadOtherPlugins(sources, {
      cacheDir: join(this.o.dataDir, '.cache', 'plugins'), timeoutMs: this.o.loadTimeoutMs, previousInputs: this.inputs,
    });
    this.inputs = inputs;
    return resolveWanted({ listed, isPath: looksLikePath, fileOf, builtins, others: plugins });
  }

  /**
   * The files whose change should reload plugins: every drop-in and listed plugin file with the
   * project files it imports (npm packages and built-ins left out), as of the last reload.
   */
  sourceFiles(): string[] {
    return [...new Set([...this.inputs.values()].flat())];
  }

  private async loadBuiltins(): Promise<Map<string, LoadedModule>> {
    if (this.builtinModules) return this.builtinModules;
    const map = new Map<string, LoadedModule>();
    const sources = findBuiltinPlugins(this.o.builtinRoot);
    const loaded = await Promise.all(sources.map(async (s) => {
      try {
        return [s.file, await loadPluginModule(s, '')] as const;
      } catch (err) {
        const error = this.o.redact ? this.o.redact(errorText(err)) : errorText(err);
        this.o.log.error('built-in plugin failed to load', { file: s.file, error });
        this.o.bus.emit('plugin:errored', { name: s.file, phase: 'load', error });
        return undefined;
      }
    }));
    for (const l of loaded) if (l) map.set(l[0], l[1]);
    this.builtinModules = map;
    return map;
  }

  private disabledStatuses(config: GatewayConfig): Map<string, PluginStatus> {
    const out = new Map<string, PluginStatus>();
    for (const e of parseEntries(config.plugins)) {
      if (e.config !== false) continue;
      const m = [...(this.builtinModules?.values() ?? [])].find((b) => b.plugin.name === e.ref);
      out.set(e.ref, { name: e.ref, kind: m?.plugin.kind ?? 'unknown', source: 'config', state: 'disabled', hooks: [], provides: [] });
    }
    return out;
  }

  private retire(s: Snapshot, keep: Set<PluginInstance>): void {
    const doomed = s.instances.filter((i) => !keep.has(i));
    if (doomed.length === 0) return;
    (s as Snapshot & { doomed?: PluginInstance[] }).doomed = doomed;
    this.retiring.add(s);
    if (s.inflight <= 0) this.disposeWhenHeard(s);
  }

  /**
   * Disposes a retired snapshot's plugins once the events held on the bus reached them: they
   * still hear the end of the requests they saw begin (the last request's terminal event is
   * emitted just before it releases the snapshot).
   */
  private disposeWhenHeard(s: Snapshot): void {
    this.o.bus.whenDelivered(() => void this.disposeRetired(s));
  }

  private async disposeRetired(s: Snapshot): Promise<void> {
    if (!this.retiring.delete(s)) return;
    const doomed = (s as Snapshot & { doomed?: PluginInstance[] }).doomed ?? [];
    const live = new Set(this.snapshot?.instances ?? []);
    const serving = new Set([...live].map((i) => i.name));
    for (const i of doomed) if (!live.has(i)) await i.dispose(serving.has(i.name));
  }
}

function describe(inst: PluginInstance | undefined, name: string, kind: string, source: string): PluginStatus {
  return {
    name, kind, source, state: inst?.error ? 'errored' : 'active', error: inst?.error,
    hooks: [...new Set(inst?.hooks.map((h) => h.point) ?? [])],
    provides: inst?.provides.map((p) => `${p.kind}:${providedId(p.impl)}`) ?? [],
  };
}

function providedId(impl: unknown): string {
  const o = impl as { id?: string; dialect?: string; path?: string };
  return o.id ?? o.dialect ?? o.path ?? '?';
}

/** The `plugins:` list as `{ref, config}` pairs (`ref` a name or a path; `config` false when switched off). */
export function parseEntries(list: PluginEntry[]): Array<{ ref: string; config: unknown }> {
  return list.map((e) => {
    if (typeof e === 'string') return { ref: e, config: undefined };
    const [ref, config] = Object.entries(e)[0];
    return { ref, config };
  });
}

/** True for a `plugins:` entry that names a file rather than a plugin. */
export function looksLikePath(ref: string): boolean {
  return ref.startsWith('.') || ref.startsWith('/') || ref.startsWith('~/') || /\.(ts|js|mjs)$/.test(ref);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val) ?? '';
}
