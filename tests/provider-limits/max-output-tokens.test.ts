/**
 * Output-token limits on the translated lane. Claude Code asks for 32000 output tokens (more
 * with thinking); gpt-4o takes 16384 and answers 400 "max_tokens is too large" otherwise, and
 * Anthropic and Gemini refuse more than their models' limits alike. Preset models carry their
 * published limit (`max_output_tokens`) and the translated request is capped to it, never
 * raised; a model no preset knows that states its limit in the 400 gets the attempt once more
 * with that limit, and later requests are capped at once. The passthrough lane sends what the
 * client wrote, and once more at the limit when the upstream states it in its refusal. Each
 * upstream checks the limit as the real API does.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { anthropicMessage, json, openaiChunk, openaiCompletion, openaiStream, openaiUsage } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';
import { strictAnthropic, strictGemini, strictOpenAI } from './strict-upstream.ts';

type Json = Record<string, any>;

let h: Hunt;
let claude: Anthropic;
let openai: OpenAI;
beforeAll(async () => {
  h = await startHunt(`
providers:
  openai: { preset: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true }
  anthropic: { preset: anthropic, base_url: UPSTREAM, keys: [sk-ant-upstream-1], allow_private_network: true }
  gemini: { preset: gemini, base_url: UPSTREAM, keys: [gem-upstream-key-1], allow_private_network: true }
  az: { type: openai, base_url: UPSTREAM/v1, keys: [sk-az-upstream-1], allow_private_network: true, models: [gpt4o-a, gpt4o-b, ds-chat, ctx-model] }
`);
  claude = new Anthropic({ apiKey: h.gw.key, baseURL: h.gw.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: h.gw.key, baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello' }];
const hi = () => openaiStream([openaiChunk({ role: 'assistant', content: 'Hi' }), openaiChunk({ content: '.' }), openaiChunk({}, 'stop'), openaiUsage(5, 2)]);
const textOf = (m: Anthropic.Message) => m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
const sentMax = () => h.up.requests.map((r) => r.body.max_completion_tokens ?? r.body.max_tokens);

describe('preset limits cap the translated request', () => {
  test('Claude Code (32000, thinking) to openai/gpt-4o: sent as 16384, answered', async () => {
    h.up.next(strictOpenAI(hi(), 16384));
    const msg = await claude.messages.stream({
      model: 'openai/gpt-4o', max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 }, messages: hello,
    }).finalMessage();
    expect(textOf(msg)).toBe('Hi.');
    expect(h.up.requests).toHaveLength(1);
    expect(h.up.requests[0]!.body.max_completion_tokens).toBe(16384);
  });

  test('never raised: 1024 stays 1024', async () => {
    h.up.next(strictOpenAI(openaiCompletion({ content: 'Hi.' }, 'stop'), 16384));
    await claude.messages.create({ model: 'openai/gpt-4o', max_tokens: 1024, messages: hello });
    expect(sentMax()).toEqual([1024]);
  });

  test('Gemini CLI (maxOutputTokens 65536, thinking 40000) to anthropic/claude-opus-4-1: max_tokens 32000, budget below it', async () => {
    h.up.next(strictAnthropic(anthropicMessage([{ type: 'text', text: 'Hi.' }], 'end_turn'), 32000));
    const r = await h.ai.models.generateContent({
      model: 'anthropic/claude-opus-4-1', contents: 'Hello', config: { maxOutputTokens: 65536, thinkingConfig: { thinkingBudget: 40000 } },
    });
    expect(r.text).toBe('Hi.');
    const body = h.up.requests[0]!.body as Json;
    expect(body.max_tokens).toBe(32000);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 31999 });
  });

  test('Claude Code (20000) to gemini/gemini-2.0-flash: maxOutputTokens 8192', async () => {
    h.up.next(strictGemini(json({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi.' }] }, finishReason: 'STOP' }] }), 8192));
    const msg = await claude.messages.create({ model: 'gemini/gemini-2.0-flash', max_tokens: 20000, messages: hello });
    expect(textOf(msg)).toBe('Hi.');
    expect((h.up.requests[0]!.body as Json).generationConfig.maxOutputTokens).toBe(8192);
  });

  test('passthrough: the preset does not cap what the client wrote; the upstream\'s refusal of it does (the client asked for up to that many)', async () => {
    h.up.next(strictOpenAI(openaiCompletion({ content: 'Hi.' }, 'stop'), 16384), strictOpenAI(openaiCompletion({ content: 'Hi.' }, 'stop'), 16384));
    const r = await openai.chat.completions.create({ model: 'openai/gpt-4o', max_tokens: 32000, messages: [{ role: 'user', content: 'Hello' }] });
    expect(r.choices[0]!.message.content).toBe('Hi.');
    expect(sentMax()).toEqual([32000, 16384]);
  });
});

describe('a limit the upstream states in its 400 (a model no preset knows)', () => {
  test('streamed: sent once more with the stated limit before anything reached the client; the next request is capped at once', async () => {
    h.up.next(strictOpenAI(hi(), 16384), strictOpenAI(hi(), 16384));
    const msg = await claude.messages.stream({ model: 'az/gpt4o-a', max_tokens: 32000, messages: hello }).finalMessage();
    expect(textOf(msg)).toBe('Hi.');
    expect(sentMax()).toEqual([32000, 16384]);

    h.up.reset();
    h.up.next(strictOpenAI(hi(), 16384));
    const again = await claude.messages.stream({ model: 'az/gpt4o-a', max_tokens: 32000, messages: hello }).finalMessage();
    expect(textOf(again)).toBe('Hi.');
    expect(sentMax()).toEqual([16384]);
  });

  test('not streamed, Gemini CLI: the same; DeepSeek wording ("valid range of max_tokens is [1, 8192]") too', async () => {
    h.up.next(strictOpenAI(openaiCompletion({ content: 'Hi.' }, 'stop'), 16384), strictOpenAI(openaiCompletion({ content: 'Hi.' }, 'stop'), 16384));
    const r = await h.ai.models.generateContent({ model: 'az/gpt4o-b', contents: 'Hello', config: { maxOutputTokens: 65536 } });
    expect(r.text).toBe('Hi.');
    expect(sentMax()).toEqual([65536, 16384]);

    h.up.reset();
    const refusal = json({ error: { message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 8192]', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } }, 400);
    h.up.next(refusal, openaiCompletion({ content: 'Hi.' }, 'stop'));
    const ds = await h.ai.models.generateContent({ model: 'az/ds-chat', contents: 'Hello', config: { maxOutputTokens: 32000 } });
    expect(ds.text).toBe('Hi.');
    expect(sentMax()).toEqual([32000, 8192]);
  });

  test('a context-length 400 is not a stated output limit: the client gets it, no second call', async () => {
    const message = "This model's maximum context length is 128000 tokens. However, you requested 140000 tokens (8000 in the messages, 132000 in the completion). Please reduce the length of the messages or completion.";
    h.up.next(json({ error: { message, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }, 400));
    const err = await claude.messages.create({ model: 'az/ctx-model', max_tokens: 20000, messages: hello }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(h.up.requests).toHaveLength(1);
  });
});
