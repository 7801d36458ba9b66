/**
 * What the mock Anthropic upstream answers: a Messages response built from the request, and the
 * SSE events of that message in the API's order (as in /work/shared/fixtures/anthropic).
 *
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */

/** A content block as the mock reads and writes it. */
export type Block = Record<string, unknown> & { type: string };

/** The loosely typed request body the mock reads. */
export type MessagesBody = Record<string, unknown> & {
  model?: string;
  system?: unknown;
  messages?: Array<{ role: string; content: unknown }>;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: { type: string; name?: string };
  thinking?: { type: string; budget_tokens?: number };
  stream?: boolean;
  stop_sequences?: string[];
  max_tokens?: number;
};

/** A custom answer: content blocks and stop reason (usage and ids are filled in). */
export interface MockAnthropicReply {
  content: Block[];
  stop_reason?: string;
  stop_sequence?: string | null;
}

/** Prefix of the signatures this mock hands out; thinking blocks sent back must carry one. */
export const MOCK_SIGNATURE_PREFIX = 'EqMockSig';

/** The mock's input token count: characters of system, messages and tools divided by 4. */
export function inputTokens(b: MessagesBody): number {
  return Math.max(1, Math.ceil(JSON.stringify([b.system ?? '', b.messages ?? [], b.tools ?? []]).length / 4));
}

function lastUserText(b: MessagesBody): { text: string; toolResult?: string } {
  const last = [...(b.messages ?? [])].reverse().find((m) => m.role === 'user');
  if (!last) return { text: '' };
  if (typeof last.content === 'string') return { text: last.content };
  const blocks = last.content as Block[];
  const result = blocks.find((x) => x.type === 'tool_result');
  const text = blocks.filter((x) => x.type === 'text').map((x) => String(x.text)).join('\n');
  if (!result) return { text };
  const c = result.content;
  const rt = typeof c === 'string' ? c : Array.isArray(c) ? (c as Block[]).map((x) => (x.type === 'text' ? String(x.text) : `[${x.type}]`)).join('') : '';
  return { text, toolResult: rt };
}

/** A value conforming (roughly) to a JSON schema, for forced tool calls. */
export function sample(schema: Record<string, unknown> | undefined, key = ''): unknown {
  const type = schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  if (type === 'object' || (type === undefined && schema?.properties)) {
    const out: Record<string, unknown> = {};
    const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, s] of Object.entries(props)) out[k] = sample(s, k);
    return out;
  }
  if (type === 'array') return [sample(schema?.items as Record<string, unknown> | undefined, key)];
  if (type === 'number' || type === 'integer') return 42;
  if (type === 'boolean') return true;
  return key === 'location' ? 'Paris' : `mock ${key}`.trim();
}

function chooseTool(b: MessagesBody, prompt: string, hasResult: boolean): Record<string, unknown> | undefined {
  const custom = (b.tools ?? []).filter((t) => t.type === undefined || t.type === 'custom');
  const choice = b.tool_choice;
  if (choice?.type === 'tool') return custom.find((t) => t.name === choice.name);
  if (choice?.type === 'any') return custom.find((t) => /weather/i.test(String(t.name))) ?? custom[0];
  if (choice?.type === 'none' || hasResult || custom.length === 0 || !/weather/i.test(prompt)) return undefined;
  return custom.find((t) => /weather/i.test(String(t.name))) ?? custom[0];
}

/**
 * The default answer: a signed thinking block when `thinking` is on; a tool call when tools are
 * offered and the prompt mentions weather (or a tool is forced); else the last user text echoed
 * (or "The tool said: …" after a tool result), cut at a stop sequence or at max_tokens words.
 */
