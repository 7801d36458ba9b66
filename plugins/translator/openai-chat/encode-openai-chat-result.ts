import type { ChatResult } from '../../../core/types/hub.ts';
import { encodeOpenAIUsage, type OpenAIUsage } from './encode-openai-usage.ts';
import { mapOpenAIFinishReason, type OpenAIFinishReason } from './map-openai-finish-reason.ts';

/** A tool call in an assistant message. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** The `chat.completion` object as the API returns it. */
export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      reasoning_content?: string;
      tool_calls?: OpenAIToolCall[];
      refusal: null;
      annotations: [];
    };
    logprobs: null;
    finish_reason: OpenAIFinishReason;
  }>;
  usage?: OpenAIUsage;
  service_tier?: string;
  system_fingerprint?: string;
}

/**
 * ChatResult → `chat.completion` object, field for field as the API sends it (`refusal: null`,
 * `annotations: []`, `logprobs: null`, usage details). Text parts are joined; reasoning text,
 * when present, goes to `reasoning_content` (the DeepSeek convention most clients read);
 * `content` is null only when the reply is tool calls without text; a call without arguments
 * gets `{}`, as the API sends for a function without parameters. Pure.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function encodeOpenAIChatResult(result: ChatResult, fallbackModel?: string): OpenAIChatCompletion {
  let text = '';
  let reasoning = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of result.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
    else toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments || '{}' } });
  }
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
  } as OpenAIChatCompletion['choices'][number]['message'];
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  message.refusal = null;
  message.annotations = [];
  const out: OpenAIChatCompletion = {
    id: result.id,
    object: 'chat.completion',
    created: result.created ?? Math.floor(Date.now() / 1000),
    model: result.model || fallbackModel || '',
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapOpenAIFinishReason(result.finishReason) }],
  };
  if (result.usage) out.usage = encodeOpenAIUsage(result.usage);
  const meta = result.providerMetadata?.openai;
  if (typeof meta?.service_tier === 'string') out.service_tier = meta.service_tier;
  if (typeof meta?.system_fingerprint === 'string') out.system_fingerprint = meta.system_fingerprint;
  return out;
}
