import { describe, expect, test } from 'bun:test';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { OutboundInit } from '../../../core/http/types.ts';
import type { Attempt, CountTokensRequest, HostServices, ProviderRuntime } from '../../../core/plugin/types.ts';
import { createBedrockCredentialSource } from './bedrock-credentials.ts';
import { countingModelId, countTokensUrl } from './bedrock-endpoint.ts';
import { createBedrockTokenCounter } from './count-bedrock-input-tokens.ts';

describe('countingModelId', () => {
  test('a cross-region inference profile is counted as its foundation model', () => {
    for (const geo of ['us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'global']) {
      expect(countingModelId(`${geo}.anthropic.claude-sonnet-4-5-20250929-v1:0`)).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    }
    expect(countingModelId('arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0')).toBe('anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(countingModelId('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0')).toBe('anthropic.claude-3-5-haiku-20241022-v1:0');
  });

  test('foundation models and ARNs it cannot resolve go as they are', () => {
    for (const id of [
      'anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0', 'meta.llama3-1-70b-instruct-v1:0', 'cohere.command-r-v1:0',
      'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6',
    ]) expect(countingModelId(id)).toBe(id);
  });

  test('the URL takes the id as one encoded path segment', () => {
    expect(countTokensUrl('https://bedrock-runtime.us-east-1.amazonaws.com', 'anthropic.claude-sonnet-4-5-20250929-v1:0'))
      .toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens');
  });
});

describe('createBedrockTokenCounter', () => {
  let clock = Date.parse('2025-06-01T10:00:00Z');
  const host = { now: () => clock } as unknown as HostServices;
  const provider = {
    name: 'bedrock', type: 'bedrock', baseUrl: '', headers: {}, quirks: {}, options: {},
    accounts: [{ id: 'key-1', label: 'key-1', secret: 'ABSKkey-0123456789', priority: 0, weight: 1 }],
  } as unknown as ProviderRuntime;
  const req = (model: string): CountTokensRequest => ({
    model, chat: { model, stream: false, maxTokens: 100, temperature: 0.5, topK: 5, stop: ['END'], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
  });
  const aws = (status: number, type: string, message: string) => new Response(JSON.stringify({ message }), { status, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } });
  /** An attempt whose fetch answers from `replies` in order and records what it was asked. */
  function attempt(replies: Response[]) {
    const calls: Array<{ url: string; init?: OutboundInit }> = [];
    const a = {
      provider, account: provider.accounts[0], signal: new AbortController().signal, target: { model: 'x' },
      fetch: async (url: string, init?: OutboundInit) => (calls.push({ url, init }), replies.shift()!),
    } as unknown as Attempt;
    return { a, calls };
  }
  const counter = () => createBedrockTokenCounter({ host, credentials: createBedrockCredentialSource({ env: () => ({}) }) });
  const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable(), (e: unknown) => (isGatewayError(e) ? e : expect.unreachable()));

  test('sends only what CountTokens takes, with the count timeouts, and answers inputTokens billed nothing', async () => {
    const { a, calls } = attempt([Response.json({ inputTokens: 42 })]);
    expect(await counter()(req('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), a)).toEqual({ inputTokens: 42, usage: { inputTokens: 0, outputTokens: 0 } });
    expect(calls[0]!.url).toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens');
    expect(JSON.parse(calls[0]!.init!.body as string)).toEqual({ input: { converse: { messages: [{ role: 'user', content: [{ text: 'hi' }] }] } } });
    expect(calls[0]!.init).toMatchObject({ method: 'POST', stream: false, timeouts: { firstByteMs: 10_000, totalMs: 10_000 } });
    expect((calls[0]!.init!.headers as Record<string, string>).authorization).toBe('Bearer ABSKkey-0123456789');
  });

  test('a model refused for counting fails GW_UNSUPPORTED and is not asked again for an hour; then it is', async () => {
    const count = counter();
    const { a, calls } = attempt([aws(400, 'ValidationException', "The provided model doesn't support counting tokens."), Response.json({ inputTokens: 7 })]);
    expect((await failure(count(req('amazon.nova-pro-v1:0'), a))).code).toBe('GW_UNSUPPORTED');
    expect((await failure(count(req('amazon.nova-pro-v1:0'), a))).code).toBe('GW_UNSUPPORTED');
    expect(calls).toHaveLength(1);
    clock += 60 * 60_000 + 1;
    expect((await count(req('amazon.nova-pro-v1:0'), a)).inputTokens).toBe(7);
    expect(calls).toHaveLength(2);
  });

  test('an unknown model id and a 404 are remembered too', async () => {
    const count = counter();
    const { a, calls } = attempt([aws(400, 'ValidationException', 'The provided model identifier is invalid.'), aws(404, 'ResourceNotFoundException', 'Model not found.')]);
    expect((await failure(count(req('anthropic.claude-x'), a))).code).toBe('GW_UNSUPPORTED');
    expect((await failure(count(req('anthropic.claude-y'), a))).code).toBe('GW_UNSUPPORTED');
    await failure(count(req('anthropic.claude-x'), a));
    await failure(count(req('anthropic.claude-y'), a));
    expect(calls).toHaveLength(2);
  });

  test('other errors keep their Bedrock meaning and are asked again: a refused body, throttling, a reply without a count', async () => {
    const count = counter();
    const model = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    const { a, calls } = attempt([
      aws(400, 'ValidationException', 'messages.0.content.0: The text field in the ContentBlock object is blank.'),
      aws(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
      Response.json({ tokens: 3 }),
    ]);
    expect(await failure(count(req(model), a))).toMatchObject({ code: 'GW_BAD_REQUEST', status: 400 });
    expect(await failure(count(req(model), a))).toMatchObject({ code: 'GW_RATE_LIMITED', status: 429, retryable: true });
    expect(await failure(count(req(model), a))).toMatchObject({ code: 'GW_UPSTREAM_PROTOCOL', retryable: true });
    expect(calls).toHaveLength(3);
  });
});
