import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatResult, ReasoningPart, TextPart, ToolCallPart } from '../../../core/types/hub.ts';
import { jsonToolAnswer } from '../../../core/util/json-output-tool.ts';
import type { BedrockJsonTool } from './convert-to-bedrock-json-tool.ts';
import { BEDROCK_ORIGIN } from './convert-to-bedrock-messages.ts';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.ts';
import { mapBedrockUsage, type BedrockWireUsage } from './map-bedrock-usage.ts';

interface ConverseResponse {
  output?: { message?: { content?: Array<Record<string, unknown>> } };
  stopReason?: string;
  usage?: BedrockWireUsage;
}

/**
 * A Converse response → hub result: `text` blocks, `toolUse` blocks (their `input` object as
 * JSON text), `reasoningContent` (text with its signature, or the redacted bytes; origin
 * `bedrock`), the stop reason and usage. Other blocks (citations, guardrail content) are left
 * out. `id` is the call's request id (Converse answers carry none in the body).
 *
 * With `json` (the structured-output tool trick), that tool's call is the answer: its input
 * (the `value` of a wrapped schema) becomes the text, in place of any text the model wrote
 * around it, and `tool_use` becomes `stop` (raw `end_turn`) unless the model also called a
 * client tool.
 *
 * Errors: GW_UPSTREAM_PROTOCOL (502, retryable) when the body holds no `output.message`.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function mapBedrockResponse(json: unknown, model: string, id: string, jsonTool?: Pick<BedrockJsonTool, 'name' | 'wrapped'>): ChatResult {
  const res = (json ?? {}) as ConverseResponse;
  const blocks = res.output?.message?.content;
  if (!Array.isArray(blocks)) throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Bedrock upstream answered without a message.', { retryable: true });
  const content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
  let answer: string | undefined;
  for (const b of blocks) {
    if (typeof b.text === 'string') content.push({ type: 'text', text: b.text });
    const use = b.toolUse as { toolUseId?: unknown; name?: unknown; input?: unknown } | undefined;
    if (use && jsonTool && use.name === jsonTool.name) {
      answer = JSON.stringify(jsonToolAnswer(use.input ?? {}, jsonTool.wrapped));
    } else if (use && typeof use.toolUseId === 'string') {
      content.push({ type: 'tool-call', id: use.toolUseId, name: typeof use.name === 'string' ? use.name : '', arguments: JSON.stringify(use.input ?? {}) });
    }
    const reasoning = reasoningOf(b.reasoningContent);
    if (reasoning) content.push(reasoning);
  }
  const usage = mapBedrockUsage(res.usage);
  const result: ChatResult = {
    id, model, content,
    finishReason: mapBedrockStopReason(res.stopReason),
    ...(typeof res.stopReason === 'string' ? { rawFinishReason: res.stopReason } : {}),
    ...(usage ? { usage } : {}),
  };
  if (answer === undefined) return result;
  result.content = [...content.filter((p) => p.type !== 'text'), { type: 'text', text: answer }];
  if (result.finishReason === 'tool-calls' && !content.some((p) => p.type === 'tool-call')) {
    result.finishReason = 'stop';
    result.rawFinishReason = 'end_turn';
  }
  return result;
}

function reasoningOf(block: unknown): ReasoningPart | undefined {
  if (!block || typeof block !== 'object') return undefined;
  const r = block as { reasoningText?: { text?: unknown; signature?: unknown }; redactedContent?: unknown };
  if (typeof r.redactedContent === 'string') return { type: 'reasoning', text: '', redacted: r.redactedContent, origin: BEDROCK_ORIGIN };
  if (typeof r.reasoningText?.text !== 'string') return undefined;
  const signature = typeof r.reasoningText.signature === 'string' ? r.reasoningText.signature : undefined;
  return { type: 'reasoning', text: r.reasoningText.text, ...(signature ? { signature, origin: BEDROCK_ORIGIN } : {}) };
}
