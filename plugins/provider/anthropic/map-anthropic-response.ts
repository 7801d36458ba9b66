import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatResult, ReasoningPart, TextPart, ToolCallPart } from '../../../core/types/hub.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';
import { mapAnthropicUsage, type AnthropicWireUsage } from './map-anthropic-usage.ts';
import { jsonToolAnswer } from '../../../core/util/json-output-tool.ts';

/** The structured-output tool trick, as the reply mappers need to know it. */
export interface JsonToolOptions {
  /** Name of the tool whose input is the answer. */
  jsonTool?: string;
  /** The tool's schema was wrapped as `{value: …}`: the answer is the input's `value`. */
  jsonWrapped?: boolean;
}

/** The parts of a Messages response the mapper reads. */
interface AnthropicResponse {
  id?: string;
  model?: string;
  content?: Array<{ type: string; [key: string]: unknown }>;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicWireUsage;
}

/**
 * Maps a Messages response body to a hub result. Thinking blocks keep their signature with
 * origin `anthropic`; tool_use input becomes JSON text. With `jsonTool` (the structured-output
 * tool trick) that tool's input (its `value` with `jsonWrapped`) becomes the text of the answer
 * and the turn ends with `stop`.
 * Server-tool blocks (web search results…) have no hub form and are left out.
 *
 * Errors: GW_UPSTREAM_PROTOCOL (502, retryable) when the body is not a message.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function mapAnthropicResponse(body: unknown, opts: JsonToolOptions = {}): ChatResult {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as AnthropicResponse).content)) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Anthropic upstream returned a malformed message.', { retryable: true });
  }
  const msg = body as AnthropicResponse;
  const content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
  let json: string | undefined;
  let opaque = false;
  for (const block of msg.content ?? []) {
    switch (block.type) {
      case 'text':
        if (typeof block.text === 'string') content.push({ type: 'text', text: block.text });
        break;
      case 'thinking': {
        const part: ReasoningPart = { type: 'reasoning', text: String(block.thinking ?? ''), origin: 'anthropic' };
        if (typeof block.signature === 'string' && block.signature.length > 0) part.signature = block.signature;
        content.push(part);
        break;
      }
      case 'redacted_thinking':
        content.push({ type: 'reasoning', text: '', redacted: String(block.data ?? ''), origin: 'anthropic' });
        break;
      case 'tool_use': {
        if (opts.jsonTool !== undefined && block.name === opts.jsonTool) json = JSON.stringify(jsonToolAnswer(block.input ?? {}, opts.jsonWrapped));
        else content.push({ type: 'tool-call', id: String(block.id), name: String(block.name), arguments: JSON.stringify(block.input ?? {}) });
        break;
      }
      default:
        // Server tools (web search, code execution) and their results: not modeled by the hub.
        opaque = true;
    }
  }
  const result: ChatResult = {
    id: msg.id ?? '',
    model: msg.model ?? '',
    content,
    finishReason: mapAnthropicStopReason(msg.stop_reason),
    usage: mapAnthropicUsage(msg.usage),
  };
  if (msg.stop_reason) result.rawFinishReason = msg.stop_reason;
  if (msg.stop_sequence) result.stopSequence = msg.stop_sequence;
  if (opaque) result.opaqueOutput = true;
  if (json !== undefined) {
    // The tool call *is* the answer: any preamble text is replaced by the JSON.
    result.content = [...content.filter((p) => p.type !== 'text'), { type: 'text', text: json }];
    if (!content.some((p) => p.type === 'tool-call')) {
      result.finishReason = 'stop';
      result.rawFinishReason = 'end_turn';
    }
  }
  return result;
}
