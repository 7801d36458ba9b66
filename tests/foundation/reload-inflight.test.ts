/**
 * A request keeps the snapshot it started with: a config reload that removes its provider and
 * a plugin edit that replaces one of its hooks, both landing while it is in flight, do not
 * disturb it; the replaced plugin instance is disposed only after the request finished.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, postChat, readText, waitUntil } from './foundation-kit.ts';

let up: MockOpenAI;
let t: TestGateway;

const providers = (name: string) => `
providers:
  ${name}: { type: openai, base_url: ${up.url}, keys: [sk-test-${name}-000000], allow_private_network: true }
`;

const keeper = (version: string) => `
export default {
  name: 'keeper', kind: 'observer', apiVersion: 1,
  setup(ctx) {
    ctx.hook('beforeRequest', (req, call) => { call.responseHeaders.set('x-keeper', ${JSON.stringify(version)}); });
  },
};
`;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(providers('old'));
  writeFileSync(join(t.dataDir, 'plugins', 'keeper.ts'), keeper('v1'));
  await waitUntil(async () => (await postChat(t.url, t.key, chatBody('old/m'))).headers.get('x-keeper') === 'v1', 5000, 'keeper v1');
});

afterAll(async () => {
  await t.stop();
  await up.stop();
});

test('requests started before a reload finish on their snapshot; replaced plugins are disposed after them', async () => {
  const disposed: string[] = [];
  const off = t.gw.bus.on('plugin:disposed', (e) => void disposed.push(e.name));
  try {
    const words = 'one two three four five six seven';
    up.script([{ chunkDelayMs: 70 }, { firstByteDelayMs: 600 }]);
    const seen = up.requests.length;
    const streamRes = await postChat(t.url, t.key, chatBody('old/gpt-4o', words, { stream: true }));
    expect(streamRes.status).toBe(200);
    const streamText = readText(streamRes);
    const plain = postChat(t.url, t.key, chatBody('old/gpt-4o', 'slow first byte'));
    await up.waitFor(() => up.requests.length >= seen + 2, 2000);

    // Both land while the two requests are in flight: the provider is renamed, the plugin edited.
    writeFileSync(t.gw.configFile, providers('new'));
    writeFileSync(join(t.dataDir, 'plugins', 'keeper.ts'), keeper('v2'));
    await waitUntil(async () => {
      const r = await postChat(t.url, t.key, chatBody('new/gpt-4o'));
      return r.status === 200 && r.headers.get('x-keeper') === 'v2';
    }, 3000, 'the new config and keeper v2');
    expect((await postChat(t.url, t.key, chatBody('old/gpt-4o'))).status).toBe(404);
    expect(disposed).not.toContain('keeper'); // v1 is still held by the in-flight requests

    const text = await streamText;
    expect(streamRes.headers.get('x-keeper')).toBe('v1');
    const deltas = [...text.matchAll(/^data: (\{.*\})$/gm)].map((m) => JSON.parse(m[1]) as { choices: Array<{ delta?: { content?: string } }> });
    expect(deltas.map((d) => d.choices[0]?.delta?.content ?? '').join('')).toBe(words);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);

    const plainRes = await plain;
    expect(plainRes.status).toBe(200);
    expect(plainRes.headers.get('x-keeper')).toBe('v1');
    expect(((await plainRes.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe('slow first byte');

    await waitUntil(() => disposed.includes('keeper'), 2000, 'keeper v1 disposed after the requests ended');
    expect(disposed.filter((n) => n === 'keeper').length).toBe(1);
    expect((await postChat(t.url, t.key, chatBody('new/gpt-4o'))).headers.get('x-keeper')).toBe('v2');
  } finally {
    off();
  }
});
