/**
 * An output limit an upstream states in a refusal ("This model supports at most N completion
 * tokens") is remembered, so later requests to that model are capped before they go. The
 * refusal's text is matched anywhere in the upstream's message, and upstreams quote what a
 * client wrote: OpenAI answers an unknown field with "Unrecognized request argument supplied:
 * <its name>", Mistral's 422 names it in the field's location, and an OpenAI Chat client's extra
 * fields reach the upstream on the translated lane. One client could thus set every other
 * client's limit on a model (to 1 token) until the next reload. What a refusal states is now
 * remembered for the client key whose request drew it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const KNOWN = new Set(['model', 'messages', 'max_tokens', 'max_completion_tokens', 'stream', 'stream_options', 'temperature', 'user']);

let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;
let victimKey: string;

beforeAll(async () => {
  // OpenAI's rules: an unknown field is refused by name; otherwise the answer says the max tokens it got.
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const body = (await req.json()) as Record<string, unknown>;
      const unknown = Object.keys(body).find((k) => !KNOWN.has(k));
      if (unknown !== undefined) {
        return Response.json({ error: { message: `Unrecognized request argument supplied: ${unknown}`, type: 'invalid_request_error', param: null, code: null } }, { status: 400 });
      }
      const asked = String(body.max_completion_tokens ?? body.max_tokens ?? 'none');
      return Response.json({
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: String(body.model),
        choices: [{ index: 0, message: { role: 'assistant', content: asked }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      });
    },
  });
  t = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-oai-1234567890], allow_private_network: true }
plugins:
  - ./identity.ts
`);
  // A transformPart hook puts OpenAI Chat clients on the translated lane (a redaction plugin, say).
  await Bun.write(`${t.dataDir}/identity.ts`, `export default { name: 'identity', kind: 'observer', apiVersion: 1,
    setup(ctx) { ctx.hook('transformPart', (p) => p); } };`);
  await t.gw.reload();
  victimKey = t.gw.keys.createKey({ name: 'victim' }).secret;
});
afterAll(async () => {
  await t?.stop();
  upstream?.stop(true);
});

const ask = (key: string, body: Record<string, unknown>) =>
  t.fetch('/v1/chat/completions', {
    method: 'POST', headers: { authorization: `Bearer ${key}` },
    json: { model: 'oai/house-model-7', messages: [{ role: 'user', content: 'hi' }], ...body },
  });

describe('a stated output limit', () => {
  test('drawn out by one client key does not cap the requests of another', async () => {
    expect(t.gw.host.current.hooks.transformPart).toHaveLength(1);
    const baseline = (await (await ask(victimKey, { max_tokens: 1000 })).json()) as { choices: Array<{ message: { content: string } }> };
    expect(baseline.choices[0]!.message.content).toBe('1000');

    // The attacker's field name is the refusal wording: the upstream quotes it back.
    await (await ask(t.key, { max_tokens: 1000, 'This model supports at most 1 completion tokens': true })).arrayBuffer();

    const after = (await (await ask(victimKey, { max_tokens: 1000 })).json()) as { choices: Array<{ message: { content: string } }> };
    expect(after.choices[0]!.message.content).toBe('1000');
  });
});
