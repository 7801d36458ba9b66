import type { ChatResult, FinishReason, ReasoningPart, StreamPart, TextPart, ToolCallPart, Usage } from '../../../core/types/hub.ts';

/**
 * Folds a whole stream of hub parts into one result (Kiro only streams; a non-streaming
 * caller gets the folded answer). Text and reasoning fragments are joined, tool-call fragments
 * are joined per call id in call order.
 *
 * Errors: rethrows the GatewayError of an `error` part, so the attempt fails (and may fall back)
 * exactly as a non-2xx answer would.
 */
export async function collectKiroResult(parts: ReadableStream<StreamPart>, model: string): Promise<ChatResult> {
  const content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
  const calls = new Map<string, ToolCallPart>();
  let id = '';
  let finish: FinishReason = 'other';
  let usage: Usage | undefined;
  const lastOf = <T extends 'text' | 'reasoning'>(type: T) => {
    const last = content.at(-1);
    return last?.type === type ? (last as Extract<typeof last, { type: T }>) : undefined;
  };
  for await (const p of parts) {
    switch (p.type) {
      case 'start': id = p.id; break;
      case 'text-delta': {
        const last = lastOf('text');
        if (last) last.text += p.text;
        else content.push({ type: 'text', text: p.text });
        break;
      }
      case 'reasoning-delta': {
        const last = lastOf('reasoning');
        if (last) last.text += p.text;
        else content.push({ type: 'reasoning', text: p.text });
        break;
      }
      case 'reasoning-end': {
        const last = lastOf('reasoning');
        if (last && p.signature) Object.assign(last, { signature: p.signature, origin: p.origin ?? 'kiro' });
        break;
      }
      case 'tool-call-start': {
        const call: ToolCallPart = { type: 'tool-call', id: p.id, name: p.name, arguments: '' };
        calls.set(p.id, call);
        content.push(call);
        break;
      }
      case 'tool-call-delta': {
        const call = calls.get(p.id);
        if (call) call.arguments += p.argumentsDelta;
        break;
      }
      case 'usage': usage = p.usage; break;
      case 'finish': finish = p.reason; usage = p.usage ?? usage; break;
      case 'error': throw p.error;
      default: break;
    }
  }
  for (const call of calls.values()) if (call.arguments === '') call.arguments = '{}';
  return { id: id || `kiro-${crypto.randomUUID()}`, model, content, finishReason: finish, ...(usage ? { usage } : {}) };
}
