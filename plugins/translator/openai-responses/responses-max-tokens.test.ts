/**
 * A reply cut at `max_output_tokens`, read by the official `openai` SDK through a real gateway
 * in front of a mock OpenAI upstream that stops with `finish_reason: "length"`: the response is
 * `incomplete`, and so is the message item it was cut in, streamed or not, as OpenAI reports it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockOpenAI } from '../../../tests/helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

let up: Awaited<ReturnType<typeof startMockOpenAI>>;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  // Stops at the token limit when one is asked for, like the real API.
  up = await startMockOpenAI({
    respond: (body) => (body.max_tokens ?? body.max_completion_tokens)
      ? { content: 'The answer is cut sho', finishReason: 'length' }
      : { content: 'A whole answer.' },
  });
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-up-1], allow_private_network: true, models: [gpt-4o-mini] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

describe('Responses cut at max_output_tokens', () => {
  test('non-stream: the response and its message item are incomplete', async () => {
    const r = await client.responses.create({ model: 'up/gpt-4o-mini', input: 'explain', max_output_tokens: 16 });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details?.reason).toBe('max_output_tokens');
    expect(r.output).toHaveLength(1);
    expect(r.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(r.output_text).toBe('The answer is cut sho');
  });

  test('stream: output_item.done and the final response mark the message item incomplete', async () => {
    const stream = client.responses.stream({ model: 'up/gpt-4o-mini', input: 'explain', max_output_tokens: 16 });
    const done: string[] = [];
    stream.on('response.output_item.done', (e) => void done.push(`${e.item.type}:${e.item.type === 'message' ? e.item.status : ''}`));
    const final = await stream.finalResponse();
    expect(done).toEqual(['message:incomplete']);
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
    expect(final.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  test('a reply that ends on its own keeps its message item completed', async () => {
    const r = await client.responses.create({ model: 'up/gpt-4o-mini', input: 'explain' });
    expect(r.status).toBe('completed');
    expect(r.output[0]).toMatchObject({ type: 'message', status: 'completed' });
  });
});
