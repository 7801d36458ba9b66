/**
 * The official `openai` SDK as a strict parser of what this translator sends: a local Bun.serve
 * answers `POST /v1/responses` with the translator's codec over scripted hub parts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI, { APIError } from 'openai';
import { GatewayError, isGatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext } from '../../../core/plugin/types.ts';
import type { ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { createResponsesTranslator } from './responses-translator.ts';
import { httpInput, partsStream } from './responses-test-kit.ts';

const SCRIPTS: Record<string, StreamPart[]> = {
  text: [
    { type: 'start', id: 'resp_text1', model: 'up-model', created: 1741290958 },
    { type: 'text-delta', text: 'Hi' },
    { type: 'text-delta', text: ' there!' },
    { type: 'finish', reason: 'stop', usage: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 4 } },
  ],
  tools: [
    { type: 'start', id: 'resp_tools1', model: 'up-model' },
    { type: 'reasoning-delta', text: 'Need weather.' },
    { type: 'reasoning-end', redacted: 'gAAAAB-enc', origin: 'openai-responses' },
    { type: 'tool-call-start', id: 'call_1', name: 'get_weather', index: 0 },
    { type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: '{"city"' },
    { type: 'tool-call-delta', id: 'call_1', index: 0, argumentsDelta: ':"Paris"}' },
    { type: 'tool-call-end', id: 'call_1', index: 0 },
    { type: 'tool-call-start', id: 'call_2', name: 'get_time', index: 1 },
    { type: 'tool-call-delta', id: 'call_2', index: 1, argumentsDelta: '{"tz":"CET"}' },
    { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 20, outputTokens: 12, reasoningTokens: 5 } },
  ],
  length: [
    { type: 'text-delta', text: 'cut sho' },
    { type: 'finish', reason: 'length' },
  ],
  broken: [
    { type: 'start', id: 'resp_b', model: 'up-model' },
    { type: 'text-delta', text: 'partial' },
    { type: 'error', error: new GatewayError('GW_UPSTREAM_ERROR', 'The upstream connection broke.', { status: 502 }) },
  ],
};

const RESULT: ChatResult = {
  id: 'resp_json1',
  model: 'up-model',
  content: [
    { type: 'reasoning', text: 'plan', redacted: 'gAAAAB-x', origin: 'openai-responses' },
    { type: 'text', text: 'Hello ' },
    { type: 'text', text: 'world' },
    { type: 'tool-call', id: 'call_9', name: 'lookup', arguments: '{"q":"x"}' },
  ],
  finishReason: 'tool-calls',
  usage: { inputTokens: 7, outputTokens: 5 },
};

const translator = createResponsesTranslator();
const call = { id: 'req_1' } as CallContext;
let server: ReturnType<typeof Bun.serve>;
let client: OpenAI;
const seenBodies: Array<Record<string, unknown>> = [];

beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const body = await request.json();
      seenBodies.push(body as Record<string, unknown>);
      try {
        const req = await translator.decode(httpInput(body));
        if (!req.stream) return translator.encodeResult(RESULT, req, call);
        const script = SCRIPTS[req.model];
        if (!script) throw new GatewayError('GW_MODEL_NOT_FOUND', `Unknown model ${req.model}.`);
        const stream = translator.encodeStream(partsStream(script), req, call);
        return new Response(stream, { headers: translator.streamHeaders!(req, call) });
      } catch (e) {
        return translator.encodeError(isGatewayError(e) ? e : toGatewayError(e));
      }
    },
  });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${server.port}/v1`, maxRetries: 0 });
});

afterAll(() => {
  server.stop(true);
});

describe('openai SDK against the translator', () => {
  test('responses.create (non-stream) parses the JSON response', async () => {
    const res = await client.responses.create({ model: 'json', input: 'hi', include: ['reasoning.encrypted_content'] });
    expect(res.id).toBe('resp_json1');
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Hello world');
    expect(res.output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
    const fc = res.output[2];
    expect(fc.type === 'function_call' && fc.call_id).toBe('call_9');
    expect(res.usage?.total_tokens).toBe(12);
  });

  test('responses.stream → finalResponse for text, with snapshots on deltas', async () => {
    const snapshots: string[] = [];
    const stream = client.responses.stream({ model: 'text', input: 'hi' });
    stream.on('response.output_text.delta', (e) => snapshots.push(e.snapshot));
    const final = await stream.finalResponse();
    expect(snapshots).toEqual(['Hi', 'Hi there!']);
    expect(final.id).toBe('resp_text1');
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Hi there!');
    expect(final.usage?.input_tokens_details.cached_tokens).toBe(4);
    expect(final.model).toBe('up-model');
  });

  test('responses.stream with reasoning and two function calls', async () => {
    const argSnapshots: string[] = [];
    const stream = client.responses.stream({
      model: 'tools',
      input: 'weather?',
      include: ['reasoning.encrypted_content'],
      tools: [
        { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false },
        { type: 'function', name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } }, strict: false },
      ],
    });
    stream.on('response.function_call_arguments.delta', (e) => argSnapshots.push(e.snapshot));
    const final = await stream.finalResponse();
    expect(argSnapshots).toEqual(['{"city"', '{"city":"Paris"}', '{"tz":"CET"}']);
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'function_call', 'function_call']);
    const [reasoning, first, second] = final.output;
    expect(reasoning.type === 'reasoning' && reasoning.summary[0]?.text).toBe('Need weather.');
    expect(reasoning.type === 'reasoning' && reasoning.encrypted_content).toBe('gAAAAB-enc');
    expect(first.type === 'function_call' && [first.call_id, first.name, first.arguments]).toEqual(['call_1', 'get_weather', '{"city":"Paris"}']);
    expect(second.type === 'function_call' && second.arguments).toBe('{"tz":"CET"}');
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(5);
  });

  test('responses.create({stream:true}) yields every event with increasing sequence numbers', async () => {
    const stream = await client.responses.create({ model: 'text', input: 'hi', stream: true });
    const events: Array<{ type: string; sequence_number: number }> = [];
    for await (const event of stream) events.push(event);
    expect(events[0].type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  test('a length finish resolves as an incomplete response', async () => {
    const final = await client.responses.stream({ model: 'length', input: 'hi' }).finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
    expect(final.output_text).toBe('cut sho');
  });

  test('an error mid-stream makes the SDK throw with the message', async () => {
    const stream = client.responses.stream({ model: 'broken', input: 'hi' });
    let caught: unknown;
    try {
      await stream.finalResponse();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(APIError);
    expect((caught as APIError).message).toContain('The upstream connection broke.');
  });

  test('a decode error is a 400 BadRequestError with param', async () => {
    let caught: unknown;
    try {
      await client.responses.create({ model: 'text', input: 'hi', previous_response_id: 'resp_old' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(OpenAI.BadRequestError);
    const err = caught as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err.status).toBe(400);
    expect(err.param).toBe('previous_response_id');
    expect(err.message).toContain('stored responses are off');
  });

  test('the SDK sent what the decoder expects (sanity of the recorded bodies)', () => {
    expect(seenBodies.some((b) => b.model === 'tools' && Array.isArray(b.tools))).toBe(true);
  });
});
