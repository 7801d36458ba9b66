import { isModelGlob } from '../util/model-glob.ts';
import type { GatewayConfig } from './schema.ts';

/** One key of a path into the config document (`['combos', 'fast', 'models', 2]`). */
export type PathKey = string | number;

/** A semantic problem found after schema validation, located by its path in the YAML. */
export interface ConfigProblem {
  path: PathKey[];
  message: string;
  /** Point at the key of the last path element rather than at its value. */
  atKey?: boolean;
}

/** Provider names prefix model names (`groq/llama…`), so they stay URL- and log-safe. */
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const has = (o: object, k: string) => Object.hasOwn(o, k);

/**
 * Checks names and references that the schema cannot: provider, alias and combo names; that
 * every alias target and combo model is `provider/model`, `provider/*`, an alias or a combo
 * (with a configured provider); and that aliases and combos never refer to themselves through
 * a cycle. Returns the first problem, or undefined when the config is consistent.
 */
export function checkReferences(config: GatewayConfig): ConfigProblem | undefined {
  return checkNames(config) ?? checkTargets(config) ?? findCycle(config);
}

function checkNames(c: GatewayConfig): ConfigProblem | undefined {
  for (const name of Object.keys(c.providers)) {
    if (!PROVIDER_NAME.test(name)) {
      return { path: ['providers', name], atKey: true, message: `provider name "${name}" may use only letters, digits, ".", "_" and "-"` };
    }
  }
  for (const section of ['aliases', 'combos'] as const) {
    for (const name of Object.keys(c[section])) {
      // An alias named by a glob (`claude-*`, `anthropic/*`) catches names nothing else routes.
      const glob = section === 'aliases' && isModelGlob(name);
      if (name === '' || (name.includes('/') && !glob)) {
        return { path: [section, name], atKey: true, message: `name "${name}" must be non-empty and contain no "/" (that form means provider/model)` };
      }
      if (section === 'combos' && isModelGlob(name)) {
        return { path: [section, name], atKey: true, message: `combo name "${name}" may not contain "*" or "?" (globs are for aliases)` };
      }
    }
  }
  for (const name of Object.keys(c.combos)) {
    if (has(c.aliases, name)) return { path: ['combos', name], atKey: true, message: `"${name}" is both an alias and a combo` };
  }
  return undefined;
}

/** Why `target` is not a valid route target, or undefined when it is. */
export function targetProblem(target: string, c: GatewayConfig): string | undefined {
  const slash = target.indexOf('/');
  if (slash < 0) {
    return has(c.aliases, target) || has(c.combos, target)
      ? undefined
      : `"${target}" is not provider/model, provider/*, an alias or a combo`;
  }
  const provider = target.slice(0, slash);
  if (!provider || slash === target.length - 1) return `"${target}" must look like provider/model or provider/*`;
  if (!has(c.providers, provider)) return `"${target}" names an unknown provider "${provider}"`;
  return undefined;
}

/**
 * True when alias or combo `name` leads, through aliases and combos, to at least one
 * `provider/…` target of a provider `live` accepts (configured and enabled): the names a model
 * list may show. A `provider/…` target leads there when its provider is live.
 */
export function leadsToProvider(name: string, c: GatewayConfig, live: (provider: string) => boolean, seen = new Set<string>()): boolean {
  const slash = name.indexOf('/');
  if (slash > 0) return live(name.slice(0, slash));
  if (seen.has(name)) return false;
  seen.add(name);
  if (has(c.aliases, name)) return leadsToProvider(c.aliases[name], c, live, seen);
  return has(c.combos, name) && c.combos[name].models.some((m) => leadsToProvider(m, c, live, seen));
}

function checkTargets(c: GatewayConfig): ConfigProblem | undefined {
  for (const [name, target] of Object.entries(c.aliases)) {
    const message = targetProblem(target, c);
    if (message) return { path: ['aliases', name], message };
  }
  for (const [name, combo] of Object.entries(c.combos)) {
    for (const [i, model] of combo.models.entries()) {
      const message = targetProblem(model, c);
      if (message) return { path: ['combos', name, 'models', i], message };
    }
  }
  return undefined;
}

interface Edge {
  to: string;
  path: PathKey[];
}

/** References from an alias or combo to other aliases or combos. */
function edges(name: string, c: GatewayConfig): Edge[] {
  const named = (t: string) => !t.includes('/') && (has(c.aliases, t) || has(c.combos, t));
  if (has(c.aliases, name)) {
    const target = c.aliases[name];
    return named(target) ? [{ to: target, path: ['aliases', name] }] : [];
  }
  const combo = c.combos[name];
  if (!combo) return [];
  return combo.models.flatMap((m, i) => (named(m) ? [{ to: m, path: ['combos', name, 'models', i] }] : []));
}

/** Depth-first search with an explicit stack; reports the first cycle as `a -> b -> a`. */
function findCycle(c: GatewayConfig): ConfigProblem | undefined {
  const done = new Set<string>();
  for (const root of [...Object.keys(c.aliases), ...Object.keys(c.combos)]) {
    if (done.has(root)) continue;
    const stack: Array<{ name: string; edges: Edge[]; next: number }> = [{ name: root, edges: edges(root, c), next: 0 }];
    const onStack = new Map<string, number>([[root, 0]]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const edge = top.edges[top.next++];
      if (!edge) {
        done.add(top.name);
        onStack.delete(top.name);
        stack.pop();
        continue;
      }
      const at = onStack.get(edge.to);
      if (at !== undefined) {
        const names = [...stack.slice(at).map((f) => f.name), edge.to];
        const first = stack[at];
        const firstEdge = first.edges[first.next - 1];
        return { path: firstEdge.path, message: `reference cycle: ${names.join(' -> ')}` };
      }
      if (done.has(edge.to)) continue;
      onStack.set(edge.to, stack.length);
      stack.push({ name: edge.to, edges: edges(edge.to, c), next: 0 });
    }
  }
  return undefined;
}
