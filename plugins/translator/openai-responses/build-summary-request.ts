import type { GatewayRequest, HttpInput } from '../../../core/plugin/types.ts';
import type { ChatRequest, Message, ToolDefinition } from '../../../core/types/hub.ts';
import { SUMMARY_REQUEST } from './compact-prompt.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';
import type { ResponsesRequestBody } from './responses-request-schema.ts';

/**
 * The generation an emulated compaction runs: the compact request's `instructions` as the
 * system prompt, its conversation (`items`, already resolved) converted as `POST /v1/responses`
 * converts it, then one user message asking for the handoff summary (`SUMMARY_REQUEST`). Not
 * streamed, and never answered from a response cache (`mustCall`).
 *
 * What only an OpenAI Responses upstream could read is left out, so that every provider can
 * run it: built-in tools, input items the hub has no shape for (a `compaction` item's encrypted
 * content, built-in tool calls), and tool calls or results left without their partner by that.
 * The function and custom tools stay, with `toolChoice: none`, plus a bare definition for any
 * other tool the history calls: Anthropic refuses `tool_use` blocks in a request without tools.
 *
 * Errors: the 400s of `decodeResponsesRequest` for a malformed item.
 */
export function buildSummaryRequest(input: HttpInput, body: ResponsesRequestBody, items: readonly unknown[]): GatewayRequest<'chat'> {
  const wire: Record<string, unknown> = {
    model: body.model,
    input: [...items, { type: 'message', role: 'user', content: [{ type: 'input_text', text: SUMMARY_REQUEST }] }],
    stream: false,
  };
  if (body.instructions) wire.instructions = body.instructions;
  const tools = (body.tools ?? []).filter((t) => t.type === 'function' || t.type === 'custom');
  if (tools.length > 0) wire.tools = tools;
  const decoded = decodeResponsesRequest({ ...input, body: wire }).body;
  const messages = pairToolCalls(decoded.messages.filter((m) => m.providerOptions?.[RESPONSES_ORIGIN]?.item === undefined));
  const chat: ChatRequest = { model: body.model, messages, stream: false };
  const declared = declareCalledTools(decoded.tools, messages);
  if (declared.length > 0) {
    chat.tools = declared;
    chat.toolChoice = 'none';
  }
  return { operation: 'chat', model: body.model, stream: false, body: chat, mustCall: true };
}

/** `messages` without tool calls that have no result and results that answer no call. */
function pairToolCalls(messages: Message[]): Message[] {
  const calls = new Set<string>();
  const results = new Set<string>();
  for (const m of messages) {
    for (const p of m.content) {
      if (p.type === 'tool-call') calls.add(p.id);
      else if (p.type === 'tool-result') results.add(p.toolCallId);
    }
  }
  const paired = (p: Message['content'][number]) =>
    p.type === 'tool-call' ? results.has(p.id) : p.type === 'tool-result' ? calls.has(p.toolCallId) : true;
  if (messages.every((m) => m.content.every(paired))) return messages;
  return messages.flatMap((m) => {
    const content = m.content.filter(paired);
    return content.length > 0 ? [{ ...m, content }] : [];
  });
}

/** `tools` plus a bare definition of each other tool the history calls. */
function declareCalledTools(tools: ToolDefinition[] | undefined, messages: Message[]): ToolDefinition[] {
  const out = [...(tools ?? [])];
  const names = new Set(out.map((t) => t.name));
  for (const m of messages) {
    for (const p of m.content) {
      if (p.type !== 'tool-call' || names.has(p.name)) continue;
      names.add(p.name);
      out.push({ name: p.name, description: 'A tool called earlier in this conversation.', parameters: { type: 'object', properties: {} } });
    }
  }
  return out;
}
