import { detailsSignature, REASONING_DETAILS_ORIGIN } from './reasoning-details.ts';
import { createJsonResultParser } from '../../../core/util/sse-json-parser.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { ChatResult, ReasoningPart, TextPart, ToolCallPart, ToolDefinition } from '../../../core/types/hub.ts';
import { fixedArguments } from '../../../core/util/tool-arguments.ts';
import { mapOpenAIErrorBody } from './map-openai-error.ts';
import { mapOpenAIFinishReason, mapOpenAIUsage } from './map-openai-usage.ts';
import { splitThinkTags } from './split-think-tags.ts';
import { splitToolText } from './text-tool-calls.ts';

type Json = Record<string, unknown>;

/** Response-side quirks. */
export interface OpenAIResponseOptions {
  /** Extract inline `<think>…</think>` reasoning from the content. */
  thinkTags?: boolean;
  /** Extra message/delta field carrying reasoning text (besides reasoning_content / reasoning). */
  reasoningField?: string;
  /** The request's tools, when the model may write its calls as text (`text_tool_calls`): such calls are read back. */
  textTools?: readonly ToolDefinition[];
}

const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/** A call id for upstreams that send none. */
export function newToolCallId(): string {
  return `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Reasoning text of a message or delta, from whichever field the upstream uses. */
export function readReasoning(m: Json, field?: string): string | undefined {
  const v = (field ? m[field] : undefined) ?? m.reasoning_content ?? m.reasoning;
  return typeof v === 'string' ? v : undefined;
}

/** One run of message content: answer text, or reasoning. */
export interface ContentSegment {
  text: string;
  reasoning: boolean;
}

/**
 * The segments of a message's or delta's `content`: a string is answer text; an array (Mistral's
 * reasoning models) holds `text` chunks and `thinking` chunks, whose `thinking` is a string or a
 * list of text chunks. Other chunk types (references…) carry no text. Empty runs are left out.
 *
 * @see https://docs.mistral.ai/capabilities/reasoning
 */
export function readContentSegments(content: unknown): ContentSegment[] {
  if (typeof content === 'string') return content ? [{ text: content, reasoning: false }] : [];
  if (!Array.isArray(content)) return [];
  const out: ContentSegment[] = [];
  for (const raw of content) {
    const part = obj(raw);
    if (!part) continue;
    const reasoning = part.type === 'thinking';
    const text = reasoning ? thinkingText(part.thinking) : typeof part.text === 'string' ? part.text : '';
    if (text) out.push({ text, reasoning });
  }
  return out;
}

function thinkingText(thinking: unknown): string {
  if (typeof thinking === 'string') return thinking;
  if (!Array.isArray(thinking)) return '';
  return thinking.map((t) => (typeof obj(t)?.text === 'string' ? (obj(t)?.text as string) : '')).join('');
}

/**
 * A `chat.completion` JSON body → ChatResult (first choice). Reasoning comes first, then the
 * text, then tool calls. Errors: a body that carries `error` becomes that upstream error; a
 * body without choices is a retryable `GW_UPSTREAM_PROTOCOL`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function mapOpenAIChatResponse(json: unknown, opts: OpenAIResponseOptions = {}): ChatResult {
  const body = obj(json);
  if (body?.error) throw mapOpenAIErrorBody(502, body);
  const choices = Array.isArray(body?.choices) ? body.choices : undefined;
  const choice = obj(choices?.find((c) => obj(c)?.index === 0) ?? choices?.[0]);
  const message = obj(choice?.message);
  if (!body || !message) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream reply has no choices.', { retryable: true });
  }
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = [];
  const segments = readContentSegments(message.content);
  const reasoning = (readReasoning(message, opts.reasoningField) ?? '') + segments.filter((s) => s.reasoning).map((s) => s.text).join('');
  const signature = detailsSignature(message.reasoning_details);
  if (signature) content.push({ type: 'reasoning', text: reasoning, signature, origin: REASONING_DETAILS_ORIGIN });
  else if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const answer = segments.filter((s) => !s.reasoning).map((s) => s.text).join('');
  const text = answer || (typeof message.refusal === 'string' ? message.refusal : '');
  if (text) {
    for (const seg of opts.thinkTags ? splitThinkTags(text) : [{ reasoning: false, text }]) {
      if (seg.reasoning) content.push({ type: 'reasoning', text: seg.text });
      else if (opts.textTools) content.push(...textAndCalls(seg.text, opts.textTools));
      else content.push({ type: 'text', text: seg.text });
    }
  }
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const raw of calls) {
    const call = obj(raw);
    const fn = obj(call?.function);
    if (!fn || typeof fn.name !== 'string') continue;
    content.push({ type: 'tool-call', id: typeof call?.id === 'string' && call.id ? call.id : newToolCallId(), name: fn.name, arguments: argsText(fn.arguments) });
  }
  const legacy = obj(message.function_call);
  if (legacy && typeof legacy.name === 'string') {
    content.push({ type: 'tool-call', id: newToolCallId(), name: legacy.name, arguments: argsText(legacy.arguments) });
  }
  const hadTools = content.some((p) => p.type === 'tool-call');
  const raw = typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined;
  const result: ChatResult = {
    id: typeof body.id === 'string' ? body.id : `chatcmpl-${crypto.randomUUID()}`,
    model: typeof body.model === 'string' ? body.model : '',
    content,
    finishReason: mapOpenAIFinishReason(raw, hadTools),
  };
  if (raw) result.rawFinishReason = raw;
  if (typeof body.created === 'number') result.created = body.created;
  const usage = mapOpenAIUsage(body.usage, body.service_tier);
  if (usage) result.usage = usage;
  const meta: Json = {};
  if (typeof body.service_tier === 'string') meta.service_tier = body.service_tier;
  if (typeof body.system_fingerprint === 'string') meta.system_fingerprint = body.system_fingerprint;
  if (Object.keys(meta).length > 0) result.providerMetadata = { openai: meta };
  return result;
}

/** Answer text with the tool calls the model wrote into it taken out as calls (and Harmony's reasoning as reasoning). */
function textAndCalls(text: string, tools: readonly ToolDefinition[]): Array<TextPart | ReasoningPart | ToolCallPart> {
  return splitToolText(text, tools).map((seg) => ('text' in seg
    ? { type: 'text', text: seg.text }
    : 'reasoning' in seg
      ? { type: 'reasoning', text: seg.reasoning }
      : { type: 'tool-call', id: newToolCallId(), name: seg.call.name, arguments: seg.call.arguments }));
}

/** A call's arguments as text; a string with a slip (`fixedArguments`) is set right. */
function argsText(a: unknown): string {
  if (typeof a === 'string') return fixedArguments(a);
  return a === undefined || a === null ? '{}' : JSON.stringify(a);
}


/**
 * StreamParser for a non-streamed reply (the passthrough lane's JSON body): the shared JSON
 * result parser over `mapOpenAIChatResponse`.
 */
export function createOpenAIChatJsonParser(opts: OpenAIResponseOptions = {}): StreamParser {
  return createJsonResultParser((json) => mapOpenAIChatResponse(json, opts), 'upstream');
}
