/**
 * Claude Code's `anthropic-beta` flags on Bedrock: the ones Bedrock takes for the model go in
 * `additionalModelRequestFields.anthropic_beta` (1M context, interleaved thinking…); the rest
 * (client-only flags, features Bedrock lacks) stay out, since Bedrock refuses any flag it does not
 * know with "invalid beta flag" (the mock refuses them the same way, and `anthropic_beta` for
 * models that are not Claude).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { MockBedrock } from '../helpers/mock-bedrock.ts';
import { bedrockEntry, startBedrockKit, type BedrockKit } from './bedrock-kit.ts';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const API_KEY = 'ABSKbetas-apikey-QmVkcm9ja0FQSUtleS1tb2Nr';
const CLAUDE_CODE_BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14,context-1m-2025-08-07';

let kit: BedrockKit;
let mock: MockBedrock;
let anthropic: Anthropic;

beforeAll(async () => {
  kit = await startBedrockKit({ apiKeys: [API_KEY] }, (url) => `providers:\n  bedrock: ${bedrockEntry(url, API_KEY, [CLAUDE, NOVA])}\n`);
  ({ mock, anthropic } = kit);
});
afterAll(() => kit.stop());

const sent = () => mock.requests.at(-1)!;

describe('anthropic-beta flags on Bedrock', () => {
  test('Claude: the flags Bedrock takes go as anthropic_beta, streamed or not; the others stay out', async () => {
    const headers = { 'anthropic-beta': CLAUDE_CODE_BETAS };
    const r = await anthropic.messages.create({ model: `bedrock/${CLAUDE}`, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }, { headers });
    expect(r.content[0]!.type).toBe('text');
    expect(sent().status).toBe(200);
    expect((sent().body as any).additionalModelRequestFields).toEqual({ anthropic_beta: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'] });
    await anthropic.messages.stream({ model: `bedrock/${CLAUDE}`, max_tokens: 64, messages: [{ role: 'user', content: 'stream' }] }, { headers }).finalMessage();
    expect([sent().status, sent().stream]).toEqual([200, true]);
    expect((sent().body as any).additionalModelRequestFields.anthropic_beta).toEqual(['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07']);
  });

  test('a model that is not Claude gets no anthropic_beta (it would refuse the field)', async () => {
    const r = await anthropic.messages.create({ model: `bedrock/${NOVA}`, max_tokens: 64, messages: [{ role: 'user', content: 'hello nova' }] }, { headers: { 'anthropic-beta': CLAUDE_CODE_BETAS } });
    expect(r.content[0]!.type).toBe('text');
    expect(sent().status).toBe(200);
    expect((sent().body as any).additionalModelRequestFields?.anthropic_beta).toBeUndefined();
  });
});
