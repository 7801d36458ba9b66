import type { ChatResult, ResponseFormat } from '../../../core/types/hub.ts';
import { JSON_VALUE_KEY, wrapValueSchema } from '../../../core/util/unwrap-json-value.ts';

/**
 * `responseMimeType: text/x.enum`: Gemini answers with one of the schema's values, as bare
 * text. Other upstreams have no such mode, and their structured output takes object roots
 * only (OpenAI's `response_format`, Anthropic's tool input), so the request asks for
 * `{"value": <one of the values>}` (the wrapper of `wrapValueSchema`) and the answer is handed
 * back as the bare value, unquoted.
 *
 * @see https://ai.google.dev/gemini-api/docs/structured-output#enums
 */

/** The `json_schema` name that marks an enum request (a Gemini client never names its schema). */
export const ENUM_FORMAT_NAME = 'enum_value';

/** The response format for an enum schema (`{type: string, enum: […]}`): the value in an object. */
export function enumResponseFormat(schema: Record<string, unknown>): ResponseFormat {
  return { type: 'json_schema', name: ENUM_FORMAT_NAME, strict: true, schema: wrapValueSchema(schema) };
}

/** True when the request's response format is the one `enumResponseFormat` made. */
export function isEnumRequest(format: ResponseFormat | undefined): boolean {
  return format?.type === 'json_schema' && format.name === ENUM_FORMAT_NAME;
}

/**
 * The bare value of an enum answer: `{"value": "x"}` (or a JSON string `"x"`) → `x`. Anything
 * else (a Gemini upstream that answered natively, a model that ignored the format) is given
 * back unchanged.
 */
export function unwrapEnumAnswer(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed === 'string') return parsed;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const value = (parsed as Record<string, unknown>)[JSON_VALUE_KEY];
    if (typeof value === 'string') return value;
  }
  return text;
}

/** The result with its answer text unwrapped (joined into the first text part). */
export function unwrapEnumResult(result: ChatResult): ChatResult {
  const texts = result.content.filter((p) => p.type === 'text');
  if (texts.length === 0) return result;
  const answer = unwrapEnumAnswer(texts.map((p) => p.text).join(''));
  let first = true;
  const content: ChatResult['content'] = [];
  for (const p of result.content) {
    if (p.type !== 'text') content.push(p);
    else if (first) {
      first = false;
      content.push({ ...p, text: answer });
    }
  }
  return { ...result, content };
}
