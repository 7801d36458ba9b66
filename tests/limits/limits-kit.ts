import type { TestGateway } from '../helpers/test-gateway.ts';

/** A chat completion body for the mock provider. */
export function chat(model: string, text = 'hello', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: text }], ...extra };
}

/** POSTs a chat completion with `secret` (default: the gateway's client key). */
export function post(t: TestGateway, body: unknown, opts: { secret?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.secret) headers.authorization = `Bearer ${opts.secret}`;
  return t.fetch('/v1/chat/completions', { method: 'POST', json: body, headers });
}

/** GETs an admin path with the admin token. */
export async function admin(t: TestGateway, path: string): Promise<Response> {
  return fetch(t.url + path, { headers: { authorization: `Bearer ${t.gw.adminToken}` } });
}

/** Counts statuses: `{ 200: 60, 429: 40 }`. */
export function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/** Waits until `fn` holds (polled), failing after `ms`. */
export async function until(fn: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await Bun.sleep(5);
  }
}
