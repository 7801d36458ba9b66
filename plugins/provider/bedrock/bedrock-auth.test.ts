import { describe, expect, test } from 'bun:test';
import { bedrockHeaders, parseBedrockKey } from './bedrock-auth.ts';
import { bedrockEndpoint, converseUrl } from './bedrock-endpoint.ts';
import { sha256Hex } from './sign-aws-request.ts';

describe('parseBedrockKey', () => {
  test('an API key (long-term ABSK… or short-term bedrock-api-key-…) is a bearer token', () => {
    expect(parseBedrockKey('ABSKQmVkcm9ja0FQSUtleS1hYmM=')).toEqual({ kind: 'bearer', token: 'ABSKQmVkcm9ja0FQSUtleS1hYmM=' });
    expect(parseBedrockKey('bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t')).toMatchObject({ kind: 'bearer' });
  });

  test('<id>:<secret>[:<session token>] is an IAM identity; an empty token is none', () => {
    expect(parseBedrockKey('AKIAIOSFODNN7EXAMPLE:wJalr/K7MDENG+bPxRfi')).toEqual({ kind: 'sigv4', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalr/K7MDENG+bPxRfi' } });
    expect(parseBedrockKey('ASIAIOSFODNN7EXAMPLE:s3cr3t:IQoJb3Jp==')).toEqual({ kind: 'sigv4', credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 's3cr3t', sessionToken: 'IQoJb3Jp==' } });
    expect(parseBedrockKey('ASIAIOSFODNN7EXAMPLE:s3cr3t:')).toEqual({ kind: 'sigv4', credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 's3cr3t' } });
  });

  test('an access key id without its secret is refused as a retryable account problem', () => {
    expect(() => parseBedrockKey('AKIAIOSFODNN7EXAMPLE:')).toThrow(expect.objectContaining({ code: 'GW_UPSTREAM_AUTH', retryable: true }));
  });
});

describe('bedrockHeaders', () => {
  const provider = { headers: { 'X-Custom': 'yes' } };
  const url = converseUrl('https://bedrock-runtime.eu-west-1.amazonaws.com', 'eu.amazon.nova-pro-v1:0', false);
  const signing = (secrets: string[] = []) => ({ region: 'eu-west-1', now: new Date('2025-01-02T03:04:05Z'), registerSecret: (s: string) => secrets.push(s) });

  test('an API key goes as a bearer token beside the configured headers', () => {
    expect(bedrockHeaders(provider, parseBedrockKey('ABSKkey'), url, '{}', signing())).toEqual({ 'x-custom': 'yes', 'content-type': 'application/json', authorization: 'Bearer ABSKkey' });
  });

  test('IAM keys sign: body hash, date, session token, scope; the secret parts are registered for redaction', () => {
    const secrets: string[] = [];
    const h = bedrockHeaders(provider, parseBedrockKey('ASIAIOSFODNN7EXAMPLE:the-secret-key:the-session-token'), url, '{"a":1}', signing(secrets));
    expect(h['x-amz-content-sha256']).toBe(sha256Hex('{"a":1}'));
    expect(h['x-amz-date']).toBe('20250102T030405Z');
    expect(h['x-amz-security-token']).toBe('the-session-token');
    expect(h.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE\/20250102\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-custom, Signature=[0-9a-f]{64}$/);
    expect(secrets).toEqual(['the-secret-key', 'the-session-token']);
  });

  test('no account: no credentials at all', () => {
    expect(bedrockHeaders(provider, undefined, url, '{}', signing())).toEqual({ 'x-custom': 'yes', 'content-type': 'application/json' });
  });
});

describe('bedrockEndpoint', () => {
  const of = (baseUrl: string, options: Record<string, unknown>) => bedrockEndpoint({ baseUrl, options });

  test('region: picks the regional endpoint; default us-east-1', () => {
    expect(of('', { region: 'eu-central-1' })).toEqual({ baseUrl: 'https://bedrock-runtime.eu-central-1.amazonaws.com', region: 'eu-central-1' });
    expect(of('', {})).toEqual({ baseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com', region: 'us-east-1' });
  });

  test('a preset base URL yields to region:, the entry\'s own base_url never does', () => {
    expect(of('https://bedrock-runtime.us-east-1.amazonaws.com', { region: 'ap-northeast-1' }).baseUrl).toBe('https://bedrock-runtime.ap-northeast-1.amazonaws.com');
    expect(of('http://127.0.0.1:9000/', { base_url: 'http://127.0.0.1:9000/', region: 'eu-west-3' })).toEqual({ baseUrl: 'http://127.0.0.1:9000', region: 'eu-west-3' });
  });

  test('the region of a regional base URL is the signing region', () => {
    expect(of('https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com', { base_url: 'x' }).region).toBe('us-gov-west-1');
  });

  test('the credentials\' region (a profile\'s, AWS_REGION) comes after region: and an own regional base URL, before the preset\'s', () => {
    const preset = 'https://bedrock-runtime.us-east-1.amazonaws.com';
    expect(bedrockEndpoint({ baseUrl: preset, options: {} }, 'eu-west-3')).toEqual({ baseUrl: 'https://bedrock-runtime.eu-west-3.amazonaws.com', region: 'eu-west-3' });
    expect(bedrockEndpoint({ baseUrl: preset, options: { region: 'ap-south-1' } }, 'eu-west-3').region).toBe('ap-south-1');
    expect(bedrockEndpoint({ baseUrl: 'https://bedrock-runtime.ca-central-1.amazonaws.com', options: { base_url: 'x' } }, 'eu-west-3').region).toBe('ca-central-1');
    expect(bedrockEndpoint({ baseUrl: 'http://127.0.0.1:9000', options: { base_url: 'x' } }, 'eu-west-3')).toEqual({ baseUrl: 'http://127.0.0.1:9000', region: 'eu-west-3' });
  });

  test('model ids and ARNs are one encoded path segment', () => {
    expect(converseUrl('https://h', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', true)).toBe('https://h/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream');
    expect(converseUrl('https://h', 'arn:aws:bedrock:us-east-1:123:inference-profile/us.x-v1:0', false)).toBe('https://h/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.x-v1%3A0/converse');
  });
});
