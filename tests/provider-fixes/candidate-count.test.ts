/**
 * `n` / `candidateCount` above 1 on a translated lane: the hub result carries one choice, so an
 * `n` sent upstream would bill n answers and deliver one. It is not sent; an OpenAI client on
 * the passthrough lane (same dialect, its bytes forwarded) still gets all its choices.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  oai: { type: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true, models: [gpt-4o] }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

describe('n on the translated lane', () => {
  test('a Gemini candidateCount of 3 sends no n: one candidate comes back, one is paid for', async () => {
    h.up.next(openaiCompletion({ content: 'One.' }, 'stop'));
    const r = await h.ai.models.generateContent({ model: 'oai/gpt-4o', contents: 'Say one word.', config: { candidateCount: 3 } });
    expect(r.candidates?.length).toBe(1);
    expect(h.up.requests[0]!.body).not.toHaveProperty('n');
  });

  test('an OpenAI client passing through keeps its n', async () => {
    h.up.next(openaiCompletion({ content: 'One.' }, 'stop'));
    const res = await h.gw.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'oai/gpt-4o', n: 2, messages: [{ role: 'user', content: 'Say one word.' }] } });
    expect(res.status).toBe(200);
    expect(h.up.requests[0]!.body.n).toBe(2);
  });
});
