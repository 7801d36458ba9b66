import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * Prompt controls through a real gateway: what each upstream receives (recorded by the mocks)
 * after system-prompt injection, model-name suffixes and the thinking budget modes.
 */
let oai: MockOpenAI;
let claude: MockAnthropic;
let gem: MockGemini;
let t: TestGateway;
let client: OpenAI;

const config = (plugins: string) => `
providers:
  up: { type: openai, base_url: "${oai.url}", keys: [sk-oai], allow_private_network: true, models: [gpt-4o, gpt-5, kimi-k2-thinking] }
  alt: { type: openai, base_url: "${oai.url}", keys: [sk-oai], allow_private_network: true }
  claude: { type: anthropic, base_url: ${claude.origin}, keys: [sk-ant], allow_private_network: true }
  gem: { type: gemini, base_url: ${gem.url}, keys: [AIza-test-key], allow_private_network: true }
aliases: { smart: claude/claude-sonnet-4-5 }
plugins:
${plugins}
`;

const PROMPTS = `  - system-prompt:
      rules:
        - { match: "up/*", mode: prepend, text: "Operator first." }
        - { match: ["up/gpt-4o", "nothing/*"], mode: append, text: "Operator last." }
        - { match: "alt/*", mode: replace, text: "Only the operator speaks." }
`;

beforeAll(async () => {
  oai = await startMockOpenAI();
  claude = await startMockAnthropic();
  gem = await startMockGemini();
  t = await startTestGateway(config(`${PROMPTS}  - thinking-budget: {}\n`));
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await oai.stop();
  await claude.stop();
  await gem.stop();
});

type Sent = { model: string; messages: Array<{ role: string; content: unknown }>; reasoning_effort?: string };
const lastOpenAI = () => oai.requests.at(-1)!.body as Sent;
const chat = (model: string, content = 'hi', extra: Record<string, unknown> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }], ...extra } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming).withResponse();

describe('system-prompt', () => {
  test('prepend and append around the client system prompt, for matching models', async () => {
    await client.chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'system', content: 'Client rules.' }, { role: 'user', content: 'hi' }] });
    const sent = lastOpenAI().messages.map((m) => [m.role, m.content]);
    expect(sent).toEqual([['system', 'Operator first.'], ['system', 'Client rules.'], ['system', 'Operator last.'], ['user', 'hi']]);
  });

  test('replace drops the client system prompt; other models are left alone', async () => {
    await client.chat.completions.create({ model: 'alt/gpt-4o', messages: [{ role: 'system', content: 'Client rules.' }, { role: 'user', content: 'hi' }] });
    expect(lastOpenAI().messages.map((m) => [m.role, m.content])).toEqual([['system', 'Only the operator speaks.'], ['user', 'hi']]);
    await client.chat.completions.create({ model: 'claude/claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'system', content: 'Client rules.' }, { role: 'user', content: 'hi' }] });
    expect(claude.lastBody()?.system).toEqual([{ type: 'text', text: 'Client rules.' }]);
  });
});

describe('model-name suffixes', () => {
  test(':high is stripped for routing and becomes reasoning_effort on an OpenAI upstream', async () => {
    const r = await chat('up/gpt-5:high');
    expect(lastOpenAI().model).toBe('gpt-5');
    expect(lastOpenAI().reasoning_effort).toBe('high');
    expect(r.response.headers.get('x-switchyard-reasoning')).toBe('suffix :high; effort=high');
  });

  test('-thinking turns on Anthropic thinking; -thinking-N sets the budget; aliases work', async () => {
    await chat('claude/claude-sonnet-4-5-thinking', 'think', { max_tokens: 100 });
    expect(claude.lastBody()).toMatchObject({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 4096 } });
    await chat('smart-thinking-6000', 'think', { max_tokens: 100 });
    expect(claude.lastBody()).toMatchObject({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 6000 } });
    expect((claude.lastBody() as { max_tokens: number }).max_tokens).toBeGreaterThan(6000);
  });

  test(':low reaches Gemini as a thinking budget', async () => {
    await chat('gem/gemini-2.5-flash:low');
    const body = gem.lastBody() as { generationConfig?: { thinkingConfig?: { thinkingBudget?: number } } };
    expect(gem.requests.at(-1)!.path).toContain('gemini-2.5-flash:');
    expect(body.generationConfig?.thinkingConfig?.thinkingBudget).toBe(1024);
  });

  test('CLIProxyAPI\'s parenthesized form: (high) an effort, (8192) a budget, (auto) the provider\'s own', async () => {
    const r = await chat('up/gpt-5(high)');
    expect([lastOpenAI().model, lastOpenAI().reasoning_effort]).toEqual(['gpt-5', 'high']);
    expect(r.response.headers.get('x-switchyard-reasoning')).toBe('suffix (high); effort=high');
    await chat('gem/gemini-2.5-flash(8192)');
    expect(gem.requests.at(-1)!.path).toContain('gemini-2.5-flash:');
    expect((gem.lastBody() as { generationConfig?: { thinkingConfig?: { thinkingBudget?: number } } }).generationConfig?.thinkingConfig?.thinkingBudget).toBe(8192);
    await chat('gem/gemini-2.5-flash(auto)');
    expect((gem.lastBody() as { generationConfig?: { thinkingConfig?: { thinkingBudget?: number } } }).generationConfig?.thinkingConfig?.thinkingBudget).toBe(-1);
    // A word no suffix knows leaves the name as it is.
    await chat('up/gpt-5(fastest)');
    expect([lastOpenAI().model, lastOpenAI().reasoning_effort]).toEqual(['gpt-5(fastest)', undefined]);
  });

  test('a listed model whose name ends like a suffix is left as it is', async () => {
    await chat('up/kimi-k2-thinking');
    expect(lastOpenAI().model).toBe('kimi-k2-thinking');
    expect(lastOpenAI().reasoning_effort).toBeUndefined();
  });
});

