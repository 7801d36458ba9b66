/**
 * The `bedrock` provider end to end against a fake Bedrock runtime (tests/helpers/mock-bedrock.ts),
 * with the official SDKs as clients: every client dialect over Converse and ConverseStream, with
 * a Bedrock API key and with SigV4-signed IAM keys (the mock verifies each signature on its own),
 * tool calls with streamed argument fragments, reasoning, usage with cache counts, a mid-stream
 * exception and a dropped connection (one error event, usage row `error_midstream`), 429
 * throttling and 500 falling back to another provider, and canary keys that never reach logs,
 * the database or a client.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import type { MockBedrock } from '../helpers/mock-bedrock.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import type { TestGateway } from '../helpers/test-gateway.ts';
import { bedrockEntry, startBedrockKit, type BedrockKit } from './bedrock-kit.ts';
import { filesContaining } from '../oauth/oauth-kit.ts';
import { DIALECTS } from '../oauth/sdk-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** An application inference profile: its ARN says nothing of the model behind it (Opus 4.8 here). */
const PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/opus-team';
const API_KEY = 'ABSKcanary-apikey-QmVkcm9ja0FQSUtleS1tb2Nr';
const IAM = { accessKeyId: 'ASIAMOCKEXAMPLE00001', secretAccessKey: 'canary-secret/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'canary-session-IQoJb3JpZ2luX2VjEMOCK' };

let kit: BedrockKit;
let mock: MockBedrock;
let backup: MockOpenAI;
let t: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
/** Every client answer, scanned for canaries at the end. */
const bodies: string[] = [];

type Json = Record<string, any>;
const ask = async (model: string, content: string, stream = false) => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream, messages: [{ role: 'user', content }] } });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text, headers: res.headers };
};
const lastRow = () => kit.lastRow();
const sent = () => mock.requests.at(-1)!;

beforeAll(async () => {
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-1234' });
  kit = await startBedrockKit({ apiKeys: [API_KEY], credentials: [IAM], servesAs: { [PROFILE]: 'us.anthropic.claude-opus-4-8-v1:0' } }, (url) => {
    const entry = (keys: string, extra = '') => bedrockEntry(url, keys, [MODEL, 'amazon.nova-pro-v1:0'], extra);
    return `
logging: { level: debug, bodies: true }
providers:
  bedrock: ${entry(API_KEY, ', region: us-east-1')}
  iam: ${entry(`${IAM.accessKeyId}:${IAM.secretAccessKey}:${IAM.sessionToken}`)}
  profiled: ${entry(API_KEY, `, quirks: { models: { "${PROFILE}": { base_model: us.anthropic.claude-opus-4-8-v1:0 } } }`)}
  iam-bad: ${entry(`${IAM.accessKeyId}:canary-wrong-secret-0000:${IAM.sessionToken}`)}
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-key-1234], allow_private_network: true, models: [claude-sonnet-4-5] }
combos:
  ladder: { models: ["bedrock/${MODEL}", backup/claude-sonnet-4-5] }
  bad-ladder: { models: ["iam-bad/${MODEL}", backup/claude-sonnet-4-5] }
`;
  });
  ({ mock, t, openai, anthropic } = kit);
});
afterAll(async () => {
  await kit.stop();
  await backup.stop();
});

describe('tool schemas Bedrock checks against draft 2020-12', () => {
  test('an OpenAI client\'s `properties: null` (Open WebUI) and an MCP server\'s `type: any` go in that draft\'s forms, in one request', async () => {
    const from = mock.requests.length;
    const r = await openai.chat.completions.create({
      model: `bedrock/${MODEL}`,
      messages: [{ role: 'user', content: 'hello' }],
      tools: [
        { type: 'function', function: { name: 'ping', parameters: { type: 'object', properties: null } as never } },
        { type: 'function', function: { name: 'query', parameters: { type: 'object', properties: { vars: { type: 'any' } } } as never } },
      ],
    });
    expect(r.choices[0]!.message).toBeDefined();
    expect(mock.requests.length).toBe(from + 1);
    const specs = ((sent().body as Json).toolConfig.tools as Json[]).map((t) => t.toolSpec.inputSchema.json);
    expect(specs).toEqual([{ type: 'object' }, { type: 'object', properties: { vars: {} } }]);
  });
});

