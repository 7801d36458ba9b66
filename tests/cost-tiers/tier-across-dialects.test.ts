/**
 * A tier asked in one OpenAI dialect reaches an upstream of the other: an OpenAI Chat client's
 * `service_tier` goes to a Responses upstream (converted lane), and is billed at the tier served.
 * (A Responses client's tier reaches OpenAI's own Chat API the same way; a compatible server
 * that is not OpenAI gets none from another dialect: see convert-to-openai-chat-request.test.ts.)
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { costAt, startTierKit, type TierKit } from './tier-kit.ts';

let kit: TierKit;
beforeAll(async () => {
  kit = await startTierKit();
});
afterAll(async () => {
  await kit?.stop();
});

for (const stream of [false, true]) {
  test(`a Chat client's priority reaches a Responses upstream and is billed at priority${stream ? ' (streamed)' : ''}`, async () => {
    const client = kit.clients.passthrough;
    const base = { model: 'rsp/gpt-5', messages: [{ role: 'user' as const, content: 'hi' }], service_tier: 'priority' as const };
    let response: Response;
    let text = '';
    if (stream) {
      const r = await client.chat.completions.create({ ...base, stream: true }).withResponse();
      for await (const chunk of r.data) text += chunk.choices[0]?.delta.content ?? '';
      response = r.response;
    } else {
      const r = await client.chat.completions.create(base).withResponse();
      text = r.data.choices[0]?.message.content ?? '';
      response = r.response;
    }
    expect(text).toBe('Hello there');
    expect((kit.responses.requests.at(-1)?.body as Record<string, unknown>).service_tier).toBe('priority');
    const billed = await kit.billed('passthrough', response.headers.get('x-request-id') ?? '');
    expect(billed.servedTier).toBe('priority');
    expect(billed.costUsd).toBeCloseTo(costAt('priority'), 9);
  });
}

test('a Chat client without a tier sends none to a Responses upstream', async () => {
  await kit.clients.passthrough.chat.completions.create({ model: 'rsp/gpt-5', messages: [{ role: 'user', content: 'hi' }] });
  expect('service_tier' in (kit.responses.requests.at(-1)?.body as Record<string, unknown>)).toBe(false);
});