describe('thinking modes', () => {
  test('custom replaces the client settings with the configured budget (and matching effort)', async () => {
    await t.writeConfig(config(`  - thinking-budget: { mode: custom, budget_tokens: 2000 }\n`));
    await chat('up/gpt-5', 'hi', { reasoning_effort: 'high' });
    expect(lastOpenAI().reasoning_effort).toBe('low');
    await chat('claude/claude-sonnet-4-5', 'hi', { max_tokens: 100 });
    expect(claude.lastBody()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2000 } });
    // gpt-4o is not a reasoning model: the mode leaves it alone.
    await chat('up/gpt-4o');
    expect(lastOpenAI().reasoning_effort).toBeUndefined();
  });

  test('auto picks the effort by task size and keeps what the client chose', async () => {
    await t.writeConfig(config(`  - thinking-budget: { mode: auto }\n`));
    await chat('up/gpt-5', 'short question');
    expect(lastOpenAI().reasoning_effort).toBe('low');
    await chat('up/gpt-5', 'long context '.repeat(600));
    expect(lastOpenAI().reasoning_effort).toBe('medium');
    await chat('up/gpt-5', 'very long context '.repeat(2000));
    expect(lastOpenAI().reasoning_effort).toBe('high');
    await chat('up/gpt-5', 'short question', { reasoning_effort: 'minimal' });
    expect(lastOpenAI().reasoning_effort).toBe('minimal');
  });

  test('adaptive grows the budget with the conversation', async () => {
    await t.writeConfig(config(`  - thinking-budget: { mode: adaptive, adaptive: { min_tokens: 1024, per_turn_tokens: 2048, max_tokens: 5000 } }\n`));
    const turns = (n: number) => Array.from({ length: n }, (_, i) => [
      { role: 'user' as const, content: `question ${i}` }, { role: 'assistant' as const, content: `answer ${i}` },
    ]).flat().slice(0, -1);
    await client.chat.completions.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: turns(1) });
    expect(claude.lastBody()).toMatchObject({ thinking: { budget_tokens: 1024 } });
    await client.chat.completions.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: turns(2) });
    expect(claude.lastBody()).toMatchObject({ thinking: { budget_tokens: 3072 } });
    await client.chat.completions.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: turns(6) });
    expect(claude.lastBody()).toMatchObject({ thinking: { budget_tokens: 5000 } });
  });

  test('passthrough leaves the request as the client sent it (and a suffix still applies)', async () => {
    await t.writeConfig(config(`  - thinking-budget: { mode: passthrough }\n`));
    await chat('claude/claude-sonnet-4-5', 'hi', { max_tokens: 100 });
    expect(claude.lastBody()?.thinking).toBeUndefined();
    await chat('up/gpt-5:medium');
    expect(lastOpenAI()).toMatchObject({ model: 'gpt-5', reasoning_effort: 'medium' });
  });
});

describe('with the response cache', () => {
  test('the cache keys on the request after prompt controls, wherever it is listed', async () => {
    const withRule = (text: string) => config(`  - response-cache: {}
  - system-prompt: { rules: [ { match: "up/*", text: "${text}" } ] }
  - thinking-budget: {}
`);
    await t.writeConfig(withRule('Rule one.'));
    const verdict = async (model: string) => (await chat(model, 'cache me')).response.headers.get('x-switchyard-cache');
    expect(await verdict('up/gpt-5:high')).toBe('miss');
    expect(lastOpenAI().messages[0]).toEqual({ role: 'system', content: 'Rule one.' });
    expect(await verdict('up/gpt-5:high')).toBe('hit');
    expect(await verdict('up/gpt-5:low')).toBe('miss');
    await t.writeConfig(withRule('Rule two.'));
    expect(await verdict('up/gpt-5:high')).toBe('miss');
    expect(lastOpenAI().messages[0]).toEqual({ role: 'system', content: 'Rule two.' });
  });
});
