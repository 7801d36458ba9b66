/**
 * docs/plugins.md as a plugin author reads it: its example plugin and its YAML, copied from the
 * page into a running gateway's data dir, work as written; and what a drop-in returns from a hook
 * reaches the client in the form it asked for.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.ts';
import { health, waitUntil } from './foundation/foundation-kit.ts';

const doc = readFileSync(resolve(import.meta.dir, '..', 'docs', 'plugins.md'), 'utf8');
const blocks = (lang: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

let t: TestGateway;
const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.fetch('/v1/chat/completions', { method: 'POST', headers, json: { messages: [{ role: 'user', content: 'hi there' }], ...body } });

beforeAll(async () => {
  t = await startTestGateway('providers:\n  mock: { type: mock }\n');
});
afterAll(() => t.stop());

describe('docs/plugins.md examples', () => {
  test('the stamp plugin and the YAML that configures it work as written', async () => {
    const [stamp] = blocks('ts');
    expect(stamp).toContain("name: 'stamp'");
    const [yaml] = blocks('yaml');
    expect(yaml).toContain('./my-plugins/redact.ts');
    writeFileSync(join(t.dataDir, 'plugins', 'stamp.ts'), stamp!);
    mkdirSync(join(t.dataDir, 'my-plugins'), { recursive: true });
    writeFileSync(join(t.dataDir, 'my-plugins', 'redact.ts'), "export default { name: 'redact', kind: 'guard', apiVersion: 1, setup() {} };\n");
    await t.writeConfig(`providers:\n  mock: { type: mock }\n${yaml}`);
    const res = await waitUntil(async () => {
      const r = await chat({ model: 'mock/echo' });
      return r.headers.get('x-served-by') === 'stamp' ? r : undefined;
    }, 5000, 'the stamp header');
    expect(res.status).toBe(200);
    const plugins = (await health(t.url)).plugins;
    for (const name of ['stamp', 'redact', 'circuit-breaker']) expect(plugins.find((p) => p.name === name)?.state).toBe('active');
    expect(plugins.find((p) => p.name === 'usage-log')?.state).toBe('disabled');
  });
});

describe('a drop-in that answers in beforeRequest', () => {
  test('a complete result given as {respond} reaches a streaming client as a stream', async () => {
    writeFileSync(join(t.dataDir, 'plugins', 'canned.ts'), `
export default {
  name: 'canned', kind: 'cache', apiVersion: 1,
  setup(ctx) {
    ctx.hook('beforeRequest', (req) => {
      if (req.model !== 'canned') return;
      const result = { id: 'canned-1', model: 'canned', content: [{ type: 'text', text: 'from the plugin' }], finishReason: 'stop', usage: { inputTokens: 2, outputTokens: 3 } };
      return { respond: { type: 'result', result }, reason: 'canned answer' };
    });
  },
};
`);
    await waitUntil(async () => (await chat({ model: 'canned' })).status === 200, 5000, 'the canned plugin');
    const plain = await (await chat({ model: 'canned' })).json() as { choices: Array<{ message: { content: string } }> };
    expect(plain.choices[0]!.message.content).toBe('from the plugin');

    const res = await chat({ model: 'canned', stream: true });
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
    const client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'canned', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('from the plugin');
    expect(finish).toBe('stop');

    const anthropic = await t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' },
      json: { model: 'canned', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(anthropic.headers.get('content-type')).toStartWith('text/event-stream');
    expect(await anthropic.text()).toContain('event: message_stop');
  });
});
