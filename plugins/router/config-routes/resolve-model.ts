import type { ProviderRuntime, Target } from '../../../core/plugin/types.ts';
import { isModelGlob, modelGlobRegExp } from '../../../core/util/model-glob.ts';

export interface RoutingTables {
  providers: ReadonlyMap<string, ProviderRuntime>;
  aliases: Readonly<Record<string, string>>;
  combos: Readonly<Record<string, { strategy: string; models: string[] }>>;
}

export interface Resolved {
  targets: Target[];
  /** The combo or alias the name went through, if any. */
  via?: string;
  strategy?: string;
  /** The combo whose strategy (and `options`) applies; also set when an alias names a combo. */
  combo?: string;
}

/**
 * Resolves a requested model name to ordered `provider/model` targets (accounts not yet
 * expanded). Accepted forms: `provider/model` (any model of a configured provider),
 * an alias, a combo (its entries resolved recursively: `provider/model`, `provider/*` = every
 * listed model of that provider, aliases, other combos), a bare model name that some
 * provider lists, or, last, the first alias whose name is a glob matching it (`claude-*`,
 * `*`: the names a tool insists on). Unknown names resolve to no targets.
 *
 * Globs apply only to the name the client sent. The config's own references (an alias target,
 * a combo entry) are exact: one on a disabled provider resolves to nothing, so a catch-all
 * glob never takes its place in a fallback order.
 */
export function resolveModel(name: string, t: RoutingTables): Resolved {
  return resolve(name, t, new Set<string>(), true);
}

function resolve(name: string, t: RoutingTables, seen: Set<string>, clientName: boolean): Resolved {
  if (seen.has(name)) return { targets: [] };
  seen.add(name);
  const combo = t.combos[name];
  if (combo) {
    const targets = combo.models.flatMap((m) => resolve(m, t, seen, false).targets);
    return { targets: dedupe(targets), via: name, strategy: combo.strategy, combo: name };
  }
  const alias = t.aliases[name];
  if (alias !== undefined) return { ...resolve(alias, t, seen, false), via: name };
  const slash = name.indexOf('/');
  if (slash > 0) {
    const provider = t.providers.get(name.slice(0, slash));
    if (provider) {
      const model = name.slice(slash + 1);
      if (model === '*') return { targets: provider.models.map((m) => ({ provider: provider.name, model: m })) };
      if (model) return { targets: [{ provider: provider.name, model }] };
    }
  }
  const targets: Target[] = [];
  for (const p of t.providers.values()) if (p.models.includes(name)) targets.push({ provider: p.name, model: name });
  if (targets.length > 0 || !clientName) return { targets };
  for (const g of globAliases(t.aliases)) {
    if (g.re.test(name)) return { ...resolve(g.target, t, seen, false), via: g.glob };
  }
  return { targets };
}

/** The aliases whose names are globs, compiled once per aliases object (a config generation). */
const compiled = new WeakMap<object, Array<{ glob: string; re: RegExp; target: string }>>();
function globAliases(aliases: Readonly<Record<string, string>>): Array<{ glob: string; re: RegExp; target: string }> {
  let list = compiled.get(aliases);
  if (!list) {
    list = Object.entries(aliases).filter(([name]) => isModelGlob(name)).map(([glob, target]) => ({ glob, re: modelGlobRegExp(glob), target }));
    compiled.set(aliases, list);
  }
  return list;
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((x) => {
    const k = `${x.provider}/${x.model}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** One target per account, highest priority first (stable for equal priority). */
export function expandAccounts(targets: Target[], providers: ReadonlyMap<string, ProviderRuntime>): Target[] {
  const out: Target[] = [];
  for (const t of targets) {
    const p = providers.get(t.provider);
    if (!p || p.accounts.length === 0) {
      out.push(t);
      continue;
    }
    const ordered = [...p.accounts].sort((a, b) => b.priority - a.priority);
    for (const a of ordered) out.push({ ...t, account: a.id });
  }
  return out;
}
