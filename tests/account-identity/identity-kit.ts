import { admin, ask, keysSeen, mockProvider, type Routing } from '../routing/routing-kit.ts';

/** Three keys of one mock provider `p`: `keys:` names them key-1, key-2, key-3 by position. */
export const K1 = 'sk-k1-000000001';
export const K2 = 'sk-k2-000000002';
export const K3 = 'sk-k3-000000003';

/** A config with provider `p` holding `keys` and the given `plugins:` lines. */
export function identityConfig(keys: string[], plugins: string): string {
  return `
providers:
${mockProvider('p', keys)}
plugins:
${plugins}
`;
}

/** Rewrites the config (mock URLs filled in) and waits until the reload is applied. */
export async function reload(r: Routing, yaml: string): Promise<void> {
  await r.t.writeConfig(yaml.replace(/\{\{(\w+)\}\}/g, (_, n: string) => r.mocks[n].url));
  if (r.t.gw.lastReloadError()) throw new Error(`reload rejected: ${r.t.gw.lastReloadError()!.message}`);
  await r.t.settled();
}

/** Asks `p/m` once (expecting a 200) and answers the key that served it. */
export async function servedBy(r: Routing): Promise<string> {
  const before = keysSeen(r.mocks.p).length;
  const a = await ask(r.t, 'p/m');
  if (a.status !== 200) throw new Error(`expected 200, got ${a.status}: ${JSON.stringify(a.body)}`);
  await r.t.settled();
  const seen = keysSeen(r.mocks.p).slice(before);
  return seen[seen.length - 1];
}

/** The keys the upstream saw since `from` requests. */
export const seenSince = (r: Routing, from: number): string[] => keysSeen(r.mocks.p).slice(from);

/** One admin list, filtered to provider `p`'s accounts: `account → field`. */
export async function accountStates<T extends { provider: string; account: string | null }>(
  r: Routing, path: string, list: string, field: keyof T,
): Promise<Record<string, unknown>> {
  const body = await admin<Record<string, T[]>>(r.t, path);
  return Object.fromEntries(body[list].filter((x) => x.provider === 'p' && x.account !== null).map((x) => [x.account, x[field]]));
}
