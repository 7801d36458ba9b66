/**
 * Gemini CLI decides from a 429's google.rpc details whether to stop or retry (up to ten
 * times): a QuotaFailure whose quotaId names a daily quota is terminal, anything else waits and
 * tries again. The gateway's Gemini error bodies must give it the details that lead to the
 * right choice: Google's own when a Gemini upstream answered, a daily QuotaFailure for a quota
 * another upstream (or the gateway) reports used up, only RetryInfo for a plain rate limit.
 */
import { ApiError } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { GatewayError } from '../../core/errors/gateway-error.ts';
import { mapGeminiError } from '../../plugins/provider/gemini/map-gemini-error.ts';
import { encodeGeminiErrorBody } from '../../plugins/translator/gemini/encode-gemini-error.ts';
import { googleError, json } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

type Detail = Record<string, any>;
interface GoogleApiError { code: number; message: string; details: Detail[] }

const T = (name: string) => `type.googleapis.com/google.rpc.${name}`;

/** Google's free-tier daily quota 429, as the Gemini API sends it. */
const DAILY_DETAILS = [
  { '@type': T('Help'), links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
  {
    '@type': T('QuotaFailure'),
    violations: [{
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
      quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      quotaDimensions: { location: 'global', model: 'gemini-2.5-pro' },
      quotaValue: '50',
    }],
  },
  { '@type': T('RetryInfo'), retryDelay: '25s' },
];
const DAILY_MESSAGE = 'You exceeded your current quota, please check your plan and billing details.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 50, model: gemini-2.5-pro\nPlease retry in 25.362s.';

/** What `parseGoogleApiError` in Gemini CLI reads out of an `ApiError` of `@google/genai`: the JSON body in its message. */
function parseGoogleApiError(err: unknown): GoogleApiError {
  expect(err).toBeInstanceOf(ApiError);
  const body = JSON.parse((err as ApiError).message) as { error: GoogleApiError };
  return { code: body.error.code, message: body.error.message, details: body.error.details ?? [] };
}

const seconds = (d: string) => (d.endsWith('ms') ? Number.parseFloat(d) / 1000 : Number.parseFloat(d));

/**
 * Gemini CLI's decision for a 429 (`classifyGoogleError` in packages/core/src/utils/
 * googleQuotaErrors.ts), in its order: a daily QuotaFailure stops; Cloud Code's
 * QUOTA_EXHAUSTED stops; a RetryInfo wait over 300 s stops, a shorter one is retried after it;
 * anything else is retried.
 */
function geminiCliVerdict(e: GoogleApiError): { terminal: boolean; waitS?: number } {
  const find = (t: string) => e.details.find((d) => d['@type'] === T(t));
  const quota = find('QuotaFailure');
  if (quota?.violations?.some((v: Detail) => /PerDay|Daily/.test(v.quotaId ?? ''))) return { terminal: true };
  const info = find('ErrorInfo');
  const retry = find('RetryInfo');
  const waitS = retry?.retryDelay ? seconds(retry.retryDelay) : undefined;
  if (info?.reason === 'INSUFFICIENT_G1_CREDITS_BALANCE') return { terminal: true, waitS };
  if (/cloudcode-pa\.googleapis\.com$/.test(info?.domain ?? '') && info?.reason === 'QUOTA_EXHAUSTED') return { terminal: true, waitS };
  if (waitS !== undefined) return { terminal: waitS > 300, waitS };
  return { terminal: false };
}

describe('encodeGeminiErrorBody: the details Gemini CLI acts on', () => {
  test('a Gemini daily quota 429 keeps Google\'s details: terminal', () => {
    const err = mapGeminiError(429, { error: { code: 429, message: DAILY_MESSAGE, status: 'RESOURCE_EXHAUSTED', details: DAILY_DETAILS } });
    expect(err.code).toBe('GW_QUOTA_EXHAUSTED');
    const body = encodeGeminiErrorBody(err);
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details).toEqual(DAILY_DETAILS);
    expect(geminiCliVerdict({ code: 429, message: body.error.message, details: body.error.details! }).terminal).toBe(true);
  });

  test('a Cloud Code QUOTA_EXHAUSTED (the gemini-cli provider\'s upstream) keeps its ErrorInfo: terminal', () => {
    const details = [
      { '@type': T('ErrorInfo'), reason: 'QUOTA_EXHAUSTED', domain: 'cloudcode-pa.googleapis.com', metadata: { model: 'gemini-2.5-pro' } },
      { '@type': T('RetryInfo'), retryDelay: '3600s' },
    ];
    const body = encodeGeminiErrorBody(mapGeminiError(429, { error: { code: 429, message: 'You have exhausted your capacity on this model.', status: 'RESOURCE_EXHAUSTED', details } }));
    expect(body.error.details).toEqual(details);
    expect(geminiCliVerdict({ code: 429, message: '', details: body.error.details! }).terminal).toBe(true);
  });

  test('GW_QUOTA_EXHAUSTED from another upstream or the gateway: a daily QuotaFailure (terminal), and the wait', () => {
    const err = new GatewayError('GW_QUOTA_EXHAUSTED', 'You exceeded your current quota.', { status: 429, retryable: true, retryAfterMs: 20_000, upstream: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' } });
    const body = encodeGeminiErrorBody(err);
    const quota = body.error.details?.find((d) => d['@type'] === T('QuotaFailure'));
    expect(quota?.violations).toEqual([expect.objectContaining({ quotaId: expect.stringContaining('PerDay') })]);
    expect(body.error.details).toContainEqual({ '@type': T('RetryInfo'), retryDelay: '20s' });
    expect(geminiCliVerdict({ code: 429, message: err.message, details: body.error.details! }).terminal).toBe(true);
  });

  test('a plain rate limit has only RetryInfo: retried after the wait', () => {
    const body = encodeGeminiErrorBody(new GatewayError('GW_RATE_LIMITED', 'Slow down.', { status: 429, retryable: true, retryAfterMs: 7_000 }));
    expect(body.error.details).toEqual([{ '@type': T('RetryInfo'), retryDelay: '7s' }]);
    expect(geminiCliVerdict({ code: 429, message: '', details: body.error.details! })).toEqual({ terminal: false, waitS: 7 });
  });

  test('a Gemini per-minute 429 stays retryable; DebugInfo and the account key never reach the client', () => {
    const secret = 'AIzaSy-secret-key-123456';
    const perMinute = [
      { '@type': T('QuotaFailure'), violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
      { '@type': T('DebugInfo'), detail: 'backend stack', stackEntries: ['a', 'b'] },
      { '@type': T('RetryInfo'), retryDelay: '31s' },
    ];
    const body = encodeGeminiErrorBody(mapGeminiError(429, { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: perMinute } }, undefined, secret));
    expect(body.error.details).toEqual([perMinute[0], perMinute[2]]);
    expect(geminiCliVerdict({ code: 429, message: '', details: body.error.details! })).toEqual({ terminal: false, waitS: 31 });
    const leaky = [{ '@type': T('ErrorInfo'), reason: 'RATE_LIMIT_EXCEEDED', metadata: { key: secret } }, perMinute[2]];
    const safe = encodeGeminiErrorBody(mapGeminiError(429, { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: leaky } }, undefined, secret));
    expect(JSON.stringify(safe)).not.toContain(secret);
    expect(safe.error.details).toEqual([{ '@type': T('RetryInfo'), retryDelay: '31s' }]);
  });

  test('an upstream error the gateway reclassified (403 → 502) does not carry the upstream\'s details', () => {
    const err = mapGeminiError(403, { error: { code: 403, message: 'denied', status: 'PERMISSION_DENIED', details: [{ '@type': T('ErrorInfo'), reason: 'CONSUMER_SUSPENDED', metadata: { consumer: 'projects/123' } }] } });
    expect(encodeGeminiErrorBody(err).error.details).toBeUndefined();
  });
});

describe('Gemini CLI (@google/genai) → gateway: 429s', () => {
  let h: Hunt;
  beforeAll(async () => {
    h = await startHunt(`
providers:
  gem: { type: gemini, base_url: UPSTREAM, keys: [AIzaSy-upstream-key-1], allow_private_network: true, models: [gemini-2.5-pro] }
  oai: { type: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true, models: [gpt-4o] }
  resp: { type: openai-responses, base_url: UPSTREAM/v1, keys: [sk-resp-upstream-1], allow_private_network: true, models: [gpt-5] }
`);
  });
  afterAll(() => h.stop());
  beforeEach(() => h.up.reset());

  const ask = (model: string) => h.ai.models.generateContentStream({ model, contents: 'hi' }).catch((e: unknown) => e);

  test('Gemini upstream, daily quota: the SDK gets Google\'s details, and Gemini CLI stops', async () => {
    h.up.next(googleError(429, 'RESOURCE_EXHAUSTED', DAILY_MESSAGE, DAILY_DETAILS));
    const e = parseGoogleApiError(await ask('gem/gemini-2.5-pro'));
    expect(e.code).toBe(429);
    expect(e.details).toEqual(DAILY_DETAILS);
    expect(geminiCliVerdict(e).terminal).toBe(true);
  });

  test('OpenAI Responses upstream out of credit (insufficient_quota, GW_QUOTA_EXHAUSTED): a daily QuotaFailure, Gemini CLI stops', async () => {
    h.up.next(json({ error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }, 429));
    const e = parseGoogleApiError(await ask('resp/gpt-5'));
    expect(e.code).toBe(429);
    expect(e.details.map((d) => d['@type'])).toContain(T('QuotaFailure'));
    expect(geminiCliVerdict(e).terminal).toBe(true);
  });

  test('OpenAI upstream rate limit with retry-after: only RetryInfo, Gemini CLI retries after the wait', async () => {
    h.up.next(json({ error: { message: 'Rate limit reached for gpt-4o.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, 429, { 'retry-after': '7' }));
    const e = parseGoogleApiError(await ask('oai/gpt-4o'));
    expect(e.details).toEqual([{ '@type': T('RetryInfo'), retryDelay: '7s' }]);
    expect(geminiCliVerdict(e)).toEqual({ terminal: false, waitS: 7 });
  });
});
