/**
 * Shared helpers of the OAuth tests: an admin client for a test gateway, a clock the tests can
 * move, a "browser" that follows the provider's authorize redirect, and a canary scan of every
 * file in the data dir.
 */
import { readAllFiles } from '../foundation/foundation-kit.ts';
import type { TestGateway } from '../helpers/test-gateway.ts';

/** A clock the gateway reads (`now` option): real time plus an offset the test moves. */
export function movableClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
}

/** Calls the admin API with the admin token. */
export async function admin(t: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(t.url + path, {
    method,
    headers: { authorization: `Bearer ${t.gw.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The user's browser at the provider: opens the authorize URL and returns where it redirects. */
export async function followAuthorize(authUrl: string): Promise<URL> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}`);
  return new URL(location);
}

/**
 * Polls a device-code flow's status through the admin API until it leaves `pending` (or 5 s
 * pass); returns the flow as the API lists it.
 */
export async function waitForFlow(t: TestGateway, provider: string, flowId: unknown): Promise<{ status: string; accountId?: string }> {
  let flow: { status: string; accountId?: string } = { status: 'pending' };
  for (const until = Date.now() + 5000; flow.status === 'pending' && Date.now() < until;) {
    await Bun.sleep(50);
    flow = ((await admin(t, 'GET', `/api/oauth/${provider}/status?flow=${String(flowId)}`)).json.flows as Array<typeof flow>)[0]!;
  }
  return flow;
}

/** Waits until the gateway's provider runtime lists `n` accounts for `provider` (account merge after a login). */
export async function waitForAccounts(t: TestGateway, provider: string, n: number, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((t.gw.host.current.providers.get(provider)?.accounts.length ?? 0) !== n) {
    if (Date.now() > until) throw new Error(`provider ${provider} never had ${n} accounts`);
    await Bun.sleep(10);
  }
}

/** Files of the data dir (database, WAL, logs, key file) whose bytes contain any of `needles`. */
export function filesContaining(dataDir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const { file, bytes } of readAllFiles(dataDir)) {
    const text = bytes.toString('latin1');
    if (needles.some((n) => text.includes(n))) hits.push(file);
  }
  return hits;
}
