/**
 * A model name is the client's to choose: `provider/<anything>` routes to any model of a
 * configured provider. The gateway remembers names in maps bounded by count only (per-model
 * quirks and stated output limits, 256 a provider; route stats, 5,000; the plan cache, 1,000), so
 * a name as long as the body limit made each entry megabytes: 256 requests with 1 MB names held
 * ~256 MB per map until the next reload. A name longer than any upstream's, or with a control
 * character, is refused in the client's dialect before the pipeline sees it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { randomBytes } from 'node:crypto';
import { MAX_MODEL_NAME_CHARS } from '../../core/pipeline/check-model-name.ts';
import { startReplyingGateway, type ReplyingGateway } from './replying-upstream.ts';

let g: ReplyingGateway;

beforeAll(async () => {
  g = await startReplyingGateway();
});
afterAll(async () => {
  await g?.stop();
});

const chat = (model: string) =>
  g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content: 'hi' }] } });

describe('model names', () => {
  test('longer than the cap: 400 naming `model`, in each dialect, without echoing the name', async () => {
    const long = `oai/${'m'.repeat(MAX_MODEL_NAME_CHARS)}`;
    const openai = await chat(long);
    expect(openai.status).toBe(400);
    const body = (await openai.json()) as { error: { param: string; type: string; message: string } };
    expect(body.error).toMatchObject({ param: 'model', type: 'invalid_request_error' });
    expect(body.error.message).not.toContain('mmmm');

    const anthropic = await g.t.fetch('/v1/messages', {
      method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, json: { model: long, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(anthropic.status).toBe(400);
    expect(((await anthropic.json()) as { type: string; error: { type: string } })).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const gemini = await g.t.fetch(`/v1beta/models/gem/${'g'.repeat(MAX_MODEL_NAME_CHARS)}:generateContent`, {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    });
    expect(gemini.status).toBe(400);
    expect(((await gemini.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
  });

  test('a control character (a forged log line) is refused; a long but real-sized name still routes', async () => {
    expect((await chat('oai/gpt-4o\n200 fake-log-line')).status).toBe(400);
    const reply = { id: 'c', object: 'chat.completion', created: 1, model: 'x', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] };
    g.next(() => Response.json(reply));
    const arn = 'oai/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    expect((await chat(arn)).status).toBe(200);
  });

  test('hundreds of distinct huge names leave no lasting memory behind', async () => {
    const heap = () => {
      Bun.gc(true);
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    for (let i = 0; i < 260; i++) {
      const res = await chat(`oai/${randomBytes(128 * 1024).toString('hex')}`);
      await res.arrayBuffer();
    }
    await g.t.settled();
    g.t.gw.usage.flush();
    const grown = heap() - before;
    // 260 names of 256 KB: ~65 MB per map that kept them.
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  }, 60_000);
});
