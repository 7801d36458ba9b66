import type { ChatRequest, ContentPart, Message, ToolDefinition } from '../../../core/types/hub.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';

/**
 * The hub request as Kiro's `generateAssistantResponse` body: a `conversationState` whose
 * `history` alternates `userInputMessage` / `assistantResponseMessage` and whose
 * `currentMessage` is the last user turn, carrying the tools and the tool results it answers.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/translator/kiro/openai/kiro_openai_request.go
 *   (the public proxies' reverse-engineered shape; there is no published API document)
 */

/** Kiro's `origin` for requests made the way the Kiro IDE makes them. */
export const KIRO_ORIGIN = 'AI_EDITOR';
/** Stand-in text where Kiro refuses an empty turn. */
const CONTINUE = 'Continue.';
const TOOL_RESULTS_ONLY = 'Tool results provided.';
const SYSTEM_ACK = 'Understood. I will follow these instructions.';
/** Kiro refuses tool descriptions longer than this. */
const MAX_TOOL_DESCRIPTION = 10_000;

export interface KiroToolResult { toolUseId: string; status: 'success' | 'error'; content: Array<{ text: string }> }
export interface KiroUserMessage {
  content: string;
  modelId: string;
  origin: string;
  images?: Array<{ format: string; source: { bytes: string } }>;
  userInputMessageContext?: { tools?: unknown[]; toolResults?: KiroToolResult[] };
}
export interface KiroAssistantMessage {
  content: string;
  toolUses?: Array<{ toolUseId: string; name: string; input: unknown }>;
}
export type KiroHistoryEntry = { userInputMessage: KiroUserMessage } | { assistantResponseMessage: KiroAssistantMessage };

/** The upstream body (without `profileArn`, which comes from the account). */
export interface KiroRequestBody {
  conversationState: {
    chatTriggerType: 'MANUAL';
    conversationId: string;
    currentMessage: { userInputMessage: KiroUserMessage };
    history?: KiroHistoryEntry[];
  };
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number };
  profileArn?: string;
}

/**
 * Kiro model ids: the dotted family names (`claude-sonnet-4.5`), `auto`, or the long
 * `CLAUDE_…_V1_0` ids, passed through. The dashed spelling clients know (`claude-sonnet-4-5`,
 * with or without a date) is mapped to the dotted one.
 */
export function toKiroModelId(model: string): string {
  const m = /^(claude-(?:sonnet|opus|haiku))-(\d)-(\d)(?:-\d{8})?$/.exec(model);
  if (m) return `${m[1]}-${m[2]}.${m[3]}`;
  return model.replace(/^(claude-(?:sonnet|opus|haiku)-\d)-\d{8}$/, '$1');
}

interface Turn { role: 'user' | 'assistant'; parts: ContentPart[] }

/** Merges consecutive same-role turns; `tool` messages are user turns; system text is set apart. */
function turnsOf(messages: readonly Message[]): { system: string; turns: Turn[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      for (const p of m.content) if (p.type === 'text' && p.text) system.push(p.text);
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const last = turns.at(-1);
    if (last?.role === role) last.parts.push(...m.content);
    else turns.push({ role, parts: [...m.content] });
  }
  return { system: system.join('\n\n'), turns };
}

function textOf(parts: readonly ContentPart[]): string {
  return parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('');
}

function userMessage(parts: readonly ContentPart[], modelId: string): KiroUserMessage {
  const results: KiroToolResult[] = [];
  const images: NonNullable<KiroUserMessage['images']> = [];
  for (const p of parts) {
    if (p.type === 'tool-result') {
      results.push({
        toolUseId: p.toolCallId, status: p.isError ? 'error' : 'success',
        content: [{ text: p.content.map((c) => (c.type === 'text' ? c.text : '[image]')).join('') || '(empty)' }],
      });
    } else if (p.type === 'image' && p.data) {
      images.push({ format: (p.mediaType ?? 'image/png').replace(/^image\//, ''), source: { bytes: p.data } });
    }
  }
  const text = textOf(parts);
  const msg: KiroUserMessage = { content: text || (results.length > 0 ? TOOL_RESULTS_ONLY : CONTINUE), modelId, origin: KIRO_ORIGIN };
  if (images.length > 0) msg.images = images;
  if (results.length > 0) msg.userInputMessageContext = { toolResults: results };
  return msg;
}

function assistantMessage(parts: readonly ContentPart[]): KiroAssistantMessage {
  const toolUses = parts.filter((p) => p.type === 'tool-call').map((p) => {
    const call = p as Extract<ContentPart, { type: 'tool-call' }>;
    return { toolUseId: call.id, name: call.name, input: toolArgumentsObject(call.arguments) };
  });
  const msg: KiroAssistantMessage = { content: textOf(parts) || (toolUses.length > 0 ? '' : '...') };
  if (toolUses.length > 0) msg.toolUses = toolUses;
  return msg;
}

function kiroTools(tools: readonly ToolDefinition[]): unknown[] {
  return tools.map((t) => ({
    toolSpecification: {
      name: t.name,
      // Kiro refuses an empty description.
      description: (t.description?.trim() || `Tool ${t.name}`).slice(0, MAX_TOOL_DESCRIPTION),
      inputSchema: { json: t.parameters },
    },
  }));
}

/**
 * Converts a hub chat request. System text becomes a first user/assistant pair of the history
 * (Kiro has no system field); a conversation that ends with an assistant turn gets a
 * `Continue.` user turn; tools go with the current message only (`toolChoice: none` drops them).
 */
export function convertToKiroRequest(req: ChatRequest, model: string): KiroRequestBody {
  const modelId = toKiroModelId(model);
  const { system, turns } = turnsOf(req.messages);
  if (turns.at(-1)?.role !== 'user') turns.push({ role: 'user', parts: [] });
  const current = userMessage(turns.pop()!.parts, modelId);
  const history: KiroHistoryEntry[] = [];
  if (system) {
    history.push({ userInputMessage: { content: system, modelId, origin: KIRO_ORIGIN } }, { assistantResponseMessage: { content: SYSTEM_ACK } });
  }
  for (const t of turns) {
    // History must alternate; a leading assistant turn gets an empty user turn before it.
    if (t.role === 'assistant' && (history.length === 0 || 'assistantResponseMessage' in history.at(-1)!)) {
      history.push({ userInputMessage: { content: CONTINUE, modelId, origin: KIRO_ORIGIN } });
    }
    history.push(t.role === 'user' ? { userInputMessage: userMessage(t.parts, modelId) } : { assistantResponseMessage: assistantMessage(t.parts) });
  }
  if (history.length > 0 && 'userInputMessage' in history.at(-1)!) history.push({ assistantResponseMessage: { content: '...' } });
  if (req.tools?.length && req.toolChoice !== 'none') {
    current.userInputMessageContext = { ...current.userInputMessageContext, tools: kiroTools(req.tools) };
  }
  const body: KiroRequestBody = {
    conversationState: {
      chatTriggerType: 'MANUAL', conversationId: crypto.randomUUID(), currentMessage: { userInputMessage: current },
      ...(history.length > 0 ? { history } : {}),
    },
  };
  const inference = {
    ...(req.maxTokens ? { maxTokens: req.maxTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.topP !== undefined ? { topP: req.topP } : {}),
  };
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  return body;
}
