/**
 * The `alerts` plugin in a running gateway: an upstream key that runs out of credit (OpenAI's
 * `insufficient_quota`) is taken out of rotation by `cooldown`, and a person is told through a
 * webhook; a key that keeps being rate-limited is alerted once per interval, the repeats counted.
 * The webhook receiver is local; the client is the openai SDK.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const SECRET_1 = 'sk-alert-key-one-0123456789';
const SECRET_2 = 'sk-alert-key-two-0123456789';

function startReceiver() {
  const bodies: Array<Record<string, unknown>> = [];
  const headers: Headers[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      bodies.push((await req.json()) as Record<string, unknown>);
      headers.push(req.headers);
      return new Response('ok');
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/hook`, bodies, headers,
    async waitFor(n: number, ms = 5000) {
      const until = Date.now() + ms;
      while (bodies.length < n && Date.now() < until) await Bun.sleep(10);
      return bodies;
    },
    stop: () => server.stop(true),
  };
}

let up: MockOpenAI;
let hook: ReturnType<typeof startReceiver>;
let gw: TestGateway;
let client: OpenAI;

const config = (minIntervalMs: number) => `
providers:
  up: { type: openai, base_url: "${up.url}", keys: [${SECRET_1}, ${SECRET_2}], allow_private_network: true }
  solo: { type: openai, base_url: "${up.url}", keys: [sk-solo-key-0123456789], allow_private_network: true }
plugins:
  - cooldown: { base_ms: 50, max_ms: 50 }
  - alerts: { url: "${hook.url}", allow_private_network: true, min_interval_ms: ${minIntervalMs}, headers: { x-hook-token: t0k3n } }
`;

beforeAll(async () => {
  up = await startMockOpenAI();
  hook = startReceiver();
  gw = await startTestGateway(config(600_000));
  client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await up?.stop();
  hook?.stop();
});

const ask = (content: string) => client.chat.completions.create({ model: 'up/gpt-4o-mini', messages: [{ role: 'user', content }] });

describe('alerts plugin', () => {
  test('a key out of credit: the request is served by the next key, and the webhook is told which account, never its secret', async () => {
    up.script([{ status: 429, body: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } } }]);
    const r = await ask('still answered');
    expect(r.choices[0]?.message.content).toBe('still answered');
    const [alert] = await hook.waitFor(1);
    expect(alert).toMatchObject({ event: 'cooldown:state-changed', repeats: 0, data: { provider: 'up', account: 'key-1', to: 'failed' } });
    expect(String(alert!.text)).toStartWith('Account up / key-1 failed and is out of rotation');
    expect(hook.headers[0]!.get('x-hook-token')).toBe('t0k3n');
    expect(JSON.stringify(hook.bodies)).not.toContain(SECRET_1);
  });

  test('a key that keeps being rate-limited is alerted once per interval; the next alert counts the repeats', async () => {
    await gw.writeConfig(config(1500));
    const before = hook.bodies.length;
    const limited = async (n: number) => {
      for (let i = 0; i < n; i++) {
        up.script([{ status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } }]);
        await client.chat.completions.create({ model: 'solo/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
        await Bun.sleep(80); // past the 50 ms cooldown: the next 429 cools it again
      }
    };
    const t0 = Date.now();
    await limited(3);
    await hook.waitFor(before + 1);
    if (Date.now() - t0 > 1400) throw new Error('too slow to test the throttle'); // all three inside the interval
    await Bun.sleep(1600 - (Date.now() - t0));
    await limited(1);
    const sent = (await hook.waitFor(before + 2)).slice(before).filter((b) => (b.data as { account?: string }).account === 'key-1' && (b.data as { provider?: string }).provider === 'solo');
    expect(sent.map((b) => b.repeats)).toEqual([0, 2]);
    expect(String(sent[1]!.text)).toEndWith('(2 more since the last alert)');
  });
});
