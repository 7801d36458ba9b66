import type { ChatResult, ReasoningPart, StreamPart, TextPart, ToolCallPart, Usage } from '../../../core/types/hub.ts';

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
        break;
      case 'error':
        return undefined;
    }
  }
  if (!finished || result.finishReason === 'error') return undefined;
  if (usage) result.usage = usage;
  return result;
}

/**
 * The parts that replay a complete result as a stream: start, one delta per content part
 * (reasoning closed by its `reasoning-end` with the signature), then `finish` with the usage.
 */
export function chatResultToParts(r: ChatResult): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id: r.id, model: r.model, ...(r.created === undefined ? {} : { created: r.created }) }];
  let index = 0;
  for (const p of r.content) {
    if (p.type === 'text') {
      parts.push({ type: 'text-delta', text: p.text });
    } else if (p.type === 'reasoning') {
      if (p.text) parts.push({ type: 'reasoning-delta', text: p.text });
      const end: StreamPart = { type: 'reasoning-end' };
      if (p.signature !== undefined) end.signature = p.signature;
      if (p.redacted !== undefined) end.redacted = p.redacted;
      if (p.origin !== undefined) end.origin = p.origin;
      parts.push(end);
    } else {
      const i = index++;
      parts.push({ type: 'tool-call-start', id: p.id, name: p.name, index: i });
      if (p.arguments) parts.push({ type: 'tool-call-delta', id: p.id, index: i, argumentsDelta: p.arguments });
      parts.push({ type: 'tool-call-end', id: p.id, index: i });
    }
  }
  const finish: StreamPart = { type: 'finish', reason: r.finishReason };
  if (r.rawFinishReason !== undefined) finish.rawReason = r.rawFinishReason;
  if (r.stopSequence !== undefined) finish.stopSequence = r.stopSequence;
  if (r.usage) finish.usage = r.usage;
  parts.push(finish);
  return parts;
}
