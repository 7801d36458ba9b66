import type { StreamPart } from '../../../core/types/hub.ts';

/** What the mapper remembers between events of one answer. */
export interface KiroStreamState {
  /** Tool calls by `toolUseId`: their index and whether `stop` closed them. */
  tools: Map<string, { index: number; open: boolean }>;
  reasoning: boolean;
  /** Last `contextUsageEvent` figure (percent of the context window), for the record. */
  contextPercent?: number;
}

export function newKiroStreamState(): KiroStreamState {
  return { tools: new Map(), reasoning: false };
}

/** Closes an open reasoning block before other content. */
function endReasoning(state: KiroStreamState, out: StreamPart[], signature?: string): void {
  if (!state.reasoning) return;
  state.reasoning = false;
  out.push({ type: 'reasoning-end', ...(signature ? { signature, origin: 'kiro' } : {}) });
}

function toolUse(p: Record<string, unknown>, state: KiroStreamState, out: StreamPart[]): void {
  const id = typeof p.toolUseId === 'string' ? p.toolUseId : undefined;
  if (!id) return;
  endReasoning(state, out);
  let tool = state.tools.get(id);
  if (!tool) {
    tool = { index: state.tools.size, open: true };
    state.tools.set(id, tool);
    out.push({ type: 'tool-call-start', id, name: typeof p.name === 'string' ? p.name : '', index: tool.index });
  }
  if (!tool.open) return;
  const input = typeof p.input === 'string' ? p.input : p.input !== undefined && p.input !== null ? JSON.stringify(p.input) : '';
  if (input) out.push({ type: 'tool-call-delta', id, index: tool.index, argumentsDelta: input });
  if (p.stop === true) {
    tool.open = false;
    out.push({ type: 'tool-call-end', id, index: tool.index });
  }
}

/**
 * One Kiro event (`:event-type` + JSON payload) as hub parts:
 * - `assistantResponseEvent {content}` → text;
 * - `reasoningContentEvent {text, signature}` → reasoning (unconfirmed shape: seen in some
 *   proxies only; ignored when its fields are absent);
 * - `toolUseEvent {toolUseId, name, input, stop}` → tool call start / argument fragments / end
 *   (the input streams as JSON text fragments; `stop: true` ends the call);
 * - `contextUsageEvent`, `meteringEvent`, `messageMetadataEvent`, `codeReferenceEvent`,
 *   `followupPromptEvent`, `supplementaryWebLinksEvent` and unknown events → nothing.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/tree/main/internal/translator/kiro (event names as the public proxies read them)
 */
export function mapKiroStreamEvent(type: string, payload: unknown, state: KiroStreamState): StreamPart[] {
  const p = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  const out: StreamPart[] = [];
  switch (type) {
    case 'assistantResponseEvent':
      if (typeof p.content === 'string' && p.content) {
        endReasoning(state, out);
        out.push({ type: 'text-delta', text: p.content });
      }
      break;
    case 'reasoningContentEvent':
      if (typeof p.text === 'string' && p.text) {
        state.reasoning = true;
        out.push({ type: 'reasoning-delta', text: p.text });
      }
      if (typeof p.signature === 'string' && p.signature) endReasoning(state, out, p.signature);
      break;
    case 'toolUseEvent':
      toolUse(p, state, out);
      break;
    case 'contextUsageEvent':
      if (typeof p.contextUsagePercentage === 'number') state.contextPercent = p.contextUsagePercentage;
      break;
    default:
      break;
  }
  return out;
}

/** The finish reason once the stream ended cleanly. */
export function kiroFinishReason(state: KiroStreamState): 'tool-calls' | 'stop' {
  return state.tools.size > 0 ? 'tool-calls' : 'stop';
}
