import type { GatewayConfig } from '../config/schema.ts';
import type { HookEntry, PluginInstance } from './plugin-instance.ts';
import type {
  ApiRoute, Authenticator, HookName, HookPoints, ProviderAdapter, ProviderRuntime, RequestGuard, RouteSpec, Translator,
} from './types.ts';
import { compileRoutes, type RouteTable } from './route-table.ts';

/** A hook function with the plugin that registered it (for error reports and failMode). */
export interface BoundHook<P extends HookName> {
  fn: HookPoints[P];
  owner: PluginInstance;
}

/**
 * An immutable registry snapshot: config, plugin instances in hook order, capabilities by id
 * and the route table. The host swaps snapshots by one pointer; a request keeps the one it
 * started with. `inflight` counts the requests holding it, so replaced instances are disposed
 * only once they finish.
 */
export interface Snapshot {
  readonly generation: number;
  readonly config: GatewayConfig;
  readonly instances: readonly PluginInstance[];
  readonly hooks: { readonly [P in HookName]: ReadonlyArray<BoundHook<P>> };
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly translators: readonly Translator[];
  readonly routes: RouteTable<{ translator: Translator; spec: RouteSpec }>;
  readonly apiRoutes: RouteTable<ApiRoute>;
  readonly authenticator?: Authenticator;
  /** Request guards in plugin order; a request must pass every one. */
  readonly requestGuards: readonly RequestGuard[];
  readonly providers: ReadonlyMap<string, ProviderRuntime>;
  inflight: number;
}

const HOOK_NAMES: HookName[] = ['beforeRequest', 'selectRoute', 'wrapCall', 'transformPart', 'afterResponse'];
const ORDER_RANK = { pre: 0, normal: 1, post: 2 } as const;

/** Builds a snapshot from ordered live instances. Later capabilities with the same id win. */
export function buildSnapshot(
  generation: number,
  config: GatewayConfig,
  instances: PluginInstance[],
  providers: ReadonlyMap<string, ProviderRuntime>,
): Snapshot {
  const live = instances.filter((i) => i.state === 'active');
  const hooks = {} as { [P in HookName]: Array<BoundHook<P>> };
  for (const name of HOOK_NAMES) {
    const entries: HookEntry[] = [];
    for (const inst of live) for (const h of inst.hooks) if (h.point === name) entries.push(h);
    // Stable sort keeps plugin order within the same `order` rank.
    entries.sort((a, b) => ORDER_RANK[a.order] - ORDER_RANK[b.order]);
    (hooks as Record<HookName, unknown[]>)[name] = entries.map((e) => ({ fn: e.fn, owner: e.owner }));
  }

  const adapters = new Map<string, ProviderAdapter>();
  const translators: Translator[] = [];
  const apiRoutes: ApiRoute[] = [];
  let authenticator: Authenticator | undefined;
  const requestGuards: RequestGuard[] = [];
  for (const inst of live) {
    for (const p of inst.provides) {
      if (p.kind === 'provider') adapters.set((p.impl as ProviderAdapter).id, p.impl as ProviderAdapter);
      else if (p.kind === 'translator' || p.kind === 'endpoint') translators.push(p.impl as Translator);
      else if (p.kind === 'api') apiRoutes.push(p.impl as ApiRoute);
      else if (p.kind === 'authenticator') authenticator = p.impl as Authenticator;
      else if (p.kind === 'requestGuard') requestGuards.push(p.impl as RequestGuard);
    }
  }
  const routes = compileRoutes(
    translators.flatMap((translator) => translator.routes.map((spec) => ({ method: spec.method, path: spec.path, header: spec.header, value: { translator, spec } }))),
  );
  const api = compileRoutes(apiRoutes.map((r) => ({ method: r.method, path: r.path, value: r })));
  return {
    generation, config, instances: live, hooks, adapters, translators, routes, apiRoutes: api, authenticator, requestGuards,
    providers: withDefaultModels(providers, adapters),
    inflight: 0,
  };
}

/** The providers, each that lists no model given its adapter's `defaultModels` (the same map when none is). */
function withDefaultModels(
  providers: ReadonlyMap<string, ProviderRuntime>,
  adapters: ReadonlyMap<string, ProviderAdapter>,
): ReadonlyMap<string, ProviderRuntime> {
  const fill = (p: ProviderRuntime) => (p.models.length === 0 ? adapters.get(p.type)?.defaultModels : undefined);
  if (![...providers.values()].some(fill)) return providers;
  return new Map([...providers].map(([name, p]) => {
    const models = fill(p);
    return [name, models ? { ...p, models: [...models] } : p];
  }));
}
