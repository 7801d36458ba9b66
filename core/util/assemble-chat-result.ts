import type { ChatResult, ReasoningPart, StreamPart, TextPart, ToolCallPart, Usage } from '../types/hub.ts';

/**
 * Folds a finished stream's parts into the complete result they describe: adjacent text deltas
 * join into one text part, reasoning deltas into one reasoning part closed by `reasoning-end`
 * (with its signature), tool-call fragments into one call per id. Answers undefined when the
 * parts carry an error or never finished, so a broken reply is never kept.
 */
export function assembleChatResult(parts: readonly StreamPart[]): ChatResult | undefined {
  const result: ChatResult = { id: '', model: '', content: [], finishReason: 'stop' };
  const calls = new Map<string, ToolCallPart>();
  let usage: Usage | undefined;
  let finished = false;
  let open: TextPart | ReasoningPart | undefined;
  for (const p of parts) {
    switch (p.type) {
      case 'start':
        result.id = p.id;
        result.model = p.model;
        if (p.created !== undefined) result.created = p.created;
        break;
      case 'text-delta':
      case 'reasoning-delta': {
        const kind = p.type === 'text-delta' ? 'text' : 'reasoning';
        let cur = open;
        if (cur?.type !== kind) {
          cur = kind === 'text' ? { type: 'text', text: '' } : { type: 'reasoning', text: '' };
          result.content.push(cur);
          open = cur;
        }
        cur.text += p.text;
        break;
      }
      case 'reasoning-end': {
        const r: ReasoningPart = open?.type === 'reasoning' ? open : { type: 'reasoning', text: '' };
        if (open !== r) result.content.push(r);
        if (p.signature !== undefined) r.signature = p.signature;
        if (p.redacted !== undefined) r.redacted = p.redacted;
        if (p.origin !== undefined) r.origin = p.origin;
        open = undefined;
        break;
      }
      case 'tool-call-start': {
        const call: ToolCallPart = { type: 'tool-call', id: p.id, name: p.name, arguments: '' };
        if (p.providerOptions) call.providerOptions = p.providerOptions;
        calls.set(p.id, call);
        result.content.push(call);
        open = undefined;
        break;
      }
      case 'tool-call-delta': {
        const call = calls.get(p.id);
        if (!call) return undefined;
        call.arguments += p.argumentsDelta;
        break;
      }
      case 'tool-call-end':
        break;
      case 'usage':
        usage = { ...usage, ...p.usage };
        break;
      case 'finish':
        finished = true;
        result.finishReason = p.reason;
        if (p.rawReason !== undefined) result.rawFinishReason = p.rawReason;
        if (p.stopSequence !== undefined) result.stopSequence = p.stopSequence;
        if (p.usage) usage = { ...usage, ...p.usage };
        if (p.providerMetadata) result.providerMetadata = { ...result.providerMetadata, ...p.providerMetadata };
        break;
      case 'error':
        return undefined;
    }
  }
  if (!finished || result.finishReason === 'error') return undefined;
  if (usage) result.usage = usage;
  return result;
}
