/**
 * Requests shaped like the real tools' traffic, sent as raw HTTP (exact bodies and headers)
 * through one gateway to each of the four upstream formats: Claude Code (Messages, streamed,
 * `?beta=true`), Codex (Responses, streamed, stateless) and Gemini CLI (generateContent, then
 * streamGenerateContent?alt=sse). Each runs a tool loop of two turns. The replies are checked
 * event by event against the dialect's published schemas; the bodies the upstreams received
 * against theirs. Same-dialect traffic must take the passthrough lane: the upstream gets the
 * client's body unchanged except `model` (cache_control, betas and unknown fields intact).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { CLAUDE_CODE_BETAS, CLAUDE_CODE_HEADERS, CLAUDE_CODE_TOOLS, claudeCodeRequest } from './kit/claude-code-traffic.ts';
import { checkClientEvent } from './kit/check-wire-schemas.ts';
import { CODEX_HEADERS, codexRequest } from './kit/codex-traffic.ts';
import { GEMINI_CLI_HEADERS, geminiCliChatRequest, geminiCliUtilityRequest } from './kit/gemini-cli-traffic.ts';
import { expectValidBody, GEMINI_FORBIDDEN, keysDeep, modelOf } from './kit/matrix-context.ts';
import { readGeminiStream, readMessagesStream, readResponsesStream } from './kit/read-client-stream.ts';
import type { WireFormat } from './kit/read-upstream-request.ts';
import { FORMATS, startUpstreams, type Received, type Upstream } from './kit/start-upstreams.ts';

type Json = Record<string, unknown>;

let gw: TestGateway;
let upstreams: Awaited<ReturnType<typeof startUpstreams>>;

beforeAll(async () => {
  upstreams = await startUpstreams();
  gw = await startTestGateway(upstreams.yaml);
});
afterAll(async () => {
  await gw?.stop();
  await upstreams?.stop();
});

const upstream = (format: WireFormat): Upstream => upstreams.list.find((u) => u.format === format)!;

async function post(path: string, body: Json, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(gw.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return res;
}

/** Sends one request and returns the reply with the one body the upstream received for it. */
async function turn<T>(up: Upstream, send: () => Promise<T>): Promise<{ reply: T; sent: Received }> {
  const before = up.received().length;
  const reply = await send();
  const received = up.received().slice(before);
  expect(received).toHaveLength(1);
  expectValidBody(up, received[0].body);
  return { reply, sent: received[0] };
}

/** The passthrough lane: the client's body, byte for byte as JSON, with only `model` replaced. */
function expectPassthrough(up: Upstream, sent: Received, clientBody: Json): void {
  const expected = 'model' in clientBody ? { ...clientBody, model: up.model } : clientBody;
  expect(JSON.stringify(sent.body)).toBe(JSON.stringify(expected));
}

/** Tool schemas sent to Gemini are its OpenAPI subset. */
function expectGeminiSchemas(up: Upstream, sent: Received): void {
  if (up.format === 'gemini') expect(GEMINI_FORBIDDEN.filter((k) => keysDeep(up.view(sent.body).tools).has(k))).toEqual([]);
}

describe('Claude Code (Messages, ?beta=true, streamed) → gateway', () => {
  const headers = (): Record<string, string> => ({ ...CLAUDE_CODE_HEADERS, 'x-api-key': gw.key });

  describe.each(FORMATS)('→ %s', (_label, format) => {
    test('tool loop: adaptive thinking, cache_control, context_management, 24 tools, betas', async () => {
      const up = upstream(format);
      const body = claudeCodeRequest(modelOf(up));
      const first = await turn(up, async () => readMessagesStream(await post('/v1/messages?beta=true', body, headers())));
      const call = first.reply.content.find((b) => b.type === 'tool_use');
      expect(call).toBeDefined();
      expect(first.reply.stopReason).toBe('tool_use');
      const view = up.view(first.sent.body);
      expect(view.tools).toHaveLength(CLAUDE_CODE_TOOLS.length);
      expect(view.system).toContain('You are Claude Code');
      expect(view.thinking).toBe(true);
      expectGeminiSchemas(up, first.sent);
      if (format === 'anthropic') {
        expectPassthrough(up, first.sent, body);
        expect(first.sent.path).toBe('/v1/messages?beta=true');
        expect(first.sent.headers['anthropic-beta']).toBe(CLAUDE_CODE_BETAS);
        expect(first.sent.headers['anthropic-version']).toBe('2023-06-01');
      }

      // As Claude Code does, the turn's cache mark moves to its newest user block (the API takes 4 at most).
      const unmarked = (body.messages as Json[]).map((m) => (Array.isArray(m.content)
        ? { ...m, content: (m.content as Json[]).map(({ cache_control: _mark, ...b }) => b) } : m));
      const next = {
        ...body,
        messages: [
          ...unmarked,
          { role: 'assistant', content: first.reply.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: 'Sunny, 22 C' }, { type: 'text', text: 'Go on.', cache_control: { type: 'ephemeral' } }] },
        ],
      };
      const second = await turn(up, async () => readMessagesStream(await post('/v1/messages?beta=true', next, headers())));
      expect(second.reply.stopReason).toBe('end_turn');
      expect(second.reply.content.filter((b) => b.type === 'text').map((b) => b.text).join('').length).toBeGreaterThan(0);
      const sentTurns = up.view(second.sent.body).turns;
      expect(sentTurns.flatMap((t) => t.results).map((r) => r.output)).toEqual(['Sunny, 22 C']);
      expect(sentTurns.at(-1)?.text).toBe('Go on.');
      if (format === 'anthropic') expectPassthrough(up, second.sent, next);
    });
  });
});

