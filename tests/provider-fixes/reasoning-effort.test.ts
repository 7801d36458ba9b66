/**
 * `reasoning_effort` derived from another dialect's thinking settings (Gemini CLI always sends
 * `thinkingBudget: -1`, Claude Code sends `thinking`) must not reach an OpenAI model that does
 * not reason: the real API answers 400 to it. Known families lose it through the preset quirk
 * (no wasted call); an upstream no preset knows gets the request once more without it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

let h: Hunt;
let claude: Anthropic;
beforeAll(async () => {
  h = await startHunt(`
providers:
  openai: { preset: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true }
  az: { type: openai, base_url: UPSTREAM/v1, keys: [sk-az-upstream-1], allow_private_network: true, models: [my-gpt4o-deployment] }
`);
  claude = new Anthropic({ apiKey: h.gw.key, baseURL: h.gw.url, maxRetries: 0 });
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

const THINKING_ON = { thinkingConfig: { thinkingBudget: -1, includeThoughts: true } };
const azureRefusal = json({ error: { message: 'Unrecognized request argument supplied: reasoning_effort', type: 'invalid_request_error', param: null, code: null } }, 400);

describe('reasoning_effort and models that do not reason', () => {
  test('Gemini CLI (thinkingBudget -1) to openai/gpt-4o and gpt-4.1-mini: no reasoning_effort is sent', async () => {
    for (const model of ['openai/gpt-4o', 'openai/gpt-4.1-mini']) {
      h.up.next(openaiCompletion({ content: 'Hi.' }, 'stop'));
      const r = await h.ai.models.generateContent({ model, contents: 'Hello', config: THINKING_ON });
      expect(r.text).toBe('Hi.');
    }
    expect(h.up.requests.map((r) => r.body.reasoning_effort)).toEqual([undefined, undefined]);
  });

  test('a reasoning model of the same preset still gets it', async () => {
    h.up.next(openaiCompletion({ content: 'Hi.' }, 'stop'));
    await h.ai.models.generateContent({ model: 'openai/o4-mini', contents: 'Hello', config: THINKING_ON });
    expect(h.up.requests[0]!.body.reasoning_effort).toBe('medium');
  });

  test('Claude Code (thinking on) to gpt-4o: none sent either', async () => {
    h.up.next(openaiCompletion({ content: 'Hi.' }, 'stop'));
    const msg = await claude.messages.create({
      model: 'openai/gpt-4o', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(msg.content.flatMap((b) => (b.type === 'text' ? [b.text] : []))).toEqual(['Hi.']);
    expect(h.up.requests[0]!.body).not.toHaveProperty('reasoning_effort');
  });

  test('an upstream no preset knows refuses it by name: one more call without it, the client gets the answer', async () => {
    h.up.next(azureRefusal, openaiCompletion({ content: 'Hi from Azure.' }, 'stop'));
    const r = await h.ai.models.generateContent({ model: 'az/my-gpt4o-deployment', contents: 'Hello', config: THINKING_ON });
    expect(r.text).toBe('Hi from Azure.');
    expect(h.up.requests.map((q) => q.body.reasoning_effort)).toEqual(['medium', undefined]);
  });

  test('streamed, from Claude Code: the same, before anything reached the client', async () => {
    h.up.next(azureRefusal, openaiStream([openaiChunk({ role: 'assistant', content: 'Stream' }), openaiChunk({ content: 'ed.' }), openaiChunk({}, 'stop'), openaiUsage(5, 2)]));
    const stream = claude.messages.stream({
      model: 'az/my-gpt4o-deployment', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 4096 }, messages: [{ role: 'user', content: 'Hello' }],
    });
    const msg = await stream.finalMessage();
    expect(msg.content.flatMap((b) => (b.type === 'text' ? [b.text] : []))).toEqual(['Streamed.']);
    expect(h.up.requests.map((q) => q.body.reasoning_effort)).toEqual(['medium', undefined]);
  });
});
