/**
 * Vertex AI's failures through the gateway: 429 RESOURCE_EXHAUSTED with RetryInfo (fallback to
 * a second provider; the wait relayed when nothing else serves), 500, a stream cut mid-way,
 * `anthropic-beta` flags Vertex refuses, and no token or private key in logs, files or answers.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { filesContaining } from '../oauth/oauth-kit.ts';
import { CLAUDE, GEMINI, startVertexKit, type VertexKit } from './vertex-kit.ts';

let kit: VertexKit;
let backup: MockGemini;
let openai: OpenAI;
let anthropic: Anthropic;
const bodies: string[] = [];

async function chat(model: string, content: string, stream = false): Promise<{ status: number; text: string }> {
  const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream, messages: [{ role: 'user', content }] } });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text };
}

beforeAll(async () => {
  backup = await startMockGemini({ apiKey: 'backup-key-1234' });
  kit = await startVertexKit({
    mock: { refusedBetas: ['effort-2025-11-24'] },
    head: 'logging: { level: debug, bodies: true }',
    extra: `  backup: { type: gemini, base_url: "${backup.url}", allow_private_network: true, keys: [backup-key-1234] }
combos:
  g: { models: [vertex/${GEMINI}, backup/${GEMINI}] }
  c: { models: ["vertex/${CLAUDE}", backup/${GEMINI}] }
`,
  });
  openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
});
afterAll(async () => {
  await kit.stop();
  await backup.stop();
});
beforeEach(() => {
  kit.mock.reset();
  backup.reset();
});

describe('429 and 500', () => {
  test('429 RESOURCE_EXHAUSTED on Gemini and on Claude: the second provider answers', async () => {
    for (const combo of ['g', 'c']) {
      kit.mock.script([{ status: 429, message: 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_model.', retryDelay: '17s' }]);
      const r = await openai.chat.completions.create({ model: combo, messages: [{ role: 'user', content: `fallback ${combo}` }] });
      expect(r.choices[0]!.message.content).toBe(`fallback ${combo}`);
    }
    expect(kit.mock.requests.map((q) => q.fault?.status)).toEqual([429, 429]);
    expect(backup.requests).toHaveLength(2);
  });

  test('alone, the 429 reaches the client with the RetryInfo wait as Retry-After (both publishers)', async () => {
    for (const model of [GEMINI, CLAUDE]) {
      kit.mock.script([{ status: 429, message: 'Resource exhausted. Please try again later.', retryDelay: '17s' }]);
      const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${model}`, messages: [{ role: 'user', content: 'x' }] } });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('17');
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Resource exhausted');
    }
  });

  test('500 INTERNAL on Claude falls back too', async () => {
    kit.mock.script([{ status: 500 }]);
    const r = await openai.chat.completions.create({ model: 'c', messages: [{ role: 'user', content: 'after 500' }] });
    expect(r.choices[0]!.message.content).toBe('after 500');
  });
});

describe('a stream cut mid-way', () => {
  test('Claude, Anthropic client (passthrough): the events sent arrive, then one error event', async () => {
    kit.mock.script([{ dropAfterEvents: 4 }]); // past the first text delta, the commit point
    const res = await kit.t.fetch('/v1/messages', { method: 'POST', json: { model: `vertex/${CLAUDE}`, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'a long answer to cut' }] } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.match(/^event: (\w+)/gm)).toEqual(['event: message_start', 'event: content_block_start', 'event: ping', 'event: content_block_delta', 'event: error']);
  });

  test('Gemini, OpenAI client: the deltas sent arrive, then an error, no [DONE]', async () => {
    kit.mock.script([{ dropAfterEvents: 1 }]);
    const { status, text } = await chat(`vertex/${GEMINI}`, 'a long answer to cut', true);
    expect(status).toBe(200);
    expect(text).toContain('"error"');
    expect(text).not.toContain('[DONE]');
  });
});

describe('anthropic-beta flags', () => {
  test('a flag Vertex refuses is dropped and the call sent again; later calls leave it out; oauth-* never goes', async () => {
    const betas = 'oauth-2025-04-20,effort-2025-11-24,fine-grained-tool-streaming-2025-05-14';
    const r = await anthropic.messages.create({ model: `vertex/${CLAUDE}`, max_tokens: 32, messages: [{ role: 'user', content: 'beta me' }] }, { headers: { 'anthropic-beta': betas } });
    expect(r.content).toEqual([expect.objectContaining({ text: 'beta me' })]);
    expect(kit.mock.requests.map((q) => q.headers['anthropic-beta'])).toEqual([
      'effort-2025-11-24,fine-grained-tool-streaming-2025-05-14', 'fine-grained-tool-streaming-2025-05-14',
    ]);
    await anthropic.messages.create({ model: `vertex/${CLAUDE}`, max_tokens: 32, messages: [{ role: 'user', content: 'again' }] }, { headers: { 'anthropic-beta': betas } });
    expect(kit.mock.requests.map((q) => q.headers['anthropic-beta'])).toHaveLength(3);
    expect(kit.mock.requests[2]!.headers['anthropic-beta']).toBe('fine-grained-tool-streaming-2025-05-14');
  });
});

describe('canary', () => {
  test('no access token or private key in the data dir, the log or any client answer', async () => {
    expect((await chat(`vertex/${GEMINI}`, 'ok')).status).toBe(200);
    // An upstream that quotes the caller's token in its error, on both lanes.
    for (const model of [GEMINI, CLAUDE]) {
      kit.mock.script([{ echoToken: true }]);
      const { status, text } = await chat(`vertex/${model}`, 'echo');
      expect(status).toBe(400);
      expect(text).toMatch(/Malformed request for credential (\*\*\*|\[redacted\])\./);
    }
    kit.mock.revokeTokens();
    expect((await chat(`vertex/${CLAUDE}`, 'after 401')).status).toBe(200);
    // A token the gateway used (one the mock issued may never have reached it, under load).
    const used = kit.mock.requests.at(-1)!.headers.authorization!.replace(/^Bearer /, '');
    expect(used).toStartWith('canary-vtx-');
    kit.t.gw.log.warn(`careless ${used}`, { key: kit.account.pem });
    kit.t.gw.log.flush();
    kit.t.gw.usage.flush();
    const keyPart = kit.account.pem.split('\n')[5]!;
    expect(kit.mock.issued().length).toBeGreaterThanOrEqual(2);
    expect(filesContaining(kit.t.dataDir, ['canary-vtx-', keyPart])).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-vtx-') || b.includes(keyPart))).toEqual([]);
    expect(readFileSync(join(kit.t.dataDir, 'logs', 'switchyard.log'), 'utf8')).toContain('careless ***');
  });
});
