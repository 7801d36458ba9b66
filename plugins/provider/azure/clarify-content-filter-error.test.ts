import { describe, expect, test } from 'bun:test';
import { clarifyContentFilterError, describeContentFilterRefusal } from './clarify-content-filter-error.ts';

const refusal = (inner: Record<string, unknown>) => JSON.stringify({
  error: { message: 'The response was filtered.', type: null, param: 'prompt', code: 'content_filter', status: 400, ...inner },
});
const results = { hate: { filtered: false, severity: 'safe' }, jailbreak: { filtered: true, detected: true }, violence: { filtered: true, severity: 'high' } };

describe('describeContentFilterRefusal', () => {
  test('names every filtered category before Azure\'s message, keeping the rest of the envelope', () => {
    const out = JSON.parse(describeContentFilterRefusal(refusal({ innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: results } }))!);
    expect(out.error.message).toBe("Azure OpenAI's content filter refused this request: jailbreak, violence (high). The response was filtered.");
    expect(out.error).toMatchObject({ code: 'content_filter', param: 'prompt', innererror: { content_filter_result: results } });
  });

  test('reads the Responses API spelling (inner_error, content_filter_results) and copes without categories', () => {
    expect(JSON.parse(describeContentFilterRefusal(refusal({ inner_error: { content_filter_results: results } }))!).error.message).toContain('jailbreak, violence (high)');
    expect(JSON.parse(describeContentFilterRefusal(refusal({}))!).error.message).toBe("Azure OpenAI's content filter refused this request. The response was filtered.");
  });

  test('anything else is not a refusal', () => {
    expect(describeContentFilterRefusal('{"error":{"code":"invalid_request_error","message":"bad"}}')).toBeUndefined();
    expect(describeContentFilterRefusal('<html>')).toBeUndefined();
    expect(describeContentFilterRefusal('[1]')).toBeUndefined();
  });
});

describe('clarifyContentFilterError', () => {
  test('answers other than 400 pass as they are', async () => {
    const res = new Response('{"error":{"code":"429"}}', { status: 429 });
    expect(await clarifyContentFilterError(res)).toBe(res);
  });

  test('a 400 keeps its status and headers; only a refusal\'s message changes', async () => {
    const plain = await clarifyContentFilterError(new Response('{"error":{"message":"bad"}}', { status: 400, headers: { 'x-request-id': 'r1' } }));
    expect(plain.status).toBe(400);
    expect(plain.headers.get('x-request-id')).toBe('r1');
    expect(await plain.text()).toBe('{"error":{"message":"bad"}}');
    const filtered = await clarifyContentFilterError(new Response(refusal({ innererror: { content_filter_result: results } }), { status: 400 }));
    expect(JSON.parse(await filtered.text()).error.message).toContain('refused this request: jailbreak, violence (high)');
  });
});