describe('Codex (Responses, streamed, store:false) → gateway', () => {
  const headers = (): Record<string, string> => ({ ...CODEX_HEADERS, authorization: `Bearer ${gw.key}` });

  describe.each(FORMATS)('→ %s', (_label, format) => {
    test('tool loop: encrypted reasoning, client_metadata, prompt_cache_key, shell tool, parallel_tool_calls', async () => {
      const up = upstream(format);
      const body = codexRequest(modelOf(up));
      const first = await turn(up, async () => readResponsesStream(await post('/v1/responses', body, headers())));
      const output = first.reply.output as Json[];
      const call = output.find((i) => i.type === 'function_call');
      expect(call?.name).toBe('shell');
      expect(first.reply.store).toBe(false);
      const view = up.view(first.sent.body);
      expect(view.tools.map((t) => t.name)).toEqual(['shell', 'update_plan', 'view_image']);
      expect(view.thinking).toBe(true);
      expectGeminiSchemas(up, first.sent);
      if (format === 'responses') {
        expectPassthrough(up, first.sent, body);
        expect(output.find((i) => i.type === 'reasoning')?.encrypted_content).toEqual(expect.stringMatching(/^gAAAA/));
      }

      const next = { ...body, input: [...(body.input as Json[]), ...output, { type: 'function_call_output', call_id: call!.call_id, output: 'Sunny, 22 C' }] };
      const second = await turn(up, async () => readResponsesStream(await post('/v1/responses', next, headers())));
      const text = (second.reply.output as Json[]).filter((i) => i.type === 'message').flatMap((i) => i.content as Json[]).map((c) => c.text).join('');
      expect(text).toContain('Sunny, 22 C');
      expect(up.view(second.sent.body).turns.flatMap((t) => t.results).map((r) => r.output)).toEqual(['Sunny, 22 C']);
      if (format === 'responses') expectPassthrough(up, second.sent, next);
    });
  });
});

describe('Gemini CLI (generateContent, then streamGenerateContent?alt=sse) → gateway', () => {
  const headers = (): Record<string, string> => ({ ...GEMINI_CLI_HEADERS, 'x-goog-api-key': gw.key });

  describe.each(FORMATS)('→ %s', (_label, format) => {
    test('JSON utility call, then a streamed tool loop with thinkingConfig', async () => {
      const up = upstream(format);
      const base = `/v1beta/models/${modelOf(up)}`;
      const utility = geminiCliUtilityRequest();
      const check = await turn(up, async () => (await post(`${base}:generateContent`, utility, headers())).json() as Promise<Json>);
      expect(checkClientEvent('gemini', check.reply)).toEqual([]);
      const answerParts = ((check.reply.candidates as Json[])[0].content as { parts: Json[] }).parts.filter((p) => !p.thought);
      const verdict = JSON.parse(answerParts.map((p) => String(p.text)).join('')) as Json;
      expect(['user', 'model']).toContain(verdict.next_speaker as string);
      if (format === 'gemini') {
        // Gemini 3 Pro cannot stop thinking ("Budget 0 is invalid"): the utility call's budget 0 goes as its least level.
        const config = utility.generationConfig as Json;
        expectPassthrough(up, check.sent, { ...utility, generationConfig: { ...config, thinkingConfig: { thinkingLevel: 'low' } } });
        expect(check.sent.path).toBe(`/v1beta/models/${up.model}:generateContent`);
      } else {
        expect(Object.keys((up.view(check.sent.body).json?.properties ?? {}) as object)).toEqual(['reasoning', 'next_speaker']);
      }

      const chat = geminiCliChatRequest();
      const first = await turn(up, async () => readGeminiStream(await post(`${base}:streamGenerateContent?alt=sse`, chat, headers())));
      const call = (first.reply.content.parts as Json[]).find((p) => p.functionCall)?.functionCall as Json | undefined;
      expect(call?.name).toBeDefined();
      expect(first.reply.finishReason).toBe('STOP');
      expect(up.view(first.sent.body).thinking).toBe(true);
      expect(up.view(first.sent.body).tools).toHaveLength(10);
      expectGeminiSchemas(up, first.sent);
      if (format === 'gemini') {
        expectPassthrough(up, first.sent, chat);
        expect(first.sent.path).toBe(`/v1beta/models/${up.model}:streamGenerateContent?alt=sse`);
      }

      const answer = { functionResponse: { name: call!.name, response: { output: 'Sunny, 22 C' }, ...(call!.id ? { id: call!.id } : {}) } };
      const next = { ...chat, contents: [...(chat.contents as Json[]), first.reply.content, { role: 'user', parts: [answer] }] };
      const second = await turn(up, async () => readGeminiStream(await post(`${base}:streamGenerateContent?alt=sse`, next, headers())));
      const text = (second.reply.content.parts as Json[]).filter((p) => !p.thought).map((p) => p.text ?? '').join('');
      expect(text).toContain('Sunny, 22 C');
      const sentTurns = up.view(second.sent.body).turns;
      const results = sentTurns.flatMap((t) => t.results);
      expect(results.map((r) => r.output)).toEqual(['Sunny, 22 C']);
      const sentCall = sentTurns.flatMap((t) => t.calls).at(-1);
      expect(sentCall?.name).toBe(call!.name as string);
      if (format === 'gemini') expect(results[0].name).toBe(sentCall!.name);
      else expect(results[0].id).toBe(sentCall!.id);
      if (format === 'gemini') expectPassthrough(up, second.sent, next);
    });
  });
});
