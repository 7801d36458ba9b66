import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatResult, FinishReason, ReasoningPart, TextPart, ToolCallPart } from '../../../core/types/hub.ts';
import { PROVIDER } from './convert-to-responses-input.ts';
import { mapResponsesStreamError } from './map-responses-error.ts';
import { mapResponsesUsage } from './map-responses-usage.ts';

type Json = Record<string, unknown>;

/**
 * Maps a Responses `response` object to a hub result, keeping output order: reasoning items
 * (summary text, `encrypted_content` as the redacted payload, the `rs_` id), message text
 * (refusals included as text) and function calls (`call_id` as the tool-call id).
 * Built-in tool items (web search calls…) carry no hub content and are skipped.
 *
 * Errors: a `failed` response throws its mapped error; a body that is not a response object,
 * or one still `in_progress`/`queued`, throws GW_UPSTREAM_PROTOCOL (retryable).
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function mapResponsesResult(body: unknown, secret?: string): ChatResult {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as Json).output)) {
    throw protocolError('The Responses upstream returned something that is not a response object.');
  }
  const response = body as Json;
  if (response.status === 'failed') throw mapResponsesStreamError({ error: response.error ?? {} }, secret);
  if (response.status === 'in_progress' || response.status === 'queued') {
    throw protocolError('The Responses upstream returned an unfinished response.');
  }
  const content: ChatResult['content'] = [];
  for (const item of response.output as Json[]) convertItem(item, content);
  const result: ChatResult = {
    id: str(response.id),
    model: str(response.model),
    content,
    ...finishOf(response, content),
  };
  if (typeof response.created_at === 'number') result.created = response.created_at;
  const usage = mapResponsesUsage(response.usage, response.service_tier);
  if (usage) result.usage = usage;
  const metadata = responseMetadata(response);
  if (metadata) result.providerMetadata = { [PROVIDER]: metadata };
  if ((response.output as Json[]).some((item) => !MODELED_ITEMS.has(item?.type as string))) result.opaqueOutput = true;
  return result;
}

/** Output item types the hub models; others (`custom_tool_call`, `local_shell_call`, hosted tool calls) are opaque. */
export const MODELED_ITEMS = new Set(['function_call', 'reasoning', 'message']);

/**
 * What a result keeps of a response object beyond hub content: `service_tier`, and its `output`
 * items as the upstream sent them (ids, built-in tool calls and all), so a Responses client
 * served on the passthrough lane can have exactly what it saw stored. Kept by reference.
 */
export function responseMetadata(response: Json): Json | undefined {
  const meta: Json = {};
  if (typeof response.service_tier === 'string') meta.service_tier = response.service_tier;
  if (Array.isArray(response.output)) meta.output = response.output;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

function convertItem(item: Json, content: ChatResult['content']): void {
  switch (item.type) {
    case 'message': {
      const parts = Array.isArray(item.content) ? (item.content as Json[]) : [];
      for (const p of parts) {
        const text = p.type === 'refusal' ? str(p.refusal) : str(p.text);
        if (text) content.push({ type: 'text', text } satisfies TextPart);
      }
      return;
    }
    case 'function_call':
      content.push({ type: 'tool-call', id: str(item.call_id) || str(item.id), name: str(item.name), arguments: str(item.arguments) } satisfies ToolCallPart);
      return;
    case 'reasoning': {
      const part: ReasoningPart = { type: 'reasoning', text: reasoningText(item) };
      const encrypted = str(item.encrypted_content);
      if (encrypted) {
        part.redacted = encrypted;
        part.origin = PROVIDER;
      }
      if (str(item.id)) part.providerOptions = { [PROVIDER]: { id: str(item.id) } };
      content.push(part);
      return;
    }
  }
}

function reasoningText(item: Json): string {
  const summary = Array.isArray(item.summary) ? (item.summary as Json[]) : [];
  const source = summary.length > 0 ? summary : Array.isArray(item.content) ? (item.content as Json[]) : [];
  return source.map((s) => str(s.text)).filter(Boolean).join('\n\n');
}

function finishOf(response: Json, content: ChatResult['content']): { finishReason: FinishReason; rawFinishReason: string } {
  if (response.status === 'incomplete') {
    const reason = str(((response.incomplete_details ?? {}) as Json).reason) || 'incomplete';
    return { finishReason: reason === 'content_filter' ? 'content-filter' : 'length', rawFinishReason: reason };
  }
  const called = content.some((p) => p.type === 'tool-call');
  return { finishReason: called ? 'tool-calls' : 'stop', rawFinishReason: str(response.status) || 'completed' };
}

function protocolError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', message, { retryable: true });
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
