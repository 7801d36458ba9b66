/**
 * Microsoft Entra ID instead of an API key: `entra:` client credentials get a bearer token from
 * the tenant's token endpoint (once for many requests, again ahead of expiry and after Azure
 * refused it), sent as `Authorization: Bearer` and never as `api-key`; a refused client secret
 * fails over to the next target with a clear reason; tokens and the secret stay out of logs and
 * answers. A bearer token given in `keys:` with `auth: { header: authorization, scheme: Bearer }`
 * works without a token endpoint.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockAzure, startMockEntra, type MockAzure, type MockEntra } from '../helpers/mock-azure.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { filesContaining, movableClock } from '../oauth/oauth-kit.ts';
import { DEPLOYMENTS } from './azure-kit.ts';

const APP = { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: 'a6f1e2d4-0000-4c1b-9d7e-azure-client', clientSecret: `canary-secret-${crypto.randomUUID()}` };
const STATIC_TOKEN = `canary-static-${crypto.randomUUID()}`;
const accepted: string[] = [STATIC_TOKEN];
const clock = movableClock();
let azure: MockAzure;
let entra: MockEntra;
let backup: MockOpenAI;
let t: TestGateway;
let openai: OpenAI;
const bodies: string[] = [];

const entraYaml = (secret: string) => `{ tenant_id: "${APP.tenantId}", client_id: "${APP.clientId}", client_secret: "${secret}", authority: "${entra.authority}" }`;

beforeAll(async () => {
  process.env.SWITCHYARD_TEST_ENTRA_SECRET = APP.clientSecret;
  process.env.SWITCHYARD_TEST_STATIC_TOKEN = STATIC_TOKEN;
  azure = await startMockAzure({ deployments: DEPLOYMENTS, bearerTokens: accepted });
  entra = await startMockEntra(APP, { bearerTokens: accepted });
  backup = await startMockOpenAI();
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  az: { type: azure, base_url: "${azure.endpoint}", allow_private_network: true, entra: ${entraYaml('${SWITCHYARD_TEST_ENTRA_SECRET}')} }
  wrong: { type: azure, base_url: "${azure.endpoint}", allow_private_network: true, entra: ${entraYaml('not-the-secret-at-all')} }
  static: { type: azure, base_url: "${azure.endpoint}", allow_private_network: true, keys: ["\${SWITCHYARD_TEST_STATIC_TOKEN}"], auth: { header: authorization, scheme: Bearer } }
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-0123456789], allow_private_network: true }
combos:
  wrong-then-backup: { models: [wrong/gpt-4.1, backup/gpt-4o-mini] }
`, { now: clock.now });
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await globalThis.fetch(input, init);
    bodies.push(await res.clone().text());
    return res;
  };
  openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0, fetch });
});
afterAll(async () => {
  await t.stop();
  await Promise.all([azure.stop(), entra.stop(), backup.stop()]);
  delete process.env.SWITCHYARD_TEST_ENTRA_SECRET;
  delete process.env.SWITCHYARD_TEST_STATIC_TOKEN;
});
beforeEach(() => {
  azure.reset();
  entra.reset();
});

const ask = (model: string, content = 'hi') => openai.chat.completions.create({ model, messages: [{ role: 'user', content }] });

describe('entra: client credentials', () => {
  test('one token serves many requests, sent as a bearer token and never as api-key', async () => {
    await Promise.all([ask('az/gpt-4.1', 'one'), ask('az/gpt-4.1', 'two'), ask('az/gpt-4.1', 'three')]);
    const stream = await openai.chat.completions.create({ model: 'az/gpt-4.1', stream: true, messages: [{ role: 'user', content: 'four' }] });
    for await (const _ of stream) { /* drained */ }
    expect(entra.requests).toHaveLength(1);
    const form = new URLSearchParams(entra.requests[0]!.body as string);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials', client_id: APP.clientId, client_secret: APP.clientSecret, scope: 'https://cognitiveservices.azure.com/.default',
    });
    expect(azure.requests).toHaveLength(4);
    for (const rec of azure.requests) {
      expect(rec.headers.authorization).toBe(`Bearer ${entra.issued.at(-1)}`);
      expect(rec.headers['api-key']).toBeUndefined();
    }
  });

  test('a token is renewed five minutes before it expires', async () => {
    const before = entra.issued.length;
    clock.advance(3599_000 - 6 * 60_000);
    await ask('az/gpt-4.1');
    expect(entra.requests).toHaveLength(0);
    clock.advance(2 * 60_000);
    await ask('az/gpt-4.1');
    expect(entra.issued.length).toBe(before + 1);
    expect(azure.requests.at(-1)!.headers.authorization).toBe(`Bearer ${entra.issued.at(-1)}`);
  });

  test('a token Azure refuses is dropped: the next request gets a new one', async () => {
    accepted.splice(accepted.indexOf(entra.issued.at(-1)!), 1);
    const err = await ask('az/gpt-4.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((await ask('az/gpt-4.1', 'fresh')).choices[0]!.message.content).toBe('fresh');
    expect(entra.requests).toHaveLength(1);
  });

  test('a refused client secret falls back to the next target, and says why when none is left', async () => {
    expect((await ask('wrong-then-backup', 'saved')).choices[0]!.message.content).toBe('saved');
    expect(azure.requests).toHaveLength(0);
    const err = await ask('wrong/gpt-4.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toContain('Microsoft Entra ID gave provider "wrong" no token: invalid_client: AADSTS7000215');
  });
});

describe('a bearer token in keys:', () => {
  test('auth: { header: authorization, scheme: Bearer } sends it as such', async () => {
    expect((await ask('static/gpt-4.1', 'static')).choices[0]!.message.content).toBe('static');
    expect(azure.requests[0]!.headers.authorization).toBe(`Bearer ${STATIC_TOKEN}`);
    expect(azure.requests[0]!.headers['api-key']).toBeUndefined();
    expect(entra.requests).toHaveLength(0);
  });
});

describe('secrets', () => {
  test('tokens and the client secret appear in no log, stored body or answer, even when Azure quotes the token', async () => {
    azure.script([{ echoCredential: true }]);
    await ask('az/gpt-4.1').catch(() => undefined);
    expect(azure.requests[0]!.sent).toContain(entra.issued.at(-1)!);
    await t.settled();
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(entra.issued.length).toBeGreaterThan(1);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
  });
});
