/**
 * Exact token counts on Bedrock, end to end: the three count routes (Anthropic
 * `messages.countTokens`, Gemini `:countTokens`, Responses `input_tokens`, each through its
 * official SDK) on a `bedrock` target answer the count of Bedrock's CountTokens
 * (tests/helpers/mock-bedrock.ts, which verifies the signature, the path and the body and counts
 * the converse input's characters), not the gateway's estimate. What is counted is the Converse
 * request a generation would send (system and tools included), for the inference profile's
 * foundation model, signed like a generation (API key, IAM keys, an AWS profile). A model
 * CountTokens refuses falls to the estimate (or the next target) and is not asked again; a
 * throttled count falls to the estimate and is asked again next time. Counts write no usage row.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { bedrockInputTokens, startMockBedrock, type MockBedrock, type RecordedBedrock } from '../helpers/mock-bedrock.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { estimateAnthropicInputTokens } from '../../plugins/translator/anthropic-messages/count-anthropic-tokens.ts';
import { countGeminiTokens } from '../../plugins/translator/gemini/gemini-model-routes.ts';
import { claudeCodeTurn, WEATHER_TOOL } from '../exact-token-counts/exact-counts-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** What CountTokens is asked with: the inference profile's foundation model, one encoded path segment. */
const COUNT_PATH = `/model/${encodeURIComponent('anthropic.claude-sonnet-4-5-20250929-v1:0')}/count-tokens`;
const NOVA = 'amazon.nova-pro-v1:0';
const LLAMA = 'meta.llama3-1-70b-instruct-v1:0';
const API_KEY = 'ABSKcount-apikey-QmVkcm9ja0FQSUtleS1tb2Nr';
const IAM = { accessKeyId: 'ASIACOUNTEXAMPLE0001', secretAccessKey: 'count-secret/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'count-session-IQoJb3JpZ2luX2VjEMOCK' };
const PROFILE = { accessKeyId: 'AKIACOUNTPROFILE0001', secretAccessKey: 'count-profile-secret/wJalrXUtnFEMIK7M' };

const dir = mkdtempSync(join(tmpdir(), 'bedrock-count-'));
writeFileSync(join(dir, 'credentials'), `[counter]\naws_access_key_id = ${PROFILE.accessKeyId}\naws_secret_access_key = ${PROFILE.secretAccessKey}\n`);
writeFileSync(join(dir, 'config'), '');

let mock: MockBedrock;
let t: TestGateway;
let anthropic: Anthropic;
/** Generations this file made: the only requests that may write a usage row. */
let generations = 0;

type Json = Record<string, any>;
const counts = (): RecordedBedrock[] => mock.requests.filter((r) => r.operation === 'count-tokens');
const converseOf = (r: RecordedBedrock | undefined): Json => (r?.body as Json).input.converse;

beforeAll(async () => {
  mock = await startMockBedrock({ apiKeys: [API_KEY], credentials: [IAM, PROFILE] });
  const entry = (auth: string) => `{ type: bedrock, base_url: "${mock.url}", allow_private_network: true, ${auth}, models: [${MODEL}, ${NOVA}, ${LLAMA}] }`;
  t = await startTestGateway(`
providers:
  bedrock: ${entry(`keys: ["${API_KEY}"]`)}
  iam: ${entry(`keys: ["${IAM.accessKeyId}:${IAM.secretAccessKey}:${IAM.sessionToken}"]`)}
  prof: ${entry('profile: counter')}
combos:
  llama-then-claude: { models: ["bedrock/${LLAMA}", "bedrock/${MODEL}"] }
`, { env: { ...process.env, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_PROFILE: undefined } });
  anthropic = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => mock.reset());

/** A Claude Code-like turn: system, tools, a finished tool call, the next question. */
const conversation = (model: string) => claudeCodeTurn(model, [{ type: 'text', text: 'Should I take an umbrella?' }]);
const estimateOf = (p: Anthropic.MessageCountTokensParams) => estimateAnthropicInputTokens(p as never);

/** The usage rows written since the gateway started (every request of this file but one generation is a count). */
async function usageRows() {
  await t.settled();
  t.gw.usage.flush();
  return t.gw.usage.recent(500);
}

describe('CountTokens answers the count routes', () => {
  test('Anthropic SDK: the converted request goes to /count-tokens of the foundation model; the answer is its count, billed nothing', async () => {
    const params = conversation(`bedrock/${MODEL}`);
    const r = await anthropic.messages.countTokens(params);
    const [seen] = counts();
    expect(seen).toMatchObject({ status: 200, auth: 'bearer', path: COUNT_PATH, model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' });
    const converse = converseOf(seen);
    expect(Object.keys(seen!.body as Json)).toEqual(['input']);
    expect(Object.keys(converse).sort()).toEqual(['messages', 'system', 'toolConfig']);
    expect(converse.system).toEqual([{ text: 'You are a careful assistant.' }]);
    expect(converse.toolConfig.tools[0].toolSpec).toMatchObject({ name: 'get_weather', inputSchema: { json: WEATHER_TOOL.input_schema } });
    expect(converse.messages.map((m: Json) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(converse.messages)).toContain('"toolResult"');
    expect(r.input_tokens).toBe(bedrockInputTokens(converse));
    expect(r.input_tokens).not.toBe(estimateOf(params));
    expect(await usageRows()).toEqual([]);
  });

  test('system and tool definitions are part of what is counted', async () => {
    const full = await anthropic.messages.countTokens(conversation(`bedrock/${MODEL}`));
    const { system: _s, tools: _t, ...bare } = conversation(`bedrock/${MODEL}`);
    // Without tools the history's tool blocks still need a toolConfig (bare schemas), so compare with the last turn only.
    const plain = await anthropic.messages.countTokens({ model: bare.model, messages: [{ role: 'user', content: 'Should I take an umbrella?' }] });
    const withBoth = await anthropic.messages.countTokens({ ...conversation(`bedrock/${MODEL}`), messages: [{ role: 'user', content: 'Should I take an umbrella?' }] });
    const [, second, third] = counts();
    expect(converseOf(second)).toEqual({ messages: [{ role: 'user', content: [{ text: 'Should I take an umbrella?' }] }] });
    expect(Object.keys(converseOf(third)).sort()).toEqual(['messages', 'system', 'toolConfig']);
    expect(withBoth.input_tokens).toBe(bedrockInputTokens(converseOf(third)));
    expect(withBoth.input_tokens - plain.input_tokens).toBe(bedrockInputTokens(converseOf(third)) - bedrockInputTokens(converseOf(second)));
    expect(withBoth.input_tokens).toBeGreaterThan(plain.input_tokens + 20);
    expect(full.input_tokens).toBeGreaterThan(withBoth.input_tokens);
  });

  test('Gemini SDK :countTokens on a Bedrock model: the count of the converted history', async () => {
    const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: 'v1beta' } });
    const contents = [
      { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { forecast: 'Sunny' } } }] },
    ];
    const r = await ai.models.countTokens({ model: `bedrock/${MODEL}`, contents });
    const [seen] = counts();
    expect(seen).toMatchObject({ status: 200, path: COUNT_PATH });
    const converse = converseOf(seen);
    expect(JSON.stringify(converse.messages)).toContain('"toolUse"');
    expect(converse.toolConfig).toBeDefined();
    expect(r.totalTokens).toBe(bedrockInputTokens(converse));
    expect(r.totalTokens).not.toBe(countGeminiTokens({ contents }).totalTokens);
  });

  test('Responses SDK input_tokens on a Bedrock model: instructions become system, tools toolConfig', async () => {
    const openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const r = await openai.responses.inputTokens.count({
      model: `bedrock/${MODEL}`,
      instructions: 'You are a careful assistant.',
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather of a city', strict: false, parameters: WEATHER_TOOL.input_schema as Record<string, unknown> }],
      input: 'Should I take an umbrella in Paris?',
    });
    const converse = converseOf(counts()[0]);
    expect(converse.system).toEqual([{ text: 'You are a careful assistant.' }]);
    expect(converse.toolConfig.tools.map((x: Json) => x.toolSpec.name)).toEqual(['get_weather']);
    expect(r).toEqual({ object: 'response.input_tokens', input_tokens: bedrockInputTokens(converse) });
  });

  test('thinking goes as additionalModelRequestFields.thinking; sampling and output limits stay out', async () => {
    const r = await anthropic.messages.countTokens({
      model: `bedrock/${MODEL}`, thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Think about umbrellas.' }],
    });
    const converse = converseOf(counts()[0]);
    expect(converse.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(converse.inferenceConfig).toBeUndefined();
    expect(r.input_tokens).toBe(bedrockInputTokens(converse));
  });
});

