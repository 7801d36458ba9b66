/**
 * OpenAI-compatible servers whose tool calls strict OpenAI clients refuse, on the passthrough
 * lane (the client's bytes are the upstream's), and the `normalize_tool_calls` quirk that puts
 * them in OpenAI's shape:
 * - Mistral sends tool calls without `"type": "function"`, streamed (the whole call in one
 *   chunk) or not: the `openai` SDK's stream helper threw "missing choices[0].tool_calls[0].type".
 *   The fake Mistral answers as Mistral does (tests/helpers/mock-vertex-partners.ts builds its
 *   replies and refusals).
 * - Ollama streams parallel tool calls all at `index: 0` (ollama/ollama#15497): clients that
 *   gather fragments by index merged them into one call with broken JSON arguments.
 * Every other byte passes as it came.
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
let ollama: ReturnType<typeof Bun.serve>;
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
  // Ollama's /v1/chat/completions streaming two calls in one turn, both at index 0.
  ollama = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response(OLLAMA_STREAM, { headers: { 'content-type': 'text/event-stream' } }) });
  const ollamaUrl = `http://127.0.0.1:${ollama.port}/v1`;
  t = await startTestGateway(`
providers:
  mistral: { base_url: "${url}", keys: [sk-mistral-test-0001], allow_private_network: true, models: [mistral-large-latest] }
  raw: { type: openai, base_url: "${url}", keys: [sk-mistral-test-0001], allow_private_network: true, models: [mistral-large-latest], quirks: { no_stream_usage: true } }
  ollama: { base_url: "${ollamaUrl}", models: [qwen3-coder] }
  ollama-raw: { type: openai, base_url: "${ollamaUrl}", allow_private_network: true, models: [qwen3-coder] }
`);
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  server.close();
  ollama.stop(true);
});

/** Ollama's frames for two parallel calls (as its issue #15497 shows them: every call at index 0). */
const ollamaChunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-468', object: 'chat.completion.chunk', created: 1775700000, model: 'qwen3-coder', system_fingerprint: 'fp_ollama', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const OLLAMA_STREAM = [
  ollamaChunk({ role: 'assistant', content: '' }),
  ollamaChunk({ role: 'assistant', content: '', tool_calls: [{ id: 'call_a1b2c3d4', index: 0, type: 'function', function: { name: 'file_write', arguments: '{"filePath":"hello.py","content":"print(\\"hello\\")"}' } }] }),
  ollamaChunk({ role: 'assistant', content: '', tool_calls: [{ id: 'call_e5f6g7h8', index: 0, type: 'function', function: { name: 'file_write', arguments: '{"filePath":"world.py","content":"print(\\"world\\")"}' } }] }),
  ollamaChunk({ role: 'assistant', content: '' }, 'tool_calls'),
  'data: [DONE]\n\n',
].join('');

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

describe('Ollama\'s parallel tool calls reach OpenAI clients as two calls (passthrough lane)', () => {
  const ask = (model: string) => openai.chat.completions.stream({
    model, tools: [weather], messages: [{ role: 'user', content: 'Create hello.py and world.py.' }],
  }).finalChatCompletion();

  test('the ollama preset renumbers them 0 and 1: two calls, each with its own arguments', async () => {
    const final = await ask('ollama/qwen3-coder');
    const calls = final.choices[0]!.message.tool_calls!.map((c) => c as { id: string; function: { arguments: string } });
    expect(calls.map((c) => c.id)).toEqual(['call_a1b2c3d4', 'call_e5f6g7h8']);
    expect(calls.map((c) => JSON.parse(c.function.arguments).filePath)).toEqual(['hello.py', 'world.py']);
  });

  test('without the quirk, the client merges them into one call with broken arguments', async () => {
    const final = await ask('ollama-raw/qwen3-coder');
    const calls = final.choices[0]!.message.tool_calls!.map((c) => c as { function: { arguments: string } });
    expect(calls).toHaveLength(1);
    expect(() => JSON.parse(calls[0]!.function.arguments)).toThrow();
  });
});
