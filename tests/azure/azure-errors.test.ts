/**
 * Azure's failures as clients see them: a content-filter refusal is a 400 in the client's own
 * dialect naming the filtered categories (and, being the request's fault, is not sent to the
 * next target); a 429 with Retry-After falls back to the next provider, or reaches the client
 * with its wait when none is left; the key, given through the environment, appears in no log
 * line, stored body or client answer, even when Azure quotes it back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMockAzure, type MockAzure } from '../helpers/mock-azure.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { filesContaining } from '../oauth/oauth-kit.ts';
import { DEPLOYMENTS } from './azure-kit.ts';

const CANARY = `canary-azure-${crypto.randomUUID()}`;
let azure: MockAzure;
let backup: MockOpenAI;
let t: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
/** Every answer body a client got. */
const bodies: string[] = [];

beforeAll(async () => {
  process.env.SWITCHYARD_TEST_AZURE_KEY = CANARY;
  azure = await startMockAzure({ deployments: DEPLOYMENTS, apiKeys: [CANARY] });
  backup = await startMockOpenAI();
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  az: { type: azure, base_url: "${azure.endpoint}", keys: ["\${SWITCHYARD_TEST_AZURE_KEY}"], allow_private_network: true }
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-0123456789], allow_private_network: true }
combos:
  resilient: { models: [az/gpt-4.1, backup/gpt-4o-mini] }
`);
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await globalThis.fetch(input, init);
    bodies.push(await res.clone().text());
    return res;
  };
  openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0, fetch });
  anthropic = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0, fetch });
});
afterAll(async () => {
  await t.stop();
  await azure.stop();
  await backup.stop();
  delete process.env.SWITCHYARD_TEST_AZURE_KEY;
});
beforeEach(() => {
  azure.reset();
  backup.requests.length = 0;
});

const filtered = { contentFilter: { violence: 'medium' } };

describe('content-filter refusal', () => {
  test('an OpenAI client gets a 400 content_filter naming the category', async () => {
    azure.script([filtered]);
    const err = await openai.chat.completions.create({ model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.code).toBe('content_filter');
    expect(e.param).toBe('prompt');
    expect(e.message).toContain("Azure OpenAI's content filter refused this request: violence (medium).");
    expect(e.message).toContain("triggering Azure OpenAI's content management policy");
  });

  test('an Anthropic client gets its own invalid_request_error, streamed or not', async () => {
    azure.script([filtered, filtered]);
    const err = await anthropic.messages.create({ model: 'az/gpt-4.1', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('content filter refused this request: violence (medium)') },
    });
    const streamed = await anthropic.messages.stream({ model: 'az/gpt-4.1', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(Anthropic.BadRequestError);
  });

  test('it is the request\'s fault: the next target of a combo is not asked', async () => {
    azure.script([filtered]);
    const err = await openai.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('429 with Retry-After', () => {
  test('falls back to the next provider', async () => {
    azure.script([{ status: 429, retryAfter: 7 }]);
    const reply = await openai.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'fall back' }] });
    expect(reply.choices[0]!.message.content).toBe('fall back');
    expect(azure.requests).toHaveLength(1);
    expect(azure.requests[0]!.sent).toContain('exceeded token rate limit');
    expect(backup.requests).toHaveLength(1);
  });

  test('with no target left, the client gets the 429 and its wait', async () => {
    azure.script([{ status: 429, retryAfter: 7 }]);
    const err = await openai.chat.completions.create({ model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
  });
});

describe('the key', () => {
  test('never reaches logs, stored bodies or client answers, even when Azure quotes it', async () => {
    expect((await openai.chat.completions.create({ model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'ok' }] })).choices[0]!.message.content).toBe('ok');
    expect(azure.requests[0]!.headers['api-key']).toBe(CANARY);
    azure.script([{ echoCredential: true }, { echoCredential: true }]);
    const err = await openai.chat.completions.create({ model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError); // the gateway's own credentials were refused: 502
    await anthropic.messages.create({ model: 'az/gpt-4.1', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    expect(azure.requests.filter((r) => r.sent.includes(CANARY))).toHaveLength(2);
    expect(bodies.some((b) => b.includes('(received \\"***\\")'))).toBe(true);

    await t.settled();
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(bodies.filter((b) => b.includes(CANARY))).toEqual([]);
    expect(filesContaining(t.dataDir, [CANARY])).toEqual([]);
    expect(readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8')).toContain('az/gpt-4.1');
  });
});