describe('signed like every call', () => {
  test('IAM keys: SigV4 over the count-tokens path and body, with the session token (the mock checks the signature)', async () => {
    const r = await anthropic.messages.countTokens(conversation(`iam/${MODEL}`));
    const [seen] = counts();
    expect(seen).toMatchObject({ status: 200, auth: 'sigv4', accessKeyId: IAM.accessKeyId, region: 'us-east-1', path: COUNT_PATH });
    expect(seen!.headers['x-amz-security-token']).toBe(IAM.sessionToken);
    expect(r.input_tokens).toBe(bedrockInputTokens(converseOf(seen)));
  });

  test('an AWS profile (profile:) signs the count with its keys', async () => {
    const r = await anthropic.messages.countTokens(conversation(`prof/${MODEL}`));
    const [seen] = counts();
    expect(seen).toMatchObject({ status: 200, auth: 'sigv4', accessKeyId: PROFILE.accessKeyId });
    expect(r.input_tokens).toBe(bedrockInputTokens(converseOf(seen)));
  });
});

describe('the estimate when Bedrock does not count', () => {
  test('a model CountTokens refuses (Nova): the estimate, and that model is not asked again; its generations still go', async () => {
    const params = conversation(`bedrock/${NOVA}`);
    for (let i = 0; i < 3; i++) expect((await anthropic.messages.countTokens(params)).input_tokens).toBe(estimateOf(params));
    expect(counts().map((r) => [r.status, r.model, r.problem])).toEqual([[400, NOVA, "The provided model doesn't support counting tokens."]]);
    const reply = await anthropic.messages.create({ model: `bedrock/${NOVA}`, max_tokens: 20, messages: [{ role: 'user', content: 'hi nova' }] });
    generations++;
    expect(reply.content[0]).toMatchObject({ type: 'text', text: 'hi nova' });
    // The Claude model of the same provider is still counted.
    const claude = await anthropic.messages.countTokens(conversation(`bedrock/${MODEL}`));
    expect(claude.input_tokens).toBe(bedrockInputTokens(converseOf(counts().at(-1))));
  });

  test('in a combo, a target whose model cannot be counted passes to the next one, which counts; the refused one is skipped after', async () => {
    const first = await anthropic.messages.countTokens(conversation('llama-then-claude'));
    const second = await anthropic.messages.countTokens(conversation('llama-then-claude'));
    expect(counts().map((r) => r.model)).toEqual([LLAMA, 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0']);
    expect([first.input_tokens, second.input_tokens]).toEqual([bedrockInputTokens(converseOf(counts()[1])), bedrockInputTokens(converseOf(counts()[2]))]);
  });

  test('a 429 ThrottlingException: the estimate this time, and the next count asks again', async () => {
    mock.script([{ status: 429, retryAfter: '1' }]);
    const params = conversation(`bedrock/${MODEL}`);
    expect((await anthropic.messages.countTokens(params)).input_tokens).toBe(estimateOf(params));
    expect(counts().map((r) => r.status)).toEqual([429]);
    const again = await anthropic.messages.countTokens(params);
    expect(counts().map((r) => r.status)).toEqual([429, 200]);
    expect(again.input_tokens).toBe(bedrockInputTokens(converseOf(counts()[1])));
  });

  test('no count of this file wrote a usage row; its generations did', async () => {
    await anthropic.messages.create({ model: `bedrock/${MODEL}`, max_tokens: 20, messages: [{ role: 'user', content: 'a generation' }] });
    generations++;
    const rows = await usageRows();
    expect(rows.filter((r) => r.operation === 'countTokens')).toEqual([]);
    expect(rows).toHaveLength(generations);
    expect(rows[0]).toMatchObject({ upstreamModel: MODEL, httpStatus: 200 });
  });
});
