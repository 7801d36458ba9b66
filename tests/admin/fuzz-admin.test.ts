/**
 * The admin API never answers a 5xx to a bad body: random JSON (and some that is not JSON) is
 * sent with the admin token to every route that writes, with a fixed seed (SEED and N vary it).
 * The CLI-tools `apply` route is left out: it writes into the home folder.
 */
import { expect, test } from 'bun:test';
import { startTestGateway } from '../helpers/test-gateway.ts';

let seed = Number(process.env.SEED ?? 1);
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T,>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
const JUNK: readonly unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], {}, [null], { type: 'x' }, 'a'.repeat(300), [1, 'b'], { a: { b: null } }, '../../etc/passwd', 'local/echo', { name: 'x' }];
const KEYS = ['name', 'target', 'models', 'strategy', 'type', 'base_url', 'keys', 'key', 'enabled', 'config', 'order', 'scopes', 'limits', 'expiresAt', 'dialect', 'body', 'model', 'messages', 'logging', 'server', 'cors_origins', 'label', 'priority', 'weight', 'preset', 'options', 'level'];
const nested = (): unknown => (rnd() < 0.5 ? [pick(JUNK), pick(JUNK)] : { a: pick(JUNK), level: pick(JUNK), target: pick(JUNK), models: [pick(JUNK)] });
function body(): string {
  if (rnd() < 0.1) return '{not json';
  const o: Record<string, unknown> = {};
  for (const k of KEYS) if (rnd() < 0.25) o[k] = rnd() < 0.3 ? nested() : pick(JUNK);
  return JSON.stringify(o);
}

const ROUTES: ReadonlyArray<[string, string]> = [
  ['POST', '/api/providers'], ['PATCH', '/api/providers/local'], ['POST', '/api/providers/local/keys'], ['POST', '/api/providers/local/test'],
  ['POST', '/api/providers/nope/enable'], ['PUT', '/api/combos/c2'], ['PATCH', '/api/combos/c'], ['PUT', '/api/aliases/a1'],
  ['PUT', '/api/aliases/x%2Fy'], ['DELETE', '/api/aliases/fast'], ['POST', '/api/plugins/retry/enable'], ['PUT', '/api/plugins/retry/config'],
  ['PUT', '/api/plugins/context-trim/config'], ['PUT', '/api/plugins/openai-responses/config'], ['PUT', '/api/plugins/order'],
  ['PATCH', '/api/settings'], ['POST', '/api/keys'], ['PATCH', '/api/keys/nope'], ['POST', '/api/playground/translate'], ['POST', '/api/playground/chat'],
];

test('random bodies on every admin write route: never a 5xx', async () => {
  const t = await startTestGateway('providers:\n  local: { type: mock }\ncombos:\n  c: { models: [local/echo] }\naliases: { fast: local/echo }\n');
  const headers = { authorization: `Bearer ${t.gw.adminToken}`, 'content-type': 'application/json' };
  const bad: string[] = [];
  try {
    for (let i = 0; i < Number(process.env.N ?? 400); i++) {
      const [method, path] = pick(ROUTES);
      const sent = body();
      const r = await fetch(t.url + path, { method, headers, body: sent });
      const text = await r.text();
      if (r.status >= 500) bad.push(`${method} ${path} ${r.status} ${text.slice(0, 200)} <- ${sent.slice(0, 300)}`);
    }
  } finally {
    await t.stop();
  }
  expect(bad).toEqual([]);
}, 60_000);
