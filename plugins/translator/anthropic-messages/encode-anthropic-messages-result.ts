import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';
import { toToolUseId } from '../../../core/util/tool-use-id.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { wrapSignature } from './anthropic-signature.ts';
import {
  mapStopReason, toAnthropicUsage, toMessageId, type AnthropicUsage,
} from './map-hub-to-anthropic.ts';

/** One content block of a Messages response. */
export type AnthropicResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** The Messages response object. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  content: AnthropicResponseBlock[];
  model: string;
  stop_reason: string;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/**
 * Encodes a hub chat result as a Messages response body. Pure.
 * Empty text parts are dropped (the API never returns them); foreign signatures are wrapped.
 * Reasoning with both text and a redacted payload gives a thinking block and a
 * redacted_thinking block, exactly as the stream encoder emits it.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function encodeAnthropicMessagesResult(result: ChatResult, fallback: { id: string; model: string }): AnthropicMessage {
  const content: AnthropicResponseBlock[] = [];
  for (const part of result.content) {
    if (part.type === 'text') {
      if (part.text.length > 0) content.push({ type: 'text', text: part.text });
    } else if (part.type === 'tool-call') {
      content.push({ type: 'tool_use', id: toToolUseId(part.id), name: part.name, input: toolArgumentsObject(part.arguments) });
    } else if (part.redacted !== undefined) {
      // Readable reasoning that came with an opaque payload (an OpenAI summary + encrypted
      // content): the text as an unsigned thinking block, then the payload, as the stream sends them.
      if (part.text.length > 0) content.push({ type: 'thinking', thinking: part.text, signature: '' });
      content.push({ type: 'redacted_thinking', data: wrapSignature(part.redacted, part.origin) });
    } else {
      const signature = part.signature ? wrapSignature(part.signature, part.origin) : '';
      content.push({ type: 'thinking', thinking: part.text, signature });
    }
  }
  return {
    id: toMessageId(result.id, fallback.id),
    type: 'message',
    role: 'assistant',
    content,
    model: result.model || fallback.model,
    stop_reason: mapStopReason(result.finishReason, result.rawFinishReason, result.stopSequence),
    stop_sequence: result.stopSequence ?? null,
    usage: toAnthropicUsage(result.usage),
  };
}
