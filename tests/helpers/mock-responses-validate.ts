/**
 * Request checks of the mock Responses upstream: the rules the real API enforces, with its
 * messages (`Unknown parameter: 'x'.`, `No tool call found for function call output with
 * call_id …`), so a provider that sends a malformed body fails in tests as it would in production.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */

import { schemaProblem } from './openai-schema-check.ts';

type Json = Record<string, unknown>;

export interface ValidationProblem {
  status: number;
  message: string;
  param: string | null;
  code: string | null;
}

const PARAMS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'max_tool_calls',
  'temperature', 'top_p', 'top_logprobs', 'reasoning', 'text', 'store', 'stream', 'stream_options', 'include',
  'previous_response_id', 'conversation', 'background', 'metadata', 'prompt', 'prompt_cache_key', 'prompt_cache_retention',
  'safety_identifier', 'service_tier', 'truncation', 'user', 'client_metadata', 'prompt_cache_options',
]);
/** Models that do not reason: OpenAI refuses a reasoning effort for them. */
const NOT_REASONING = /^gpt-4(?:o|\.1)(?:$|-)/;
const INCLUDES = new Set([
  'reasoning.encrypted_content', 'message.output_text.logprobs', 'message.input_image.image_url', 'file_search_call.results',
  'web_search_call.results', 'web_search_call.action.sources', 'computer_call_output.output.image_url', 'code_interpreter_call.outputs',
]);
const ROLES = new Set(['user', 'assistant', 'system', 'developer']);
const INPUT_PARTS = new Set(['input_text', 'input_image', 'input_file']);
const OUTPUT_PARTS = new Set(['output_text', 'refusal']);
/** Item types that open a call a later `*_output` item answers. */
const CALL_ITEMS = new Set(['function_call', 'custom_tool_call', 'local_shell_call', 'shell_call', 'computer_call', 'apply_patch_call']);
const OTHER_ITEMS = new Set([
  'function_call_output', 'custom_tool_call_output', 'local_shell_call_output', 'shell_call_output', 'computer_call_output',
  'apply_patch_call_output', 'web_search_call', 'file_search_call', 'image_generation_call', 'code_interpreter_call',
  'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response', 'mcp_call', 'compaction',
]);

