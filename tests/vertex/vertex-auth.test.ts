/**
 * Service-account auth against the mock Vertex AI, whose token endpoint checks the JWT's RS256
 * signature and claims: one token exchange serves many calls (concurrent ones included), a
 * token is renewed before it expires, a 401 renews it once and retries, a key the endpoint
 * refuses fails with Google's reason, and `keys:` tokens / express-mode API keys work without
 * a key file.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { createServiceAccount } from '../helpers/mock-vertex.ts';
import { CLAUDE, GEMINI, startVertexKit, type VertexKit } from './vertex-kit.ts';

const EXPRESS_KEY = 'express-key-123456';
let kit: VertexKit;
let openai: OpenAI;
const ask = (model: string, content = 'hi') => openai.chat.completions.create({ model: `vertex/${model}`, messages: [{ role: 'user', content }] });

beforeAll(async () => {
  kit = await startVertexKit({ mock: { apiKey: EXPRESS_KEY } });
  openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
});
afterAll(() => kit.stop());

describe('token exchange', () => {
  test('the first burst of concurrent calls shares one exchange, whose JWT carries the right claims', async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 ? CLAUDE : GEMINI, `burst ${i}`)));
    expect(replies.map((r) => r.choices[0]!.message.content)).toEqual(Array.from({ length: 12 }, (_, i) => `burst ${i}`));
    expect(kit.mock.exchanges).toHaveLength(1);
    const claims = kit.mock.exchanges[0]!;
    expect(claims).toMatchObject({ iss: kit.account.clientEmail, aud: kit.mock.tokenUri, scope: 'https://www.googleapis.com/auth/cloud-platform', kid: 'kid-test-1' });
    expect(claims.exp - claims.iat).toBe(3600);
    const used = new Set(kit.mock.requests.map((r) => r.headers.authorization));
    expect([...used]).toEqual([`Bearer ${kit.mock.issued()[0]}`]);
  });

  test('later calls reuse the cached token', async () => {
    for (let i = 0; i < 5; i++) await ask(GEMINI);
    expect(kit.mock.exchanges).toHaveLength(1);
  });

  test('a token about to expire is renewed before it is sent (one exchange for concurrent calls)', async () => {
    kit.clock.advance(3301_000); // inside the last 5 minutes of the hour
    kit.mock.reset();
    await Promise.all([ask(GEMINI), ask(CLAUDE), ask(GEMINI)]);
    expect(kit.mock.exchanges).toHaveLength(2);
    expect(new Set(kit.mock.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${kit.mock.issued()[1]}`]));
  });

  test('a 401 (token revoked upstream) renews the token once and the call is sent again', async () => {
    kit.mock.revokeTokens();
    kit.mock.reset();
    const replies = await Promise.all([ask(CLAUDE, 'after revoke'), ask(GEMINI, 'after revoke')]);
    expect(replies.map((r) => r.choices[0]!.message.content)).toEqual(['after revoke', 'after revoke']);
    expect(kit.mock.exchanges).toHaveLength(3);
    const statuses = kit.mock.requests.map((r) => r.headers.authorization === `Bearer ${kit.mock.issued()[2]}`);
    expect(statuses.filter(Boolean)).toHaveLength(2);
    expect(kit.mock.requests).toHaveLength(4);
  });
});

describe('credentials the endpoint refuses, and credentials without a key file', () => {
  test('a key signed by another private key: 502 with Google\'s reason, no model call', async () => {
    const impostor = await createServiceAccount();
    const file = { ...impostor.file(kit.mock.tokenUri), client_email: kit.account.clientEmail };
    writeFileSync(kit.keyPath, JSON.stringify(file));
    kit.mock.revokeTokens();
    kit.mock.reset();
    const res = await kit.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `vertex/${GEMINI}`, messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('invalid_grant: Invalid JWT Signature.');
    expect(kit.mock.requests.map((r) => r.completed)).toEqual([true]); // the revoked-token call only
    writeFileSync(kit.keyPath, JSON.stringify(kit.account.file(kit.mock.tokenUri)));
    expect((await ask(GEMINI, 'key restored')).choices[0]!.message.content).toBe('key restored');
  });

  test('keys: an access token goes as Bearer; an API key with auth x-goog-api-key uses express mode', async () => {
    const token = kit.mock.issued().at(-1)!;
    await kit.t.writeConfig(`
providers:
  vt:
    type: vertex
    base_url: ${kit.mock.url}
    allow_private_network: true
    project: test-project
    location: us-central1
    keys: ["${token}"]
  vx:
    type: vertex
    base_url: ${kit.mock.url}
    allow_private_network: true
    auth: { header: x-goog-api-key }
    keys: ["express-key-123456"]
`);
    kit.mock.reset();
    const exchanges = kit.mock.exchanges.length;
    const a = await openai.chat.completions.create({ model: `vt/${CLAUDE}`, messages: [{ role: 'user', content: 'static token' }] });
    expect(a.choices[0]!.message.content).toBe('static token');
    expect(kit.mock.requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
    const b = await openai.chat.completions.create({ model: `vx/${GEMINI}`, messages: [{ role: 'user', content: 'express' }] });
    expect(b.choices[0]!.message.content).toBe('express');
    expect(kit.mock.requests[1]!.path).toBe(`/v1/publishers/google/models/${GEMINI}:generateContent`);
    expect(kit.mock.requests[1]!.headers['x-goog-api-key']).toBe('express-key-123456');
    expect(kit.mock.requests[1]!.headers.authorization).toBeUndefined();
    expect(kit.mock.exchanges.length).toBe(exchanges);
  });
});
