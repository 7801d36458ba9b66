/**
 * Mistral's API sends tool calls without `"type": "function"`, streamed (the whole call in one
 * chunk) or not. On the passthrough lane an OpenAI client got those bytes as they were, and the
 * `openai` SDK's stream helper threw "missing choices[0].tool_calls[0].type". The `mistral`
 * preset's `add_tool_call_type` quirk puts the field back in the chunks and replies that hold
 * tool calls; every other byte passes as it came. The fake Mistral below answers as Mistral does
 * (tests/helpers/mock-vertex-partners.ts builds Mistral's replies and refusals).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { answerPartner, MISTRAL_CALL_ID } from '../helpers/mock-vertex-partners.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Json = Record<string, any>;
const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

let server: Server;
let t: TestGateway;
let openai: OpenAI;
/** What the fake Mistral sent back, byte for byte, per call. */
const sentBack: string[] = [];

beforeAll(async () => {
  // Mistral's chat completions endpoint: the body checked and answered as Mistral does.
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as Json;
      const io = {
        sendRaw: (r: typeof res, status: number, type: string, out: string) => {
          sentBack.push(out);
          r.writeHead(status, { 'content-type': type }).end(out);
        },
        drop: () => req.socket.destroy(),
      };
      void answerPartner(res, { publisher: 'mistralai', model: String(body.model), method: body.stream ? 'streamRawPredict' : 'rawPredict', body }, io);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  t = await startTestGateway(`
providers:
  mistral: { base_url: "${url}", keys: [sk-mistral-test-0001], allow_private_network: true, models: [mistral-large-latest] }
  raw: { type: openai, base_url: "${url}", keys: [sk-mistral-test-0001], allow_private_network: true, models: [mistral-large-latest], quirks: { no_stream_usage: true } }
`);
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  server.close();
});

describe('Mistral tool calls reach OpenAI clients with their type (passthrough lane)', () => {
  test('the openai SDK stream helper gets the tool call (it threw on the upstream bytes)', async () => {
    const stream = openai.chat.completions.stream({ model: 'mistral/mistral-large-latest', tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call).toMatchObject({ id: MISTRAL_CALL_ID, type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({ location: 'Paris' });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    // The upstream really sent no type: this is the gateway's doing.
    expect(sentBack.at(-1)).toContain('"tool_calls"');
    expect(sentBack.at(-1)).not.toContain('"type"');
  });

  test('non-streamed: the message\'s tool calls carry their type; text replies are the upstream\'s bytes', async () => {
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mistral/mistral-large-latest', tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Lyon?' }] } });
    const body = (await res.json()) as Json;
    expect(body.choices[0].message.tool_calls[0]).toMatchObject({ id: MISTRAL_CALL_ID, type: 'function', function: { name: 'get_weather' } });
    const text = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mistral/mistral-large-latest', messages: [{ role: 'user', content: 'say hi' }] } });
    expect(await text.text()).toBe(sentBack.at(-1)!);
  });

  test('streamed text passes byte for byte', async () => {
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mistral/mistral-large-latest', stream: true, messages: [{ role: 'user', content: 'stream these words' }] } });
    expect(await res.text()).toBe(sentBack.at(-1)!);
  });

  test('without the quirk, the upstream bytes pass as they are (the SDK helper refuses them)', async () => {
    const stream = openai.chat.completions.stream({ model: 'raw/mistral-large-latest', tools: [weather], messages: [{ role: 'user', content: 'What is the weather in Rome?' }] });
    const err = await stream.finalChatCompletion().then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain('tool_calls[0].type');
  });
});
