import { isKeptObject } from '../../../core/util/kept-object.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';
import { hasPlainFields, isFiniteNumber, isInt, nullish, oneOf, type ValueCheck } from '../../../core/util/plain-fields.ts';

/**
 * Fast checks for the Responses bodies Codex and the SDKs send: the body's top level
 * (`isPlainResponsesBody`) and each input item the decoder converts (`isPlainItem`). Each answers
 * `true` only for what its valibot schema (`responses-request-schema.ts`) accepts unchanged: the
 * schemas have no transforms and one default (a reasoning item's `summary`, so one without it is
 * left to the schema); for anything else it answers `false` and the schema decides, with its
 * precise error messages. They exist because the schemas copy every item and every part while
 * checking it, ~60 µs on a 130 KB Codex turn (measured), all of it thrown away.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function isPlainResponsesBody(body: Record<string, unknown>): boolean {
  return hasPlainFields(body, FIELDS, REQUIRED);
}

/**
 * The hand check of each input item type the decoder validates with a schema of its own (an
 * item without `type` is a message). Other types (`additional_tools`, built-in tools' calls…)
 * have no schema of their own.
 */
export const isPlainItem = {
  message: isPlainMessageItem,
  function_call: (x) => isCall(x, 'function_call') && typeof x.arguments === 'string' && isNullishText(x.status),
  function_call_output: (x) => isCallOutput(x, 'function_call_output'),
  custom_tool_call: (x) => isCall(x, 'custom_tool_call') && typeof x.input === 'string',
  custom_tool_call_output: (x) => isCallOutput(x, 'custom_tool_call_output'),
  reasoning: isPlainReasoningItem,
} as const satisfies Record<string, (item: unknown) => boolean>;

const isText = (x: unknown): x is string => typeof x === 'string';
const isNullishText = nullish(isText);
const isNullishBool = nullish((x) => typeof x === 'boolean');
const intFrom = (min: number, max = Infinity) => nullish((x) => isInt(x) && x >= min && x <= max);
const numIn = (min: number, max: number) => nullish((x) => isFiniteNumber(x) && x >= min && x <= max);
const EFFORT = nullish(oneOf('none', 'minimal', 'low', 'medium', 'high', 'xhigh'));
const SUMMARY = nullish(oneOf('auto', 'concise', 'detailed', 'none'));
const GENERATE_SUMMARY = nullish(oneOf('auto', 'concise', 'detailed'));
const VERBOSITY = nullish(oneOf('low', 'medium', 'high'));
const DETAIL = nullish(oneOf('auto', 'low', 'high'));

const REQUIRED = ['model'];

/**
 * The check of each top-level field the fast path knows (as the schema has it; most are
 * nullish). A schema field the fast path leaves to the schema takes null only (`text.format`);
 * a field the schema does not name passes, as `looseObject` lets it.
 */
const FIELDS = lookupTable<ValueCheck>({
  model: (x) => isText(x) && x.length > 0,
  input: (x) => isText(x) || (Array.isArray(x) && x.every(isAnyItem)),
  instructions: isNullishText,
  tools: (x) => x == null || (Array.isArray(x) && x.every(isTool)),
  tool_choice: (x) => x == null || x === 'none' || x === 'auto' || x === 'required'
    || (isKeptObject(x) && isText(x.type) && (x.name === undefined || isText(x.name))),
  parallel_tool_calls: isNullishBool,
  max_output_tokens: intFrom(1),
  max_tool_calls: intFrom(1),
  temperature: numIn(0, 2),
  top_p: numIn(0, 1),
  top_logprobs: intFrom(0, 20),
  reasoning: (x) => x == null || (isKeptObject(x) && EFFORT(x.effort) && SUMMARY(x.summary) && GENERATE_SUMMARY(x.generate_summary)),
  text: (x) => x == null || (isKeptObject(x) && x.format == null && VERBOSITY(x.verbosity)),
  store: isNullishBool,
  stream: isNullishBool,
  stream_options: (x) => x == null || isKeptObject(x),
  include: (x) => x == null || (Array.isArray(x) && x.every(isText)),
  previous_response_id: isNullishText,
  background: isNullishBool,
  metadata: (x) => x == null || (isKeptObject(x) && Object.values(x).every(isText)),
  client_metadata: (x) => x == null || isKeptObject(x),
  prompt_cache_key: isNullishText,
  prompt_cache_retention: isNullishText,
  safety_identifier: isNullishText,
  service_tier: isNullishText,
  truncation: nullish(oneOf('auto', 'disabled')),
  user: isNullishText,
});

