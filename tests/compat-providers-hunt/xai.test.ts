/**
 * Thinking from another dialect (Claude Code's adaptive thinking, Gemini CLI's thinkingBudget -1)
 * becomes `reasoning_effort`, which most Grok models refuse with a 400 naming it in camelCase
 * ("Model grok-4-0709 does not support parameter reasoningEffort."): they reason on their own.
 * The preset's known models never get it; a Grok model no preset knows gets the attempt once
 * more without it; the models that take it still get it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { CLAUDE_CODE_HEADERS, claudeCodeRequest } from '../conformance/kit/claude-code-traffic.ts';
import { readMessagesStream } from '../conformance/kit/read-client-stream.ts';
import { openaiChunk, openaiCompletion, openaiStream, openaiUsage } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';
import { strictXai } from './strict-compat-upstreams.ts';

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  xai: { preset: xai, base_url: UPSTREAM/v1, keys: [xai-upstream-key-1], allow_private_network: true }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

const THINKING_ON = { thinkingConfig: { thinkingBudget: -1, includeThoughts: true } };

describe('reasoning_effort and Grok models', () => {
  test('Claude Code (adaptive thinking) → grok-code-fast-1 and grok-4: one call each, no reasoning_effort', async () => {
    for (const model of ['xai/grok-code-fast-1', 'xai/grok-4']) {
      h.up.next(strictXai(openaiStream([openaiChunk({ role: 'assistant', content: 'Hi.' }), openaiChunk({}, 'stop'), openaiUsage(9, 2)])));
      const res = await fetch(`${h.gw.url}/v1/messages?beta=true`, {
        method: 'POST', headers: { ...CLAUDE_CODE_HEADERS, 'x-api-key': h.gw.key }, body: JSON.stringify(claudeCodeRequest(model)),
      });
      expect(res.status).toBe(200);
      const reply = await readMessagesStream(res);
      expect(reply.content.find((b) => b.type === 'text')?.text).toBe('Hi.');
    }
    expect(h.up.requests.map((r) => r.body.reasoning_effort)).toEqual([undefined, undefined]);
  });

  test('a Grok 4 model the preset does not list is covered by its glob: one call, without it', async () => {
    h.up.next(strictXai(openaiCompletion({ content: 'Hi.' }, 'stop')), strictXai(openaiCompletion({ content: 'Hi.' }, 'stop')));
    const r = await h.ai.models.generateContent({ model: 'xai/grok-4-1-fast-reasoning-0915', contents: 'Hello', config: THINKING_ON });
    expect(r.text).toBe('Hi.');
    expect(h.up.requests.map((q) => q.body.reasoning_effort)).toEqual([undefined]);
  });

  test('an unknown model outside the preset\'s globs: the refusal in camelCase is read, one more call without it', async () => {
    h.up.next(strictXai(openaiCompletion({ content: 'Hi.' }, 'stop')), strictXai(openaiCompletion({ content: 'Hi.' }, 'stop')));
    const r = await h.ai.models.generateContent({ model: 'xai/grok-4.20-0309-reasoning', contents: 'Hello', config: THINKING_ON });
    expect(r.text).toBe('Hi.');
    expect(h.up.requests.map((q) => q.body.reasoning_effort)).toEqual(['medium', undefined]);
  });

  test('grok-3-mini takes it and still gets it', async () => {
    h.up.next(strictXai(openaiCompletion({ content: 'Hi.' }, 'stop')));
    const r = await h.ai.models.generateContent({ model: 'xai/grok-3-mini', contents: 'Hello', config: THINKING_ON });
    expect(r.text).toBe('Hi.');
    expect(h.up.requests.map((q) => q.body.reasoning_effort)).toEqual(['medium']);
  });
});
