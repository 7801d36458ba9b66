import type { Snapshot } from '../plugin/snapshot.ts';

/**
 * Why `model` routes nowhere, with what to do: a configured alias or combo whose targets are all
 * gone, a gateway with no provider serving, a `provider/` prefix naming a disabled provider or
 * none, or a name nothing lists. Names only what the client sent and provider names, never the
 * config's path.
 */
export function notRoutedMessage(model: string, snap: Snapshot): string {
  const { config } = snap;
  const named = Object.hasOwn(config.aliases, model) ? 'alias' : Object.hasOwn(config.combos, model) ? 'combo' : undefined;
  if (named) return `The model "${model}" is a configured ${named}, but none of its targets is served now (their providers are disabled or removed).`;
  // The serving providers: config entries that resolved, with dashboard keys and logins.
  if (snap.providers.size === 0) {
    return `The model "${model}" is not routed: no provider is serving. Add one under providers: in the gateway's config file (it reloads live); /api/health lists providers that could not start.`;
  }
  const slash = model.indexOf('/');
  const prefix = slash > 0 ? model.slice(0, slash) : undefined;
  if (prefix !== undefined && !snap.providers.has(prefix)) {
    if (config.providers[prefix]?.enabled === false) return `The model "${model}" is not routed: the provider "${prefix}" is disabled.`;
    if (!Object.hasOwn(config.providers, prefix)) {
      return `The model "${model}" does not exist or is not routed by this gateway: no provider is named "${prefix}". GET /v1/models lists what it serves.`;
    }
  }
  return `The model "${model}" does not exist or is not routed by this gateway. GET /v1/models lists what it serves (provider/model, aliases, combos).`;
}