describe('every client dialect over Converse', () => {
  for (const [provider, auth] of [['bedrock', 'bearer'], ['iam', 'sigv4']] as const) {
    for (const [name, via] of DIALECTS) {
      test(`${name} → ${provider} (${auth}): non-streamed and streamed replies`, async () => {
        const from = mock.requests.length;
        const r = await via(t, `${provider}/${MODEL}`, `bedrock ${name}`);
        expect([r.text, r.streamed]).toEqual([`bedrock ${name}`, `bedrock ${name} streamed`]);
        const calls = mock.requests.slice(from);
        expect(calls.map((c) => [c.status, c.auth, c.model, c.stream])).toEqual([[200, auth, MODEL, false], [200, auth, MODEL, true]]);
        expect(calls[0]!.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
        expect((calls[1]!.body as Json).messages).toEqual([{ role: 'user', content: [{ text: `bedrock ${name} streamed` }] }]);
      });
    }
  }

  test('IAM keys: the request carries the session token and a signature the mock verified', () => {
    const signed = mock.requests.filter((r) => r.auth === 'sigv4');
    expect(signed.length).toBeGreaterThanOrEqual(8);
    for (const r of signed) {
      expect(r.status).toBe(200);
      expect(r.headers['x-amz-security-token']).toBe(IAM.sessionToken);
      expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAMOCKEXAMPLE00001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    }
  });

  test('a wrong secret key is refused by the signature check: 502 alone, the next target in a combo', async () => {
    const alone = await ask(`iam-bad/${MODEL}`, 'bad signature');
    expect(alone.status).toBe(502);
    expect(sent().problem).toContain('signature we calculated does not match');
    const before = backup.requests.length;
    const fell = await ask('bad-ladder', 'bad signature, fall back');
    expect(fell.status).toBe(200);
    expect(JSON.parse(fell.text).choices[0].message.content).toBe('bad signature, fall back');
    expect(backup.requests.length).toBe(before + 1);
  });

  test('system, sampling and stop sequences go to system and inferenceConfig', async () => {
    await openai.chat.completions.create({
      model: `bedrock/${MODEL}`, max_tokens: 300, temperature: 1.5, stop: ['END', '  '],
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'again' }],
    });
    const body = sent().body as Json;
    expect(body.system).toEqual([{ text: 'Be terse.' }]);
    expect(body.inferenceConfig).toEqual({ maxTokens: 300, temperature: 1, stopSequences: ['END'] });
    expect(body.messages.map((m: Json) => m.role)).toEqual(['user', 'assistant', 'user']);
  });
});

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('tool use', () => {
  test('OpenAI client: a toolUse comes back as a tool call, streamed in fragments, and its result goes back as toolResult', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'what is the weather in Paris?' }];
    const r = await openai.chat.completions.create({ model: `iam/${MODEL}`, messages, tools: [weatherTool] });
    const call = r.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect([r.choices[0]!.finish_reason, call.id, call.function.name, JSON.parse(call.function.arguments)]).toEqual(['tool_calls', 'tooluse_mock_1', 'get_weather', { city: 'Paris' }]);
    expect((sent().body as Json).toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', description: 'Weather by city', inputSchema: { json: weatherTool.function.parameters } } }],
    });

    const fragments: string[] = [];
    const s = await openai.chat.completions.create({ model: `iam/${MODEL}`, messages, tools: [weatherTool], tool_choice: 'required', stream: true });
    let finish: string | null | undefined;
    for await (const c of s) {
      const piece = c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments;
      if (piece) fragments.push(piece);
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(fragments.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'Paris' });
    expect(finish).toBe('tool_calls');
    expect((sent().body as Json).toolConfig.toolChoice).toEqual({ any: {} });

    const next = await openai.chat.completions.create({
      model: `iam/${MODEL}`, tools: [weatherTool],
      messages: [...messages, r.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' }],
    });
    expect(next.choices[0]!.message.content).toBe('tool said: sunny, 21 C');
    const body = sent().body as Json;
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_mock_1', name: 'get_weather', input: { city: 'Paris' } } }] });
    expect(body.messages[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_mock_1', content: [{ text: 'sunny, 21 C' }] } }] });
  });

  test('Anthropic client: the streamed tool input arrives as input_json_delta fragments', async () => {
    const stream = anthropic.messages.stream({
      model: `bedrock/${MODEL}`, max_tokens: 256,
      tools: [{ name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'weather in Paris?' }],
    });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const final = await stream.finalMessage();
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content as unknown[]).toEqual([{ type: 'tool_use', id: 'tooluse_mock_1', name: 'get_weather', input: { city: 'Paris' } }]);
  });
});

