/**
 * Shared pieces of the `POST /v1/responses/compact` suites: a gateway in front of four
 * upstreams that speak the real wire formats — a scripted Responses upstream (it answers any
 * path, so it stands for OpenAI's compaction endpoint), the mock Responses API (which has no
 * compaction endpoint: 404), the mock Anthropic Messages API and the mock OpenAI Chat API (both
 * validating requests as the real APIs do) — the `openai` SDK pointed at the gateway, and a
 * compact body shaped like the one Codex's remote compaction sends.
 */
import OpenAI from 'openai';
import { startMockAnthropic, type MessagesBody, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import {
  APPLY_PATCH_TOOL, CODEX_FUNCTION_TOOLS, codexPreamble, startCodexUpstream, type CodexUpstream, type Json,
} from '../codex-hunt/codex-kit.ts';

export type { Json } from '../codex-hunt/codex-kit.ts';

/** What the summarizing upstreams answer to a summarization request. */
export const SUMMARY = 'Active task: fix the failing test in src/app.test.ts. Next step: change add() to return a + b.';

/** Model names the client uses for each upstream. */
export const MODEL = {
  /** `openai-responses` on the scripted upstream (has `/v1/responses/compact`). */
  responses: 'rsp/gpt-5-codex',
  /** `openai-responses` on the mock Responses API (no compaction endpoint). */
  bare: 'bare/gpt-5.4',
  anthropic: 'ant/claude-sonnet-4-5',
  chat: 'oai/gpt-4o-mini',
  /** Combo: the Responses upstream first, then Anthropic. */
  pool: 'compact-pool',
} as const;

export const INSTRUCTIONS = 'You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user\'s computer.';
export const TASK = 'Fix the failing test in src/app.test.ts.';
export const FOLLOW_UP = 'Also keep the old add() signature working.';

/** A conversation as Codex sends it to compact: preamble, reasoning, a shell call and its output, an answer, one more user turn. */
export function codexHistory(): Json[] {
  return [
    ...codexPreamble(TASK),
    { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Run the tests first.' }], content: null, encrypted_content: 'gAAAAB-openai-encrypted-reasoning' },
    { type: 'function_call', name: 'shell', arguments: '{"command":["bash","-lc","bun test"]}', call_id: 'call_shell_1' },
    { type: 'function_call_output', call_id: 'call_shell_1', output: '1 fail: expected 2, received 3' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'add() returns one too many.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: FOLLOW_UP }] },
  ];
}

/** The body of Codex's `POST {base}/responses/compact` (codex-api `CompactionInput`). */
export function compactBody(model: string, input: Json[] = codexHistory()): Json {
  return {
    model,
    input,
    instructions: INSTRUCTIONS,
    tools: [...CODEX_FUNCTION_TOOLS, APPLY_PATCH_TOOL],
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
  };
}

/** The text of the last user message of an Anthropic or OpenAI Chat request. */
export function lastUserText(messages: Array<{ role: string; content: unknown }> | undefined): string {
  const last = [...(messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return (last.content as Json[]).filter((b) => b.type === 'text').map((b) => String(b.text)).join('\n');
}

/** True for a request that asks for the compaction summary (the gateway's last user message). */
export function isSummaryRequest(messages: Array<{ role: string; content: unknown }> | undefined): boolean {
  return lastUserText(messages).includes('handoff summary');
}

export interface CompactGateway {
  gw: TestGateway;
  client: OpenAI;
  /** Scripted Responses upstream (`rsp`). */
  scripted: CodexUpstream;
  /** Mock Responses API without a compaction endpoint (`bare`). */
  responses: MockResponses;
  anthropic: MockAnthropic;
  chat: MockOpenAI;
  stop(): Promise<void>;
}

/** Starts the four upstreams and a gateway with one provider on each, plus the combo `compact-pool`. */
export async function startCompactGateway(): Promise<CompactGateway> {
  const scripted = await startCodexUpstream();
  const responses = await startMockResponses({
    respond: (body) => (isSummaryResponsesRequest(body) ? { text: SUMMARY } : { text: 'ok' }),
  });
  const anthropic = await startMockAnthropic({
    respond: (body: MessagesBody) => (isSummaryRequest(body.messages) ? { content: [{ type: 'text', text: SUMMARY }] } : undefined),
  });
  const chat = await startMockOpenAI({
    respond: (body) => (isSummaryRequest(body.messages as never) ? { content: SUMMARY } : { content: 'ok' }),
  });
  const gw = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${scripted.origin}/v1", keys: [sk-rsp-1234567], allow_private_network: true }
  bare: { type: openai-responses, base_url: "${responses.url}", keys: [sk-bare-1234567], allow_private_network: true }
  ant: { type: anthropic, base_url: "${anthropic.origin}", keys: [sk-ant-1234567], allow_private_network: true }
  oai: { type: openai, base_url: "${chat.url}", keys: [sk-oai-1234567], allow_private_network: true }
combos:
  compact-pool: { strategy: fill-first, models: [rsp/gpt-5-codex, ant/claude-sonnet-4-5] }
`);
  const client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 10_000 });
  return {
    gw, client, scripted, responses, anthropic, chat,
    async stop() {
      await gw.stop();
      await Promise.all([scripted.stop(), responses.stop(), anthropic.stop(), chat.stop()]);
    },
  };
}

/** A Responses request whose last input item asks for the compaction summary. */
function isSummaryResponsesRequest(body: Json): boolean {
  const input = body.input as Json[] | undefined;
  const last = input?.at(-1);
  const content = last?.content;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? (content as Json[]).map((c) => String(c.text ?? '')).join('') : '';
  return text.includes('handoff summary');
}

/** The usage row of the last request, once written. */
export async function lastUsageRow(g: CompactGateway): Promise<Record<string, unknown>> {
  await g.gw.settled();
  g.gw.gw.usage.flush();
  return g.gw.gw.usage.recent(1)[0] as unknown as Record<string, unknown>;
}
