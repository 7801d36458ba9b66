import { describe, expect, test } from 'bun:test';
import { checkAdapterShape } from '../../../core/plugin/lazy-adapter.ts';
import type { HostServices, ProviderRuntime } from '../../../core/plugin/types.ts';
import { createBedrockAdapter } from './bedrock-adapter.ts';
import { image as makeImage } from '../../../tests/helpers/test-images.ts';

const host = { now: () => Date.parse('2025-06-01T10:00:00Z') } as unknown as HostServices;
const provider = (secret: string, options: Record<string, unknown> = {}) => ({
  name: 'bedrock', type: 'bedrock', baseUrl: '', headers: {}, quirks: {}, options,
  accounts: [{ id: 'key-1', label: 'key-1', secret, priority: 0, weight: 1 }],
}) as unknown as ProviderRuntime;
const req = { model: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', stream: true, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };

describe('bedrock adapter', () => {
  test('has what its plugin declares (countTokens; no passthrough: no client dialect is Converse)', () => {
    expect(() => checkAdapterShape({ id: 'bedrock', operations: ['countTokens'], preview: true }, createBedrockAdapter(host))).not.toThrow();
  });

  test('preview: the regional converse-stream URL, the signed headers and the Converse body', async () => {
    const p = await createBedrockAdapter(host).preview!(req, provider('AKIAIOSFODNN7EXAMPLE:secret-key-123', { region: 'eu-west-1' }));
    expect(p.url).toBe('https://bedrock-runtime.eu-west-1.amazonaws.com/model/eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream');
    expect(p.headers.authorization).toStartWith('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250601/eu-west-1/bedrock/aws4_request,');
    expect(p.body).toEqual({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
  });

  test('preview of an image given by URL: fetched (with the provider\'s network policy) and shown inline, as a call sends it', async () => {
    const png = Buffer.from(await makeImage('png'), 'base64');
    const asked: Array<{ url: string; allowPrivateNetwork?: boolean }> = [];
    const withHttp = {
      ...host,
      http: { fetch: async (url: string, init: { allowPrivateNetwork?: boolean }) => (asked.push({ url, allowPrivateNetwork: init.allowPrivateNetwork }), new Response(png, { headers: { 'content-type': 'image/png' } })) },
    } as unknown as HostServices;
    const image = { ...req, messages: [{ role: 'user' as const, content: [{ type: 'image' as const, url: 'https://img.example/cat.png' }] }] };
    const p = await createBedrockAdapter(withHttp).preview!(image, provider('ABSKkey-0123456789'));
    expect(p.body).toEqual({ messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: Buffer.from(png).toString('base64') } } }] }] });
    expect(asked).toEqual([{ url: 'https://img.example/cat.png', allowPrivateNetwork: undefined }]);
  });

  test('preview with a Bedrock API key: a bearer token', async () => {
    const p = await createBedrockAdapter(host).preview!({ ...req, stream: false }, provider('ABSKkey-0123456789'));
    expect([p.url, p.headers.authorization]).toEqual(['https://bedrock-runtime.us-east-1.amazonaws.com/model/eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse', 'Bearer ABSKkey-0123456789']);
  });
});
