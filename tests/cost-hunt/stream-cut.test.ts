/**
 * Streams that end before the provider's final usage report: the upstream resets the
 * connection mid-way, or the client leaves. The row keeps what the provider did report (input,
 * cache reads), counts at least the output the client received, says the figures are estimates,
 * and names how the request ended.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { ask, bodyOf, rowOf, type Client } from './client-calls.ts';
import { gatewayYaml, ROUTE } from './cost-gateway.ts';
import { geminiSse, namedSse, openaiSse, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { anthropicEvents, costOf, geminiUsage, type Upstream } from './wire-replies.ts';

let up: ScriptedUpstream;
let t: TestGateway;

beforeAll(async () => {
  up = await startScriptedUpstream();
  t = await startTestGateway(gatewayYaml(up.origin));
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

/** 400 characters of answer: about 100 tokens, far more than a start event's placeholder count. */
const LONG = 'x'.repeat(400);

/** The frames of a stream that sends LONG as its first content, then more later (never reached). */
function cutStream(upstream: Upstream): string[] {
  switch (upstream) {
    case 'openai':
      return openaiSse([
        { id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        { id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [{ index: 0, delta: { content: LONG }, finish_reason: null }] },
        { id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [{ index: 0, delta: { content: 'more' }, finish_reason: null }] },
      ]);
    case 'anthropic': {
      // message_start (input and cache figures, output_tokens: 1), block start, ping, LONG, …
      const events = anthropicEvents();
      events.splice(3, 2, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: LONG } });
      return namedSse(events);
    }
    case 'gemini':
      return geminiSse([
        { candidates: [{ content: { parts: [{ text: LONG }], role: 'model' }, index: 0 }], usageMetadata: geminiUsage(100), modelVersion: 'gemini-x' },
        { candidates: [{ content: { parts: [{ text: 'more' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: geminiUsage(101), modelVersion: 'gemini-x' },
      ]);
    default:
      throw new Error(upstream);
  }
}

/** Frames up to and including LONG. */
const SENT: Record<string, number> = { openai: 2, anthropic: 4, gemini: 1 };

/** What the row must say after LONG, for each upstream (the provider's own figures where it sent them). */
function expectedAfterCut(upstream: Upstream, client: Client) {
  const estimateIn = Math.ceil(JSON.stringify(bodyOf(client, ROUTE[upstream].alias, true)).length / 4);
  switch (upstream) {
    // No usage before the end: both sides estimated (~4 characters a token).
    case 'openai':
      return { input: estimateIn, output: 100, cached: 0, reasoning: 0, cacheWrite: 0 };
    // message_start told the input (150 fresh + 1000 read + 50 written); the output is what came.
    case 'anthropic':
      return { input: 1200, output: 100, cached: 1000, reasoning: 0, cacheWrite: 50 };
    // Every chunk carries the running usageMetadata: 1200 in (1000 cached), 100 + 200 thoughts out.
    case 'gemini':
      return { input: 1200, output: 300, cached: 1000, reasoning: 200, cacheWrite: 0 };
    default:
      throw new Error(upstream);
  }
}

const CASES: Array<[Client, Upstream, string]> = [
  ['openai', 'openai', 'passthrough'],
  ['anthropic', 'openai', 'converted'],
  ['anthropic', 'anthropic', 'passthrough'],
  ['openai', 'anthropic', 'converted'],
  ['gemini', 'gemini', 'passthrough'],
  ['openai', 'gemini', 'converted'],
];

describe('upstream resets the stream after content', () => {
  for (const [client, upstream, lane] of CASES) {
    test(`${client} client ← ${upstream} upstream (${lane}): provider figures kept, output seen counted, error_midstream`, async () => {
      up.next({ sse: cutStream(upstream), dropAfter: SENT[upstream] });
      const r = await ask(t, client, ROUTE[upstream].alias, true);
      expect(r.status).toBe(200);
      expect(r.text.startsWith(LONG)).toBe(true);
      const row = await rowOf(t, r.requestId);
      const want = expectedAfterCut(upstream, client);
      expect({
        status: row.status, provider: row.provider, estimated: row.estimated,
        inputTokens: row.inputTokens, outputTokens: row.outputTokens, cachedTokens: row.cachedTokens, reasoningTokens: row.reasoningTokens,
      }).toEqual({
        status: 'error_midstream', provider: ROUTE[upstream].provider, estimated: true,
        inputTokens: want.input, outputTokens: want.output, cachedTokens: want.cached, reasoningTokens: want.reasoning,
      });
      expect(row.costUsd).toBeCloseTo(costOf(want), 10);
    });
  }
});

describe('client leaves mid-stream', () => {
  for (const [client, upstream, lane] of CASES) {
    test(`${client} client ← ${upstream} upstream (${lane}): client_cancelled, output seen counted`, async () => {
      // LONG, then the rest after a long pause, during which the client goes away.
      up.next({ sse: cutStream(upstream), frameDelayMs: 30 });
      const ctl = new AbortController();
      const route = ROUTE[upstream];
      const path = client === 'openai' ? '/v1/chat/completions' : client === 'anthropic' ? '/v1/messages' : `/v1beta/models/${route.alias}:streamGenerateContent?alt=sse`;
      const res = await t.fetch(path, {
        method: 'POST', json: bodyOf(client, route.alias, true), signal: ctl.signal,
        headers: client === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {},
      });
      const requestId = res.headers.get('x-request-id')!;
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes(LONG)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      ctl.abort();
      await reader.cancel().catch(() => undefined);
      const row = await rowOf(t, requestId);
      const want = expectedAfterCut(upstream, client);
      expect({
        status: row.status, estimated: row.estimated, inputTokens: row.inputTokens, outputTokens: row.outputTokens, cachedTokens: row.cachedTokens,
      }).toEqual({
        status: 'client_cancelled', estimated: true, inputTokens: want.input, outputTokens: want.output, cachedTokens: want.cached,
      });
      expect(row.costUsd).toBeCloseTo(costOf(want), 10);
    });
  }
});