/** What the top-level schema asks of every input item: an object, `type` a string if present. */
function isAnyItem(x: unknown): boolean {
  return isKeptObject(x) && (x.type === undefined || typeof x.type === 'string');
}

/** A function tool as the schema has it; any other tool only needs a string `type`. */
function isTool(t: unknown): boolean {
  if (!isKeptObject(t) || typeof t.type !== 'string') return false;
  if (t.type !== 'function') return true;
  return typeof t.name === 'string' && t.name.length > 0 && isNullishText(t.description)
    && (t.parameters == null || isKeptObject(t.parameters)) // a record: kept as it is
    && isNullishBool(t.strict);
}

function isMessagePart(p: unknown): boolean {
  if (!isKeptObject(p)) return false;
  switch (p.type) {
    case 'input_text':
    case 'output_text':
      return typeof p.text === 'string';
    case 'refusal':
      return typeof p.refusal === 'string';
    default:
      return isFilePart(p);
  }
}

/** An image or a file, as a message's or a call output's part. */
function isFilePart(p: Record<string, unknown>): boolean {
  if (p.type === 'input_image') return isNullishText(p.image_url) && isNullishText(p.file_id) && DETAIL(p.detail);
  if (p.type === 'input_file') return isNullishText(p.file_data) && isNullishText(p.file_id) && isNullishText(p.file_url) && isNullishText(p.filename);
  return false;
}

const ROLES = new Set(['user', 'assistant', 'system', 'developer']);

function isPlainMessageItem(x: unknown): boolean {
  if (!isKeptObject(x) || (x.type !== undefined && x.type !== 'message')) return false;
  if (!isNullishText(x.id) || !isNullishText(x.status) || typeof x.role !== 'string' || !ROLES.has(x.role)) return false;
  return typeof x.content === 'string' || x.content === null || (Array.isArray(x.content) && x.content.every(isMessagePart));
}

/** The fields a function or custom tool call has in common. */
function isCall(x: unknown, type: string): x is Record<string, unknown> {
  return isKeptObject(x) && x.type === type && isNullishText(x.id) && isNullishText(x.namespace)
    && typeof x.call_id === 'string' && x.call_id.length > 0 && typeof x.name === 'string' && x.name.length > 0;
}

function isCallOutput(x: unknown, type: string): boolean {
  if (!isKeptObject(x) || x.type !== type || !isNullishText(x.id) || !isNullishText(x.status)) return false;
  if (typeof x.call_id !== 'string' || x.call_id.length === 0) return false;
  const output = x.output;
  if (typeof output === 'string') return true;
  return Array.isArray(output) && output.every((p) => isKeptObject(p) && (p.type === 'input_text' ? typeof p.text === 'string' : isFilePart(p)));
}

/** A reasoning item with its `summary` (the schema defaults a missing one to `[]`: that one is left to it). */
function isPlainReasoningItem(x: unknown): boolean {
  if (!isKeptObject(x) || x.type !== 'reasoning' || !isNullishText(x.id) || !isNullishText(x.encrypted_content) || !isNullishText(x.status)) return false;
  const texts = (list: unknown, type: string) => Array.isArray(list) && list.every((p) => isKeptObject(p) && p.type === type && typeof p.text === 'string');
  return texts(x.summary, 'summary_text') && (x.content == null || texts(x.content, 'reasoning_text'));
}
