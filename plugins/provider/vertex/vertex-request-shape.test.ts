import { describe, expect, test } from 'bun:test';
import { googleStatusOf, mapVertexError } from './map-vertex-error.ts';
import { toVertexAnthropicBody, toVertexCountTokensBody } from './rewrite-vertex-body.ts';
import { keptBetas, refusedBetasOf, rememberRefused } from '../../../core/util/anthropic-betas.ts';
import { vertexDialectOf, vertexPublisherOf } from './vertex-publisher.ts';

describe('bodies', () => {
  test('Claude: model out, anthropic_version in (the client\'s kept); counts keep the model', () => {
    expect(toVertexAnthropicBody({ model: 'm', max_tokens: 1, messages: [] }, false)).toEqual({ max_tokens: 1, messages: [], anthropic_version: 'vertex-2023-10-16' });
    expect(toVertexAnthropicBody({ model: 'm', anthropic_version: 'vertex-2099' }, false)).toEqual({ anthropic_version: 'vertex-2099' });
    expect(toVertexAnthropicBody({ model: 'm', messages: [] }, true)).toEqual({ model: 'm', messages: [], anthropic_version: 'vertex-2023-10-16' });
  });

  test('Gemini countTokens: the generateContentRequest unwrapped to the fields Vertex counts', () => {
    const inner = { model: 'models/g', contents: [1], systemInstruction: { parts: [] }, tools: [2], generationConfig: { a: 1 }, safetySettings: [], toolConfig: {} };
    expect(toVertexCountTokensBody({ generateContentRequest: inner })).toEqual({ contents: [1], systemInstruction: { parts: [] }, tools: [2], generationConfig: { a: 1 } });
    expect(toVertexCountTokensBody({ contents: [1], system_instruction: { parts: [3] } })).toEqual({ contents: [1], systemInstruction: { parts: [3] } });
  });
});

describe('anthropic-beta', () => {
  test('refused flags are read from Vertex\'s 400; client-login and refused flags are left out', () => {
    expect(refusedBetasOf('Unexpected value(s) `effort-2025-11-24`, `adaptive-thinking-2026-01-28` for the `anthropic-beta` header. Please consult…'))
      .toEqual(['effort-2025-11-24', 'adaptive-thinking-2026-01-28']);
    expect(refusedBetasOf('max_tokens: Field required')).toEqual([]);
    const refused = new Set<string>();
    rememberRefused(refused, ['b']);
    expect(keptBetas('oauth-2025-04-20, a,b', refused)).toBe('a');
    expect(keptBetas('oauth-2025-04-20', refused)).toBeUndefined();
  });
});

describe('Google errors', () => {
  test('429 RESOURCE_EXHAUSTED: retryable, the RetryInfo wait; 403: the gateway\'s problem (502)', () => {
    const body = { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s' }] } };
    const e = mapVertexError(429, googleStatusOf(body)!);
    expect([e.code, e.status, e.retryable, e.retryAfterMs, e.upstream?.type]).toEqual(['GW_RATE_LIMITED', 429, true, 17_000, 'RESOURCE_EXHAUSTED']);
    const denied = mapVertexError(403, googleStatusOf([{ error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } }])!);
    expect([denied.status, denied.retryable]).toEqual([502, false]);
    expect(mapVertexError(503, { status: 'UNAVAILABLE' }, new Headers({ 'retry-after': '3' })).retryAfterMs).toBe(3000);
  });

  test('an Anthropic-shaped body is not Google\'s', () => {
    expect(googleStatusOf({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toBeUndefined();
  });
});

describe('publishers', () => {
  test('claude-* is Anthropic\'s (Messages), the rest Google\'s (Gemini)', () => {
    expect([vertexPublisherOf('claude-opus-4-1@20250805'), vertexDialectOf('claude-haiku-4-5')]).toEqual(['anthropic', 'anthropic-messages']);
    expect([vertexPublisherOf('gemini-2.5-pro'), vertexDialectOf('gemini-2.5-pro')]).toEqual(['google', 'gemini']);
  });
});