describe('usage, caching and reasoning', () => {
  test('usage reaches the client and the usage row; cache reads and writes count as input', async () => {
    const plain = await openai.chat.completions.create({ model: `bedrock/${MODEL}`, messages: [{ role: 'user', content: 'count me' }] });
    expect(plain.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    const row = await lastRow();
    expect([row.provider, row.status, row.inputTokens, row.outputTokens, row.estimated]).toEqual(['bedrock', 'ok', 12, 5, false]);

    const cached = await anthropic.messages.create({
      model: `bedrock/${MODEL}`, max_tokens: 64,
      system: [{ type: 'text', text: 'A long stable prefix.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'cached please' }],
    });
    expect((sent().body as Json).system).toEqual([{ text: 'A long stable prefix.' }, { cachePoint: { type: 'default' } }]);
    expect(cached.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 8, cache_creation_input_tokens: 3, output_tokens: 5 });
    const cachedRow = await lastRow();
    expect([cachedRow.inputTokens, cachedRow.cachedTokens]).toEqual([23, 8]);
  });

  test('streamed usage reaches an OpenAI client that asked for it', async () => {
    const s = await openai.chat.completions.create({ model: `iam/${MODEL}`, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'usage stream' }] });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const c of s) usage = c.usage ?? usage;
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  test('Claude extended thinking: sent as additionalModelRequestFields, the reasoning comes back signed, streamed or not', async () => {
    const params = { model: `bedrock/${MODEL}`, max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, messages: [{ role: 'user' as const, content: 'think first' }] };
    const r = await anthropic.messages.create(params);
    expect((sent().body as Json).additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(r.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(r.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think.' });
    expect((r.content[0] as Anthropic.ThinkingBlock).signature).toContain('sig-mock-1');
    const streamed = await anthropic.messages.stream(params).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think.' });
    expect((streamed.content[0] as Anthropic.ThinkingBlock).signature).toContain('sig-mock-1');
    expect(streamed.content[1]).toMatchObject({ type: 'text', text: 'think first' });
  });

  test('an application inference profile with base_model: its requests are built for the model behind it', async () => {
    const res = await openai.chat.completions.create({ model: `profiled/${PROFILE}`, reasoning_effort: 'medium', temperature: 0.5, messages: [{ role: 'user', content: 'think first' }] });
    expect(res.choices[0]!.message.content).toBe('think first');
    expect(sent().model).toBe(PROFILE);
    expect((sent().body as Json).additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } });
    expect((sent().body as Json).inferenceConfig?.temperature).toBeUndefined();
  });

  test('Opus 4.7 and later (adaptive thinking only, no sampling parameters): the effort as output_config, no temperature', async () => {
    const opus = 'bedrock/us.anthropic.claude-opus-4-8-v1:0';
    const thinking = await openai.chat.completions.create({ model: opus, reasoning_effort: 'high', temperature: 0.2, messages: [{ role: 'user', content: 'think first' }] });
    expect(thinking.choices[0]!.message.content).toBe('think first');
    expect((sent().body as Json).additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
    expect((sent().body as Json).inferenceConfig?.temperature).toBeUndefined();
    const plain = await openai.chat.completions.create({ model: opus, temperature: 0.2, top_p: 0.9, messages: [{ role: 'user', content: 'plain' }] });
    expect(plain.choices[0]!.message.content).toBe('plain');
    expect(sent().status).toBe(200);
    expect((sent().body as Json).inferenceConfig ?? {}).not.toContainAnyKeys(['temperature', 'topP']);
  });
});

describe('faults', () => {
  const frames = (sse: string) => sse.split('\n\n').filter((f) => f.startsWith('data: '));

  for (const [name, fault] of [
    ['an exception event', { exceptionAfterEvents: 3 }],
    ['a dropped connection', { dropAfterEvents: 3 }],
  ] as const) {
    test(`${name} mid-stream: exactly one error event, no [DONE], usage row error_midstream, no fallback`, async () => {
      const before = backup.requests.length;
      mock.script([fault]);
      const r = await ask('ladder', 'one two three four five', true);
      expect(r.status).toBe(200);
      const errors = frames(r.text).filter((f) => f.includes('"error"'));
      expect(errors).toHaveLength(1);
      expect(r.text).toContain('"content":"one "');
      expect(r.text).not.toContain('[DONE]');
      expect(backup.requests.length).toBe(before);
      const row = await lastRow();
      expect([row.status, row.provider]).toEqual(['error_midstream', 'bedrock']);
    });
  }

  test('the mid-stream exception keeps its message for the client', async () => {
    mock.script([{ exceptionAfterEvents: 3, message: 'Model stream broke: overloaded' }]);
    const r = await ask(`bedrock/${MODEL}`, 'a b c d', true);
    expect(frames(r.text).filter((f) => f.includes('"error"'))[0]).toContain('Model stream broke: overloaded');
  });

  test('429 ThrottlingException falls back to the next provider, streamed or not', async () => {
    for (const stream of [false, true]) {
      const before = backup.requests.length;
      mock.script([{ status: 429, retryAfter: '7', message: 'Too many requests, please wait before trying again.' }]);
      const r = await ask('ladder', `throttled ${stream}`, stream);
      expect(r.status).toBe(200);
      if (stream) expect(r.text).toContain('"content":"throttled');
      else expect(JSON.parse(r.text).choices[0].message.content).toBe('throttled false');
      expect(mock.requests.at(-1)!.status).toBe(429);
      expect(backup.requests.length).toBe(before + 1);
      const row = await lastRow();
      expect([row.provider, row.attempts]).toEqual(['backup', 2]);
    }
  });

  test('429 without a fallback: the client gets a 429 with the upstream wait', async () => {
    mock.script([{ status: 429, retryAfter: '7', message: 'Too many requests, please wait before trying again.' }]);
    const r = await ask(`bedrock/${MODEL}`, 'throttled alone');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.text).toContain('Too many requests');
  });

  test('500 InternalServerException falls back; 400 ValidationException does not', async () => {
    mock.script([{ status: 500 }]);
    expect((await ask('ladder', 'server error')).status).toBe(200);
    const before = backup.requests.length;
    mock.script([{ status: 400, message: 'The provided model identifier is invalid.' }]);
    const bad = await ask('ladder', 'refused');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('The provided model identifier is invalid.');
    expect(backup.requests.length).toBe(before);
  });
});

describe('secrets', () => {
  test('an upstream that echoes the secret key or session token in its error: masked for the client', async () => {
    mock.script([{ status: 400, message: `bad signature with ${IAM.secretAccessKey} and ${IAM.sessionToken}` }]);
    const r = await ask(`iam/${MODEL}`, 'echo my secret');
    expect(r.status).toBe(400);
    expect(r.text).toContain('bad signature with *** and ***');
  });

  test('no canary key, secret or token in the data dir (database, WAL, debug logs) or any client answer', async () => {
    t.gw.log.warn(`careless line ${IAM.secretAccessKey}`);
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(mock.requests.filter((r) => r.auth === 'sigv4').length).toBeGreaterThan(0);
    // The config file is the user's own and holds the keys as written; nothing the gateway writes may.
    expect(filesContaining(t.dataDir, ['canary-']).filter((f) => !f.endsWith('switchyard.yaml'))).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
  });
});
