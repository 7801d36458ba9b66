import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { mapGeminiError, mapGeminiStreamError, readGeminiError } from './map-gemini-error.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;

describe('mapGeminiError', () => {
  test('the recorded 404: model not found, Google message and status kept', () => {
    const fx = JSON.parse(readFileSync(`${FIXTURES}/error-404.json`, 'utf8'));
    const err = mapGeminiError(fx.status, fx.body);
    expect(err.code).toBe('GW_MODEL_NOT_FOUND');
    expect(err.status).toBe(404);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(fx.body.error.message);
    expect(err.upstream).toMatchObject({ status: 404, type: 'NOT_FOUND' });
  });

  test('429 RESOURCE_EXHAUSTED: retryable, wait from RetryInfo, else Retry-After', () => {
    const body = {
      error: {
        code: 429, message: 'You exceeded your current quota.', status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
        ],
      },
    };
    const err = mapGeminiError(429, body, new Headers({ 'retry-after': '5' }));
    expect(err).toMatchObject({ code: 'GW_RATE_LIMITED', status: 429, retryable: true, retryAfterMs: 37_000 });
    const noInfo = mapGeminiError(429, { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } }, new Headers({ 'retry-after': '5' }));
    expect(noInfo.retryAfterMs).toBe(5000);
    const frac = mapGeminiError(429, { error: { code: 429, message: 'x', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }] } });
    expect(frac.retryAfterMs).toBe(1500);
  });

  test('a daily quota is GW_QUOTA_EXHAUSTED', () => {
    const err = mapGeminiError(429, {
      error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] }] },
    });
    expect(err.code).toBe('GW_QUOTA_EXHAUSTED');
  });

  test('a bad upstream key (400 API_KEY_INVALID), 401 and 403 are 502s: the client key is not at fault', () => {
    const keyErr = mapGeminiError(400, {
      error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }] },
    });
    expect(keyErr).toMatchObject({ code: 'GW_UPSTREAM_ERROR', status: 502, upstream: { status: 400, code: 'API_KEY_INVALID' } });
    expect(mapGeminiError(403, { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED' } }).status).toBe(502);
    expect(mapGeminiError(400, { error: { code: 400, message: 'User location is not supported for the API use.', status: 'FAILED_PRECONDITION' } }).status).toBe(502);
  });

  test('a plain 400 stays the client\'s fault; 5xx are retryable', () => {
    expect(mapGeminiError(400, { error: { code: 400, message: 'Invalid value', status: 'INVALID_ARGUMENT' } })).toMatchObject({ code: 'GW_BAD_REQUEST', status: 400, retryable: false });
    expect(mapGeminiError(500, { error: { code: 500, message: 'x', status: 'INTERNAL' } })).toMatchObject({ code: 'GW_UPSTREAM_ERROR', status: 502, retryable: true });
    expect(mapGeminiError(503, { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })).toMatchObject({ code: 'GW_UNAVAILABLE', status: 503, retryable: true });
    expect(mapGeminiError(504, undefined)).toMatchObject({ code: 'GW_UPSTREAM_TIMEOUT', retryable: true, message: 'The Gemini upstream answered HTTP 504.' });
  });

  test('the account secret never appears in the message', () => {
    const err = mapGeminiError(400, { error: { code: 400, message: 'bad key AIzaSySECRET123 used' } }, undefined, 'AIzaSySECRET123');
    expect(err.message).not.toContain('AIzaSySECRET123');
  });

  test('in-stream error objects and unreadable bodies', async () => {
    expect(mapGeminiStreamError({ error: { code: 429, message: 'q', status: 'RESOURCE_EXHAUSTED' } })).toMatchObject({ status: 429, retryable: true });
    expect(mapGeminiStreamError({ error: { message: 'no code' } })).toMatchObject({ code: 'GW_UPSTREAM_ERROR', retryable: true });
    const err = await readGeminiError(new Response('<html>bad gateway</html>', { status: 502 }));
    expect(err).toMatchObject({ code: 'GW_UPSTREAM_ERROR', status: 502, retryable: true });
  });
});
