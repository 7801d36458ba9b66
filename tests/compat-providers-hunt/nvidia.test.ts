/**
 * OpenAI clients routed to NVIDIA NIM (the `nvidia` preset): NIM refuses any request field its
 * schema does not define, and OpenAI SDK clients send the OpenAI platform's own fields
 * (`prompt_cache_key`, `store`, `metadata`, `service_tier`). The preset leaves them out.
 */
import { expect, test } from 'bun:test';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';
import { strictNim } from './strict-compat-upstreams.ts';

const hunt = useCompatHunt(`
providers:
  nvidia: { preset: nvidia, base_url: UPSTREAM/v1, keys: [nvapi-upstream-1], allow_private_network: true }
  plain: { type: openai, base_url: UPSTREAM/v1, keys: [nvapi-upstream-2], allow_private_network: true, models: [meta/llama-3.3-70b-instruct] }
`);

const body = (model: string) => ({
  model, prompt_cache_key: 'session-1', store: false, metadata: { app: 'agent' }, service_tier: 'auto' as const,
  messages: [{ role: 'user' as const, content: 'Hi' }],
});

test('the OpenAI platform\'s own fields are left out, and NIM serves the request', async () => {
  hunt.h.up.next(strictNim(openaiCompletion({ content: 'Hello.' }, 'stop')));
  const r = await hunt.oai.chat.completions.create(body('nvidia/meta/llama-3.3-70b-instruct'));
  expect(r.choices[0]!.message.content).toBe('Hello.');
  for (const k of ['prompt_cache_key', 'store', 'metadata', 'service_tier']) expect(hunt.h.up.requests[0]!.body).not.toHaveProperty(k);
});

test('without the preset, NIM\'s 400 names the field', async () => {
  hunt.h.up.next(strictNim(openaiCompletion({ content: 'unused' }, 'stop')));
  const err = await hunt.oai.chat.completions.create(body('plain/meta/llama-3.3-70b-instruct')).catch((e: unknown) => e);
  expect((err as { status?: number }).status).toBe(400);
  expect((err as Error).message).toContain('Extra inputs are not permitted');
});
