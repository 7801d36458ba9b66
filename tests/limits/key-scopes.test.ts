import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const yaml = `
providers:
  groq: { type: mock }
  openai: { type: mock }
aliases: { fast: groq/echo }
combos:
  cheap: { models: [groq/echo, openai/echo] }
`;

describe('client key scopes and expiry (real gateway)', () => {
  test('a key may use only the models its scopes match; others get 403 in the client dialect', async () => {
    t = await startTestGateway(yaml);
    const { secret } = t.gw.keys.createKey({ name: 'scoped', scopes: ['groq/*', 'fast', '!groq/fail-*'] });
    expect((await post(t, chat('groq/echo'), { secret })).status).toBe(200);
    expect((await post(t, chat('fast'), { secret })).status).toBe(200);
    const denied = await post(t, chat('openai/echo'), { secret });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { type: 'permission_error', code: 'GW_FORBIDDEN', param: 'model' } });
    expect((await post(t, chat('cheap'), { secret })).status).toBe(403);
    expect((await post(t, chat('groq/fail-500'), { secret })).status).toBe(403);
    const anth = await t.fetch('/v1/messages', {
      method: 'POST', headers: { authorization: `Bearer ${secret}`, 'anthropic-version': '2023-06-01' },
      json: { model: 'openai/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(anth.status).toBe(403);
    expect(await anth.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    // The default key has no scopes and may use everything.
    expect((await post(t, chat('openai/echo'))).status).toBe(200);
  });

  test('an expired key is refused with 401, also by the injected clock', async () => {
    let offset = 0;
    t = await startTestGateway(yaml, { now: () => Date.now() + offset });
    const gone = t.gw.keys.createKey({ name: 'old', expiresAt: Date.now() - 1000 }).secret;
    const refused = await post(t, chat('groq/echo'), { secret: gone });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('This API key has expired.');
    const soon = t.gw.keys.createKey({ name: 'soon', expiresAt: Date.now() + 3_600_000 }).secret;
    expect((await post(t, chat('groq/echo'), { secret: soon })).status).toBe(200);
    offset = 2 * 3_600_000;
    const late = await post(t, chat('groq/echo'), { secret: soon });
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { message: string } }).error.message).toContain('expired');
  });
});
