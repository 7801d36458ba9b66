import type { ChatResult, StreamPart } from './hub.ts';

/**
 * The stream parts equivalent to a complete result: `start`, the content in order (each
 * reasoning block closed by a `reasoning-end` carrying its signature / redacted payload /
 * origin, each tool call as start/delta/end), then `finish` with reason, usage and provider metadata. Providers
 * use it to serve a JSON reply as a stream; caches and replays use it to stream a stored result.
 */
export function resultToParts(result: ChatResult): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id: result.id, model: result.model, ...(result.created === undefined ? {} : { created: result.created }) }];
  let tools = 0;
  for (const p of result.content) {
    if (p.type === 'text') parts.push({ type: 'text-delta', text: p.text });
    else if (p.type === 'reasoning') {
      if (p.text) parts.push({ type: 'reasoning-delta', text: p.text });
      const end: StreamPart = { type: 'reasoning-end' };
      if (p.signature) end.signature = p.signature;
      if (p.redacted !== undefined) end.redacted = p.redacted;
      if (p.origin) end.origin = p.origin;
      parts.push(end);
    } else {
      const index = tools++;
      parts.push(p.providerOptions ? { type: 'tool-call-start', id: p.id, name: p.name, index, providerOptions: p.providerOptions } : { type: 'tool-call-start', id: p.id, name: p.name, index });
      if (p.arguments) parts.push({ type: 'tool-call-delta', id: p.id, index, argumentsDelta: p.arguments });
      parts.push({ type: 'tool-call-end', id: p.id, index });
    }
  }
  const finish: StreamPart = { type: 'finish', reason: result.finishReason };
  if (result.usage) finish.usage = result.usage;
  if (result.opaqueOutput) finish.opaqueOutput = true;
  if (result.rawFinishReason) finish.rawReason = result.rawFinishReason;
  if (result.stopSequence) finish.stopSequence = result.stopSequence;
  if (result.providerMetadata) finish.providerMetadata = result.providerMetadata;
  parts.push(finish);
  return parts;
}
