/**
 * A scripted upstream for the passthrough-lane tests: each request gets the next script, whose
 * string steps are written as single reads (so several events in one string arrive in one
 * chunk) and whose pauses let what came before reach the client first. One gateway in front of
 * it with a provider per wire format (OpenAI Responses, OpenAI Chat, Anthropic, Gemini).
 */
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export type Step = string | { pauseMs: number };

export interface Script {
  /** Stream steps (ignored with `json`). */
  steps?: Step[];
  /** Response headers besides `content-type: text/event-stream`. */
  headers?: Record<string, string>;
  /** A complete JSON body instead of a stream. */
  json?: unknown;
}

export interface ScriptedGateway {
  t: TestGateway;
  /** Queues the reply to the next upstream request. */
  next(script: Script): void;
  /** The usage row of the last request, once the gateway has written it. */
  lastRow(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Model names per upstream format. */
export const MODEL = { responses: 'rsp/gpt-5-codex', chat: 'oai/gpt-5-chat', anthropic: 'ant/claude-sonnet-4-5', gemini: 'gem/gemini-2.5-pro' } as const;

export async function startScriptedGateway(extraYaml = ''): Promise<ScriptedGateway> {
  const scripts: Script[] = [];
  const enc = new TextEncoder();
  const upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch() {
      const s = scripts.shift();
      if (!s) return Response.json({ error: { message: 'nothing scripted', type: 'server_error' } }, { status: 500 });
      if (s.json !== undefined) return Response.json(s.json, { headers: s.headers });
      return new Response(new ReadableStream({
        async pull(ctl) {
          for (const step of s.steps ?? []) {
            if (typeof step === 'string') ctl.enqueue(enc.encode(step));
            else await Bun.sleep(step.pauseMs);
          }
          ctl.close();
        },
      }), { headers: { 'content-type': 'text/event-stream', ...s.headers } });
    },
  });
  const origin = `http://127.0.0.1:${upstream.port}`;
  const t = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${origin}/v1", keys: [sk-rsp-1234567], allow_private_network: true }
  oai: { type: openai, base_url: "${origin}/v1", keys: [sk-oai-1234567], allow_private_network: true }
  ant: { type: anthropic, base_url: "${origin}", keys: [sk-ant-1234567], allow_private_network: true }
  gem: { type: gemini, base_url: "${origin}", keys: [AIza-test-1234567], allow_private_network: true }
${extraYaml}`);
  return {
    t,
    next: (script) => void scripts.push(script),
    async lastRow() {
      await t.settled();
      t.gw.usage.flush();
      return t.gw.usage.recent(1)[0] as unknown as Record<string, unknown>;
    },
    async stop() {
      await t.stop();
      upstream.stop(true);
    },
  };
}

/** `event: <type>` + `data: <json>` frames with `sequence_number` from `from` on (OpenAI Responses). */
export function responsesFrames(events: ReadonlyArray<Record<string, unknown> & { type: string }>, from = 0): string[] {
  return events.map((e, i) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: from + i })}\n\n`);
}

const RESPONSE = { id: 'resp_1', object: 'response', created_at: 1760000000, status: 'in_progress', model: 'gpt-5-codex', output: [], error: null };

/** The opening of a Responses stream up to its first text delta (sequence numbers 0–4). */
export function responsesOpening(text: string): string {
  return responsesFrames([
    { type: 'response.created', response: RESPONSE },
    { type: 'response.in_progress', response: RESPONSE },
    { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
    { type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: text },
  ]).join('');
}

/** A Responses text delta with sequence number `seq`. */
export function responsesDelta(text: string, seq: number): string {
  return responsesFrames([{ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: text }], seq)[0]!;
}

/** `response.failed` with `error`, sequence number `seq`. */
export function responsesFailed(error: { code: string; message: string }, seq: number): string {
  return responsesFrames([{ type: 'response.failed', response: { ...RESPONSE, status: 'failed', error } }], seq)[0]!;
}

/** One OpenAI Chat chunk with content `text`. */
export function chatChunk(text: string): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
}

/** `event: <type>` + `data: <json>` frames (Anthropic Messages). */
export function anthropicFrames(events: ReadonlyArray<Record<string, unknown> & { type: string }>): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

/** An Anthropic stream's opening up to its first text delta. */
export function anthropicOpening(text: string): string {
  return anthropicFrames([
    { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
  ]);
}

/** The events of an SSE text: `event` name and parsed `data` (`[DONE]` as the string). */
export function sseEvents(raw: string): Array<{ event?: string; data: unknown }> {
  return raw.split(/\r?\n\r?\n/).filter((f) => f.trim().length > 0 && !f.startsWith(':')).map((frame) => {
    const lines = frame.split(/\r?\n/);
    const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
    return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
  });
}