export function defaultReply(b: MessagesBody, n: number): MockAnthropicReply {
  const { text: prompt, toolResult } = lastUserText(b);
  const content: Block[] = [];
  if (b.thinking && b.thinking.type !== 'disabled') {
    content.push({ type: 'thinking', thinking: `The user said: ${prompt.slice(0, 80)}`, signature: `${MOCK_SIGNATURE_PREFIX}${btoa(`mock-${n}`)}` });
  }
  const tool = chooseTool(b, prompt, toolResult !== undefined);
  if (tool) {
    if (b.tool_choice?.type !== 'tool' && b.tool_choice?.type !== 'any') content.push({ type: 'text', text: "I'll check the weather for you." });
    content.push({ type: 'tool_use', id: `toolu_mock${n}`, name: tool.name, input: sample(tool.input_schema as Record<string, unknown>) });
    return { content, stop_reason: 'tool_use' };
  }
  let text = toolResult !== undefined ? `The tool said: ${toolResult}` : prompt || 'Hello!';
  let stop_reason = 'end_turn';
  let stop_sequence: string | null = null;
  for (const s of b.stop_sequences ?? []) {
    const at = text.indexOf(s);
    if (at !== -1) {
      text = text.slice(0, at);
      stop_reason = 'stop_sequence';
      stop_sequence = s;
    }
  }
  const words = text.split(/(?<=\s)/);
  if (typeof b.max_tokens === 'number' && words.length > b.max_tokens) {
    text = words.slice(0, b.max_tokens).join('');
    stop_reason = 'max_tokens';
  }
  if (text.length > 0) content.push({ type: 'text', text });
  return { content, stop_reason, stop_sequence };
}

/** A complete Messages response of the mock. */
export type MockMessage = ReturnType<typeof messageBody>;

/** The Messages response object for a reply. */
export function messageBody(reply: MockAnthropicReply, b: MessagesBody, n: number) {
  const output = Math.max(1, Math.ceil(JSON.stringify(reply.content).length / 4));
  return {
    id: `msg_mock${String(n).padStart(4, '0')}`, type: 'message', role: 'assistant', model: b.model ?? 'claude-mock', content: reply.content,
    stop_reason: reply.stop_reason ?? 'end_turn', stop_sequence: reply.stop_sequence ?? null,
    usage: {
      input_tokens: inputTokens(b), cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, output_tokens: output,
    },
  };
}

/** Splits a string into about `parts` pieces (at least one). */
function split(s: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / parts));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

type Event = [string, Record<string, unknown>];

function blockEvents(block: Block, index: number): Event[] {
  const delta = (d: Record<string, unknown>): Event => ['content_block_delta', { type: 'content_block_delta', index, delta: d }];
  const start = (content_block: Record<string, unknown>): Event => ['content_block_start', { type: 'content_block_start', index, content_block }];
  const ping: Event[] = index === 0 ? [['ping', { type: 'ping' }]] : [];
  if (block.type === 'thinking') {
    return [start({ type: 'thinking', thinking: '', signature: '' }), ...ping,
      ...split(String(block.thinking), 2).map((t) => delta({ type: 'thinking_delta', thinking: t })),
      delta({ type: 'signature_delta', signature: block.signature })];
  }
  if (block.type === 'text') {
    return [start({ type: 'text', text: '' }), ...ping, ...split(String(block.text), 3).map((t) => delta({ type: 'text_delta', text: t }))];
  }
  if (block.type === 'tool_use') {
    return [start({ ...block, input: {} }), ...ping,
      ...['', ...split(JSON.stringify(block.input), 4)].map((j) => delta({ type: 'input_json_delta', partial_json: j }))];
  }
  return [start(block), ...ping];
}

/** The SSE events of a message, in the API's order (ping after the first block start). */
export function messageEvents(message: MockMessage): Event[] {
  const ev: Event[] = [];
  const start = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } };
  ev.push(['message_start', { type: 'message_start', message: start }]);
  message.content.forEach((block, index) => {
    ev.push(...blockEvents(block, index));
    ev.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  const delta = { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence };
  ev.push(['message_delta', { type: 'message_delta', delta, usage: { output_tokens: message.usage.output_tokens } }]);
  ev.push(['message_stop', { type: 'message_stop' }]);
  return ev;
}
