/**
 * What an upstream says about an error reaches the client in more fields than the message:
 * Google's `details` (relayed to Gemini clients), OpenAI's `param` and `code`, a pydantic 422's
 * field locations (Mistral), and on the passthrough lane the upstream's rate-limit headers. An
 * upstream that quotes a configured secret in any of them must not hand it to a client: the
 * message was redacted against every configured key, these fields were not (the Gemini mapper
 * only knew the key of the account it called).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { CANARY, startReplyingGateway, type ReplyingGateway } from './replying-upstream.ts';

let g: ReplyingGateway;

beforeAll(async () => {
  g = await startReplyingGateway();
});
afterAll(async () => {
  await g?.stop();
});

const T = (name: string) => `type.googleapis.com/google.rpc.${name}`;

async function bodyOf(res: Response): Promise<string> {
  return `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${await res.text()}`;
}

describe('an upstream error that quotes a configured secret outside its message', () => {
  test('Gemini details: the client gets the error without the details that quote it; clean details still arrive', async () => {
    const quoting = [
      { '@type': T('ErrorInfo'), reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com', metadata: { consumer: `projects/1 key ${CANARY}` } },
      { '@type': T('RetryInfo'), retryDelay: '7s' },
    ];
    g.next(() => Response.json({ error: { code: 429, message: 'Resource exhausted.', status: 'RESOURCE_EXHAUSTED', details: quoting } }, { status: 429 }));
    const res = await g.t.fetch('/v1beta/models/gem/gemini-2.5-pro:generateContent', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(res.status).toBe(429);
    const text = await bodyOf(res);
    expect(text).not.toContain(CANARY);
    expect(JSON.parse(text.slice(text.indexOf('\n\n') + 2)).error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });

    const clean = [{ '@type': T('QuotaFailure'), violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }] }];
    g.next(() => Response.json({ error: { code: 429, message: 'Resource exhausted.', status: 'RESOURCE_EXHAUSTED', details: clean } }, { status: 429 }));
    const again = await g.t.fetch('/v1beta/models/gem/gemini-2.5-pro:generateContent', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(((await again.json()) as { error: { details: unknown[] } }).error.details).toContainEqual(clean[0]);
  });

  test('OpenAI param and code: not relayed when they quote it', async () => {
    g.next(() => Response.json({ error: { message: 'Invalid value.', type: 'invalid_request_error', param: `tools[0].${CANARY}`, code: CANARY } }, { status: 400 }));
    const res = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'oai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(400);
    const text = await bodyOf(res);
    expect(text).not.toContain(CANARY);
    expect(text).toContain('invalid_request_error');
  });

  test('a pydantic 422 whose field location quotes it: neither the message nor param carries it', async () => {
    g.next(() => Response.json({ detail: [{ type: 'extra_forbidden', loc: ['body', CANARY], msg: 'Extra inputs are not permitted' }] }, { status: 422 }));
    const res = await g.t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, json: { model: 'oai/mistral-large-latest', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).not.toContain(CANARY);

    g.next(() => Response.json({ detail: [{ type: 'extra_forbidden', loc: ['body', CANARY], msg: 'Extra inputs are not permitted' }] }, { status: 422 }));
    const chat = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'oai/mistral-large-latest', messages: [{ role: 'user', content: 'hi' }] } });
    expect(chat.status).toBe(422);
    expect(await bodyOf(chat)).not.toContain(CANARY);
  });

  test('passthrough rate-limit headers: a header whose value quotes it is not relayed, the others are', async () => {
    const reply = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] };
    const headers = { 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-tokens': `29000 ${CANARY}`, 'x-codex-plan': `plus;${CANARY}` };
    g.next(() => Response.json(reply, { headers }));
    const res = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'oai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('500');
    expect(await bodyOf(res)).not.toContain(CANARY);

    const sse = `data: ${JSON.stringify({ ...reply, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
    g.next(() => new Response(sse, { headers: { 'content-type': 'text/event-stream', ...headers } }));
    const streamed = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'oai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    expect(streamed.headers.get('x-ratelimit-limit-requests')).toBe('500');
    expect(await bodyOf(streamed)).not.toContain(CANARY);
  });
});
