/**
 * The `secret-scan` plugin in a running gateway: credentials pasted into a prompt (a `.env`
 * file, as coding agents read them) never reach the upstream. Redact mode with the openai SDK,
 * block mode with the Anthropic SDK (its own error shape), log mode, and a clean request that
 * keeps the passthrough lane.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Built at run time, so this file holds no secret-shaped literal.
const AWS_ID = `AKIA${'QWERTYUIOPASDFGH'}`;
const GH = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
const ENV = `Here is my .env, why does the deploy fail?\nAWS_ACCESS_KEY_ID=${AWS_ID}\nGITHUB_TOKEN=${GH}\nREGION=eu-west-1\n`;

let up: MockOpenAI;
let media: MockMedia;
let gw: TestGateway;
const config = (action: string) => `
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-up-1234567], allow_private_network: true }
  emb: { type: openai, base_url: "${media.url}", keys: [sk-emb-1234567], allow_private_network: true }
plugins:
  - secret-scan: { action: ${action} }
`;

beforeAll(async () => {
  up = await startMockOpenAI();
  media = await startMockMedia();
  gw = await startTestGateway(config('redact'));
});
afterAll(async () => {
  await gw?.stop();
  await up?.stop();
  await media?.stop();
});

const sentText = () => JSON.stringify(up.requests.at(-1)!.body);

describe('secret-scan', () => {
  test('redact: the upstream gets labels instead of the secrets; the client is told how many', async () => {
    const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'up/gpt-4o-mini', messages: [{ role: 'user', content: ENV }] }).withResponse();
    expect(data.choices[0]?.message.content).toContain('[REDACTED aws-access-key-id]');
    expect(response.headers.get('x-switchyard-secrets-redacted')).toBe('2');
    const sent = sentText();
    expect(sent).not.toContain(AWS_ID);
    expect(sent).not.toContain(GH);
    expect(sent).toContain('AWS_ACCESS_KEY_ID=[REDACTED aws-access-key-id]');
    expect(sent).toContain('GITHUB_TOKEN=[REDACTED github-token]');
    expect(sent).toContain('REGION=eu-west-1');
  });

  test('redact, streamed, from a tool result the agent sends back', async () => {
    const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'up/gpt-4o-mini', stream: true,
      messages: [
        { role: 'user', content: 'read my env file' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":".env"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: ENV },
      ],
    });
    for await (const _ of stream) void _;
    expect(sentText()).not.toContain(GH);
    expect(sentText()).toContain('[REDACTED github-token]');
  });

  test('redact: embeddings inputs too (code sent for indexing)', async () => {
    const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const res = await client.embeddings.create({ model: 'emb/text-embedding-3-small', input: ['export const region = "eu";', `const token = "${GH}";`] });
    expect(res.data).toHaveLength(2);
    const sent = media.requests.at(-1)!.json as { input: string[] };
    expect(sent.input).toEqual(['export const region = "eu";', 'const token = "[REDACTED github-token]";']);
  });

  test('a clean request is not touched and keeps the passthrough lane', async () => {
    const body = { temperature: 0.5, messages: [{ role: 'user', content: 'nothing secret here' }], model: 'up/gpt-4o-mini' };
    const r = await gw.fetch('/v1/chat/completions', { method: 'POST', json: body });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-switchyard-secrets-redacted')).toBeNull();
    // The passthrough lane forwards the client's JSON as it came (key order included, model
    // last); the translated lane writes `model` first.
    expect(Object.keys(up.requests.at(-1)!.body as object)).toEqual(['temperature', 'messages', 'model']);
  });

  test('block: refused with 400 in the client dialect, naming the kinds; nothing reaches the upstream', async () => {
    await gw.writeConfig(config('block'));
    const before = up.requests.length;
    const anthropic = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
    const err = await anthropic.messages.create({ model: 'up/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: ENV }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (err as InstanceType<typeof Anthropic.BadRequestError>).error as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('aws-access-key-id, github-token');
    expect(body.error.message).not.toContain(AWS_ID);
    expect(up.requests.length).toBe(before);
    gw.gw.usage.flush();
    expect(gw.gw.usage.recent(1)[0]).toMatchObject({ httpStatus: 400, errorCode: 'GW_BAD_REQUEST' });
  });

  test('log: forwarded unchanged', async () => {
    await gw.writeConfig(config('log'));
    const r = await gw.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o-mini', messages: [{ role: 'user', content: ENV }] } });
    expect(r.status).toBe(200);
    expect(sentText()).toContain(AWS_ID);
    await gw.writeConfig(config('redact'));
  });
});