const bad = (message: string, param: string | null, code: string | null = null, status = 400): ValidationProblem => ({ status, message, param, code });
const missing = (param: string) => bad(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns the first problem of a `POST /v1/responses` body, or undefined when it is valid. */
export function validateResponsesRequest(body: unknown): ValidationProblem | undefined {
  if (!isObj(body)) return bad('We could not parse the JSON body of your request.', null);
  for (const key of Object.keys(body)) if (!PARAMS.has(key)) return bad(`Unknown parameter: '${key}'.`, key, 'unknown_parameter');
  if (typeof body.model !== 'string' || body.model === '') return missing('model');
  if (NOT_REASONING.test(body.model) && isObj(body.reasoning) && body.reasoning.effort != null) {
    return bad("Unsupported parameter: 'reasoning.effort' is not supported with this model.", 'reasoning.effort', 'unsupported_parameter');
  }
  if (typeof body.previous_response_id === 'string') {
    return bad(`Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id', 'previous_response_not_found', 404);
  }
  const max = body.max_output_tokens;
  if (max !== undefined && max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 16)) {
    return bad(`Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${String(max)} instead.`, 'max_output_tokens', 'integer_below_min_value');
  }
  if (Array.isArray(body.include)) {
    for (const inc of body.include) if (!INCLUDES.has(String(inc))) return bad(`Invalid value: '${String(inc)}'.`, 'include', 'invalid_value');
  }
  return checkTools(body.tools) ?? checkInput(body);
}

function checkTools(tools: unknown): ValidationProblem | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return bad("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  for (const [i, t] of tools.entries()) {
    if (!isObj(t) || typeof t.type !== 'string') return missing(`tools[${i}].type`);
    if (t.type !== 'function') continue;
    if ('function' in t) return bad(`Unknown parameter: 'tools[${i}].function'.`, `tools[${i}].function`, 'unknown_parameter');
    if (typeof t.name !== 'string' || t.name === '') return missing(`tools[${i}].name`);
    if (t.parameters !== undefined && t.parameters !== null && !isObj(t.parameters)) {
      return bad(`Invalid type for 'tools[${i}].parameters': expected an object.`, `tools[${i}].parameters`, 'invalid_type');
    }
    const schema = schemaProblem(t.name, t.parameters);
    if (schema) return bad(schema, `tools[${i}].parameters`, 'invalid_function_parameters');
  }
  return undefined;
}

function checkInput(body: Json): ValidationProblem | undefined {
  const input = body.input;
  if (typeof input === 'string') return undefined;
  if (input === undefined) return body.prompt ? undefined : missing('input');
  if (!Array.isArray(input)) return bad("Invalid type for 'input': expected a string or an array.", 'input', 'invalid_type');
  const calls = new Set<string>();
  for (const [i, item] of input.entries()) {
    const p = `input[${i}]`;
    if (!isObj(item)) return bad(`Invalid type for '${p}': expected an object.`, p, 'invalid_type');
    const type = item.type ?? 'message';
    const problem = type === 'message' ? checkMessage(item, p)
      : type === 'reasoning' ? checkReasoning(item, p, body.store === false) ?? checkFollowing(item, input[i + 1])
      : checkCallItem(item, String(type), p, calls);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A stored reasoning item referred to by its `rs_` id (no encrypted payload: the API looks it up)
 * pairs with the item the API made after it: an item with no id of its own after it (a client
 * that rebuilt the assistant's message) is refused.
 */
function checkFollowing(item: Json, next: unknown): ValidationProblem | undefined {
  if (typeof item.id !== 'string' || !item.id.startsWith('rs_') || typeof item.encrypted_content === 'string') return undefined;
  if (isObj(next) && typeof next.id === 'string' && (next.type === 'message' || next.type === 'function_call' || next.type === 'custom_tool_call')) return undefined;
  return bad(`Item '${item.id}' of type 'reasoning' was provided without its required following item.`, 'input');
}

function checkMessage(item: Json, p: string): ValidationProblem | undefined {
  if (!ROLES.has(String(item.role))) return bad(`Invalid value: '${String(item.role)}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.`, `${p}.role`, 'invalid_value');
  // Null content is taken as none (Codex sends such items on some tool turns).
  if (typeof item.content === 'string' || item.content === null) return undefined;
  if (!Array.isArray(item.content)) return missing(`${p}.content`);
  const allowed = item.role === 'assistant' ? OUTPUT_PARTS : INPUT_PARTS;
  for (const [j, part] of item.content.entries()) {
    const q = `${p}.content[${j}]`;
    if (!isObj(part) || !allowed.has(String(part.type))) {
      return bad(`Invalid value: '${isObj(part) ? String(part.type) : typeof part}'. Supported values are: ${[...allowed].map((a) => `'${a}'`).join(', ')}.`, `${q}.type`, 'invalid_value');
    }
    if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text !== 'string') return missing(`${q}.text`);
    if (part.type === 'input_image') {
      const url = part.image_url;
      if (typeof url !== 'string' && typeof part.file_id !== 'string') return missing(`${q}.image_url`);
      if (typeof url === 'string' && !/^(https?:|data:image\/)/.test(url)) return bad(`Invalid 'image_url'.`, `${q}.image_url`, 'invalid_value');
    }
    if (part.type === 'input_file') {
      if (typeof part.file_data === 'string' && typeof part.filename !== 'string') return missing(`${q}.filename`);
      if (typeof part.file_data !== 'string' && typeof part.file_url !== 'string' && typeof part.file_id !== 'string') return missing(`${q}.file_data`);
    }
  }
  return undefined;
}

function checkReasoning(item: Json, p: string, stateless: boolean): ValidationProblem | undefined {
  if (!Array.isArray(item.summary)) return missing(`${p}.summary`);
  if (typeof item.encrypted_content === 'string') {
    if (!item.encrypted_content.startsWith('gAAAA')) {
      return bad(`The encrypted content for item ${String(item.id ?? p)} could not be verified.`, `${p}.encrypted_content`, 'invalid_encrypted_content');
    }
    return undefined;
  }
  if (stateless && typeof item.id === 'string') {
    return bad(
      `Item with id '${item.id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
      'input', null, 404,
    );
  }
  return undefined;
}

function checkCallItem(item: Json, type: string, p: string, calls: Set<string>): ValidationProblem | undefined {
  if (type === 'item_reference') return bad(`Item with id '${String(item.id)}' not found.`, 'input', null, 404);
  if (typeof item.call_id === 'string' && item.call_id.length > 64) {
    return bad(`Invalid '${p}.call_id': string too long. Expected a string with maximum length 64, but got a string with length ${item.call_id.length} instead.`, `${p}.call_id`, 'string_above_max_length');
  }
  if (CALL_ITEMS.has(type)) {
    if (typeof item.call_id !== 'string' || item.call_id === '') return missing(`${p}.call_id`);
    if (type === 'function_call') {
      if (typeof item.name !== 'string' || item.name === '') return missing(`${p}.name`);
      if (typeof item.arguments !== 'string') return missing(`${p}.arguments`);
    }
    calls.add(item.call_id);
    return undefined;
  }
  if (!OTHER_ITEMS.has(type)) return bad(`Invalid value: '${type}'.`, `${p}.type`, 'invalid_value');
  if (type.endsWith('_output')) {
    if (typeof item.call_id !== 'string') return missing(`${p}.call_id`);
    if (!calls.has(item.call_id)) return bad(`No tool call found for function call output with call_id ${item.call_id}.`, 'input', null);
    if (type === 'function_call_output' && typeof item.output !== 'string' && !Array.isArray(item.output)) return missing(`${p}.output`);
  }
  return undefined;
}
