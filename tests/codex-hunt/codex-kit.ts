/**
 * Shared pieces of the Codex bug hunt: a scripted upstream that speaks every wire format (each
 * request gets the next scripted reply, byte for byte, with the status and headers given), a
 * gateway with one provider per upstream format, the `openai` SDK pointed at it, and request
 * bodies shaped like Codex CLI's (`POST /v1/responses`, streamed, `store: false`).
 */
import OpenAI from 'openai';
import { responders, sleep, startMockHttpServer, type MockHttpServer, type RecordedBase } from '../helpers/mock-http-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export type Json = Record<string, unknown>;

/** What the upstream answers to one request. */
export type Scripted =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  /** SSE frames (whole event texts); `dropAfter`: reset the connection after that many frames. */
  | { sse: string[]; dropAfter?: number };

export interface CodexUpstream {
  origin: string;
  server: MockHttpServer<RecordedBase<Scripted>, Scripted>;
  next(...replies: Scripted[]): void;
  /** The body of the last request the upstream received. */
  lastBody(): Json;
  stop(): Promise<void>;
}

const { sendRaw } = responders('x-request-id');

/** Starts the scripted upstream (127.0.0.1, random port); an unscripted request gets a 500. */
export async function startCodexUpstream(): Promise<CodexUpstream> {
  type Server = MockHttpServer<RecordedBase<Scripted>, Scripted>;
  const server: Server = await startMockHttpServer<Scripted>('codex-upstream', async (_req, res, rec, drop) => {
    const reply = server.nextFault();
    rec.fault = reply;
    if (!reply) return sendRaw(res, 500, 'application/json', JSON.stringify({ error: { message: 'nothing scripted', type: 'server_error' } }));
    if ('json' in reply) return sendRaw(res, reply.status ?? 200, 'application/json', JSON.stringify(reply.json), reply.headers);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    for (let i = 0; i < reply.sse.length; i++) {
      if (reply.dropAfter !== undefined && i >= reply.dropAfter) {
        await sleep(20);
        return drop();
      }
      if (res.destroyed) return;
      res.write(reply.sse[i]);
      await sleep(1);
    }
    if (!res.destroyed) res.end();
  });
  return {
    origin: `http://127.0.0.1:${server.port}`,
    server,
    next: (...replies) => server.script(replies),
    lastBody: () => server.requests.at(-1)?.body as Json,
    stop: () => server.stop(),
  };
}

/** `event: <type>\ndata: <json>\n\n` frames (Anthropic Messages, OpenAI Responses). */
export function namedSse(events: ReadonlyArray<{ type: string; [key: string]: unknown }>): string[] {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** `data: <json>\n\n` frames plus `data: [DONE]` (OpenAI Chat). */
export function chatSse(chunks: unknown[], done = true): string[] {
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), ...(done ? ['data: [DONE]\n\n'] : [])];
}

/** Model names the client uses for each upstream format. */
export const MODEL = { responses: 'rsp/gpt-5-codex', chat: 'oai/gpt-5-chat', anthropic: 'ant/claude-sonnet-4-5' } as const;

export interface CodexGateway {
  up: CodexUpstream;
  gw: TestGateway;
  client: OpenAI;
  stop(): Promise<void>;
}

/**
 * A gateway with an `openai-responses`, an `openai` and an `anthropic` provider on one scripted
 * upstream, plus a second `openai-responses` provider (another OpenAI organization) and the
 * combo `codex-pool` that falls back from the first to the second.
 */
