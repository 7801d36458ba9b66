import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startGateway, type RunningGateway } from '../../core/server/start-gateway.ts';
import { startMockOpenAI } from '../helpers/mock-openai-upstream.ts';

/** Entries (and counters) live in `<data-dir>/cache.db` and answer after a restart. */
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-cache-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

test('a cached reply survives a gateway restart; expired ones do not come back', async () => {
  const up = await startMockOpenAI({ respond: () => ({ content: `reply ${up.requests.length}` }) });
  const configFile = join(dataDir, 'switchyard.yaml');
  writeFileSync(configFile, `
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream], allow_private_network: true }
plugins:
  - response-cache: { ttl: 1h }
`);
  let clock = 1_700_000_000_000;
  const start = () => startGateway({ dataDir, configFile, port: 0, host: '127.0.0.1', console: false, now: () => clock });
  let gw: RunningGateway = await start();
  const key = gw.keys.createKey({ name: 'persist' }).secret;
  const ask = (g: RunningGateway, content: string) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: key, maxRetries: 0 })
    .chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'user', content }] }).withResponse();
  try {
    const first = await ask(gw, 'remember me');
    gw.bus.flush(); // the entry is stored when the reply's events are delivered: before the clock moves
    clock += 30 * 60_000;
    await ask(gw, 'forget me later');
    expect(up.requests.length).toBe(2);
    await gw.stop(500);

    clock += 31 * 60_000; // 'remember me' is now 61 minutes old: expired; the other 31 minutes
    gw = await start();
    const again = await ask(gw, 'forget me later');
    expect(again.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(again.data.choices[0].message.content).toBe('reply 2');
    const expired = await ask(gw, 'remember me');
    expect(expired.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(expired.data.choices[0].message.content).not.toBe(first.data.choices[0].message.content);
    expect(up.requests.length).toBe(3);

    const stats = await fetch(`${gw.url}/api/cache/stats`, { headers: { authorization: `Bearer ${gw.adminToken}` } }).then((r) => r.json());
    // Counters are kept across the restart too: two misses before, one hit and one miss after.
    expect(stats.misses).toBe(3);
    expect(stats.hits.exact).toBe(1);
    expect(stats.entries).toBe(2);
  } finally {
    await gw.stop(500);
    await up.stop();
  }
});
