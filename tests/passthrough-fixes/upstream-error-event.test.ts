/**
 * The passthrough lane after the commit point, when the upstream itself ends its stream with an
 * error event in the client's dialect (`response.failed` or `error` for Responses, `event: error`
 * for Anthropic, a `{"error": …}` chunk for OpenAI Chat, Gemini's `{"error": …}`): the client
 * gets the upstream's bytes up to and including that event — the events before it in the same
 * read too — and no error frame of the gateway's in its place. Codex reads only
 * `response.failed` (context_length_exceeded, insufficient_quota, "try again in Xs"); a gateway
 * `error` event in its place lost all of that. After a `response.failed` the gateway's `error`
 * event still follows (continuing the sequence), as on the translated lane, so the SDKs raise.
 * The usage row is `error_midstream` with the upstream's error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  anthropicFrames, anthropicOpening, chatChunk, MODEL, responsesDelta, responsesFailed, responsesFrames, responsesOpening,
  sseEvents, startScriptedGateway, type ScriptedGateway,
} from './scripted-upstream.ts';

let g: ScriptedGateway;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  g = await startScriptedGateway();
  openai = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0, timeout: 10_000 });
  anthropic = new Anthropic({ apiKey: g.t.key, baseURL: g.t.url, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await g?.stop();
});

type Event = { type: string; sequence_number: number; delta?: string; response?: { status: string; error: { code: string; message: string } } };

/** Streams a Responses request with the `openai` SDK: the events it yields and what it threw. */
async function sdkResponses(): Promise<{ events: Event[]; thrown: unknown }> {
  const events: Event[] = [];
  let thrown: unknown;
  try {
    const stream = await openai.responses.create({ model: MODEL.responses, input: 'Refactor the parser.', stream: true, store: false });
    for await (const e of stream) events.push(e as unknown as Event);
  } catch (e) {
    thrown = e;
  }
  return { events, thrown };
}