export async function startCodexGateway(): Promise<CodexGateway> {
  const up = await startCodexUpstream();
  const gw = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${up.origin}/v1", keys: [sk-rsp-1234567], allow_private_network: true }
  rsp2: { type: openai-responses, base_url: "${up.origin}/v1", keys: [sk-rsp-7654321], allow_private_network: true }
  oai: { type: openai, base_url: "${up.origin}/v1", keys: [sk-oai-1234567], allow_private_network: true }
  ant: { type: anthropic, base_url: "${up.origin}", keys: [sk-ant-1234567], allow_private_network: true }
combos:
  codex-pool: { strategy: fill-first, models: [rsp/gpt-5-codex, rsp2/gpt-5-codex] }
`);
  const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000 });
  return {
    up, gw, client,
    async stop() {
      await gw.stop();
      await up.stop();
    },
  };
}

/** The Lark grammar Codex sends with its `apply_patch` custom tool (abridged). */
export const APPLY_PATCH_GRAMMAR = `start: begin_patch hunk+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?
hunk: add_hunk | update_hunk
add_hunk: "*** Add File: " filename LF add_line+
update_hunk: "*** Update File: " filename LF change?
filename: /(.+)/
add_line: "+" /(.*)/ LF -> line
change: (change_context | change_line)+
change_context: ("@@" | "@@ " /(.+)/) LF
change_line: ("+" | "-" | " ") /(.*)/ LF
%import common.LF`;

/** Codex's tools: function tools, the `apply_patch` custom tool with its grammar. */
export const CODEX_FUNCTION_TOOLS: Json[] = [
  {
    type: 'function', name: 'shell', description: 'Runs a shell command and returns its output.', strict: false,
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'array', items: { type: 'string' }, description: 'The command to execute' },
        workdir: { type: 'string' },
        timeout_ms: { type: 'number' },
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
  {
    type: 'function', name: 'update_plan', description: 'Updates the task plan.', strict: false,
    parameters: {
      type: 'object',
      properties: { plan: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, status: { type: 'string' } }, required: ['step', 'status'] } } },
      required: ['plan'],
      additionalProperties: false,
    },
  },
];

export const APPLY_PATCH_TOOL: Json = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.',
  format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_GRAMMAR },
};

/** The preamble of every Codex turn: developer permissions, environment context, the task. */
export function codexPreamble(task: string): Json[] {
  return [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>Approval policy: on-request.</permissions instructions>' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/home/dev/project</cwd>\n  <shell>bash</shell>\n</environment_context>' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: task }] },
  ];
}

/** A Codex request body (streamed, stateless) for `model` with `input` and `tools`. */
export function codexBody(model: string, input: Json[], tools: Json[] = [...CODEX_FUNCTION_TOOLS, APPLY_PATCH_TOOL]): Json {
  return {
    model,
    instructions: 'You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user\'s computer.',
    input,
    tools,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '0199f6a2-7c1e-7b31-9d4e-5a8b2c3d4e5f',
    text: { verbosity: 'low' },
    service_tier: 'priority',
  };
}

/**
 * Output items as Codex sends them back on the next turn: its `ResponseItem` serialization
 * drops every item id, keeps a reasoning item's `content` (null) and `encrypted_content`, and a
 * custom tool call's `status`; output text parts lose their annotations.
 */
export function codexReplay(items: ReadonlyArray<Json>): Json[] {
  return items.map((item): Json => {
    switch (item.type) {
      case 'reasoning':
        return { type: 'reasoning', summary: item.summary, content: item.content ?? null, encrypted_content: item.encrypted_content ?? null };
      case 'function_call':
        return { type: 'function_call', name: item.name, arguments: item.arguments, call_id: item.call_id };
      case 'custom_tool_call':
        return { type: 'custom_tool_call', status: item.status, call_id: item.call_id, name: item.name, input: item.input };
      case 'message':
        return { type: 'message', role: item.role, content: (item.content as Json[]).map((c) => ({ type: c.type, text: c.text })) };
      default:
        return item;
    }
  });
}

/** A raw streamed `POST /v1/responses` with the gateway key, as Codex sends it (the response unread). */
export async function postRaw(gw: TestGateway, body: Json): Promise<Response> {
  return gw.fetch('/v1/responses', { method: 'POST', json: body, headers: { accept: 'text/event-stream', originator: 'codex_cli_rs' } });
}

/** Parses an SSE text into `{event, data}` frames (data parsed as JSON). */
export function parseSse(text: string): Array<{ event?: string; data: Json }> {
  return text.split(/\n\n/).filter((f) => f.trim().length > 0).map((frame) => {
    const lines = frame.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
    const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
    return { event, data: JSON.parse(data) as Json };
  });
}