describe('Responses client ← Responses upstream (passthrough)', () => {
  test('response.failed after content, in one read with a delta: both reach the client, then one error event', async () => {
    const error = { code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model. Please adjust your input and try again.' };
    g.next({ steps: [responsesOpening('Working'), { pauseMs: 30 }, responsesDelta(' on it', 5) + responsesFailed(error, 6)] });
    const { events, thrown } = await sdkResponses();
    expect(events.map((e) => e.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.failed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('')).toBe('Working on it');
    expect(events.at(-1)!.response!.error).toEqual(error);
    // The gateway's `error` event after it, sequence 7: the SDK raises with the upstream's code.
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as InstanceType<typeof OpenAI.APIError>).code).toBe('context_length_exceeded');
    expect(await g.lastRow()).toMatchObject({ status: 'error_midstream', errorCode: 'GW_BAD_REQUEST', httpStatus: 400 });
  });

  test('insufficient_quota and "try again in Xs" reach the client byte for byte, once, the sequence unbroken', async () => {
    for (const [error, code, status] of [
      [{ code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' }, 'GW_QUOTA_EXHAUSTED', 429],
      [{ code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-5-codex on tokens per min (TPM). Please try again in 20s.' }, 'GW_RATE_LIMITED', 429],
    ] as const) {
      const failed = responsesFailed(error, 5);
      g.next({ steps: [responsesOpening('Working'), { pauseMs: 30 }, failed] });
      const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
      const raw = await res.text();
      expect(raw).toContain(failed);
      const events = sseEvents(raw).map((e) => e.data as Event & { code?: string });
      expect(events.map((e) => e.type).filter((t) => t === 'response.failed' || t === 'error')).toEqual(['response.failed', 'error']);
      expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(events.at(-1)!.code).toBe(error.code);
      expect(await g.lastRow()).toMatchObject({ status: 'error_midstream', errorCode: code, httpStatus: status });
    }
  });

  test('the upstream\'s own `error` event is relayed as sent, with its sequence number, and nothing after it', async () => {
    const err = responsesFrames([{ type: 'error', code: 'server_error', message: 'The server had an error while processing your request.', param: null }], 5)[0]!;
    const late = responsesDelta(' never', 6);
    g.next({ steps: [responsesOpening('Working'), { pauseMs: 30 }, err + late] });
    const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    const events = sseEvents(await res.text()).map((e) => e.data as Event);
    expect(events.map((e) => e.type).filter((t) => t === 'error')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'server_error', sequence_number: 5 });
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('an event that ends the stream without its blank line is still the upstream\'s: relayed whole', async () => {
    const failed = responsesFailed({ code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model.' }, 5);
    g.next({ steps: [responsesOpening('Working'), { pauseMs: 30 }, failed.slice(0, -1)] });
    const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    const raw = await res.text();
    expect(raw).toContain(failed);
    expect(sseEvents(raw).map((e) => (e.data as Event).type).slice(-2)).toEqual(['response.failed', 'error']);
  });

  test('an error event that quotes a credential gets the gateway\'s redacted error frame instead', async () => {
    const failed = responsesFailed({ code: 'invalid_api_key', message: 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234.' }, 5);
    g.next({ steps: [responsesOpening('Working'), { pauseMs: 30 }, failed] });
    const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    const raw = await res.text();
    expect(raw).not.toContain('abcdefghijklmnop1234');
    expect(sseEvents(raw).map((e) => (e.data as Event).type).at(-1)).toBe('error');
  });

  test('a drop after content still ends with one gateway error event continuing the sequence', async () => {
    g.next({ steps: [responsesOpening('Working'), { pauseMs: 30 }, 'event: response.output_text.delta\ndata: {"type":"resp'] });
    const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    const events = sseEvents(await res.text()).map((e) => e.data as Event);
    expect(events.at(-1)).toMatchObject({ type: 'error', sequence_number: 5 });
    expect(await g.lastRow()).toMatchObject({ status: 'error_midstream', errorCode: 'GW_UPSTREAM_PROTOCOL' });
  });
});

describe('Anthropic client ← Anthropic upstream (passthrough)', () => {
  test('event: error after content, in one read with a delta: the SDK sees all the text and the upstream\'s error', async () => {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_011CUpstream' };
    g.next({
      steps: [
        anthropicOpening('Working'), { pauseMs: 30 },
        anthropicFrames([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' on it' } }, error]),
      ],
    });
    let text = '';
    let thrown: unknown;
    try {
      const stream = await anthropic.messages.create({ model: MODEL.anthropic, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    } catch (e) {
      thrown = e;
    }
    expect(text).toBe('Working on it');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    expect((thrown as InstanceType<typeof Anthropic.APIError>).error).toEqual(error);
    expect(await g.lastRow()).toMatchObject({ status: 'error_midstream', httpStatus: 529 });
  });
});

describe('OpenAI Chat client ← OpenAI upstream (passthrough)', () => {
  test('an error chunk after content, then [DONE], in one read: the text, the upstream\'s error, no [DONE]', async () => {
    const error = { message: 'The model is overloaded. Please try again later.', type: 'server_error', param: null, code: 'model_overloaded' };
    g.next({ steps: [chatChunk('Working'), { pauseMs: 30 }, `${chatChunk(' on it')}data: ${JSON.stringify({ error })}\n\ndata: [DONE]\n\n`] });
    let text = '';
    let thrown: unknown;
    try {
      const stream = await openai.chat.completions.create({ model: MODEL.chat, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    } catch (e) {
      thrown = e;
    }
    expect(text).toBe('Working on it');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as InstanceType<typeof OpenAI.APIError>).error).toEqual(error);

    g.next({ steps: [chatChunk('Working'), { pauseMs: 30 }, `${chatChunk(' on it')}data: ${JSON.stringify({ error })}\n\ndata: [DONE]\n\n`] });
    const res = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: MODEL.chat, stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const events = sseEvents(await res.text()).map((e) => e.data);
    expect(events).not.toContain('[DONE]');
    expect(events.at(-1)).toEqual({ error });
    expect(events.filter((e) => typeof e === 'object' && e !== null && 'error' in e)).toHaveLength(1);
    expect(await g.lastRow()).toMatchObject({ status: 'error_midstream' });
  });
});

describe('Gemini client ← Gemini upstream (passthrough, SSE)', () => {
  test('an error chunk after content: the upstream\'s error is the last event', async () => {
    const chunk = (text: string) => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }], modelVersion: 'gemini-2.5-pro' })}\r\n\r\n`;
    const error = { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } };
    g.next({ steps: [chunk('Working'), { pauseMs: 30 }, `${chunk(' on it')}data: ${JSON.stringify(error)}\r\n\r\n`] });
    const res = await g.t.fetch(`/v1beta/models/${MODEL.gemini}:streamGenerateContent?alt=sse`, {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    });
    const events = sseEvents(await res.text()).map((e) => e.data as Record<string, unknown>);
    expect(events).toHaveLength(3);
    expect(events.at(-1)).toEqual(error);
    expect(await g.lastRow()).toMatchObject({ status: 'error_midstream', errorCode: 'GW_RATE_LIMITED' });
  });

  test('an error chunk that quotes the configured key (in no credential shape) is not relayed: the gateway\'s masked frame instead', async () => {
    const chunk = (text: string) => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }], modelVersion: 'gemini-2.5-pro' })}\r\n\r\n`;
    const error = { error: { code: 400, message: 'API key AIza-test-1234567 is not valid for this project.', status: 'INVALID_ARGUMENT' } };
    g.next({ steps: [chunk('Working'), { pauseMs: 30 }, `data: ${JSON.stringify(error)}\r\n\r\n`] });
    const res = await g.t.fetch(`/v1beta/models/${MODEL.gemini}:streamGenerateContent?alt=sse`, {
      method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    });
    const raw = await res.text();
    expect(raw).toContain('Working');
    expect(raw).not.toContain('AIza-test-1234567');
    expect(sseEvents(raw).at(-1)?.data).toMatchObject({ error: { message: expect.stringContaining('[redacted]') } });
  });
});
