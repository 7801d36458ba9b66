/**
 * The request rules of the Gemini API that the mock upstream enforces, so tests catch a
 * converter that would get a 400 INVALID_ARGUMENT from the real API: roles, empty or
 * ambiguous parts, nameless function calls/responses, function-call turn order and response
 * counts, Gemini 3's thought-signature rule, and the OpenAPI-subset `parameters` /
 * `responseSchema` (no `$schema`, `additionalProperties`, `$ref`…; STRING formats limited).
 * Messages are worded as Google words them.
 *
 * @see https://ai.google.dev/api/generate-content#request-body
 * @see https://ai.google.dev/api/caching#Schema
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TOP_LEVEL = new Set([
  'contents', 'systemInstruction', 'system_instruction', 'tools', 'toolConfig', 'tool_config', 'generationConfig',
  'generation_config', 'safetySettings', 'safety_settings', 'cachedContent', 'cached_content', 'labels', 'model',
]);
const FORBIDDEN_SCHEMA_KEYS = ['$schema', 'additionalProperties', '$comment', '$ref', '$defs', '$id', 'patternProperties', 'const', 'examples', 'oneOf', 'allOf'];
const PART_DATA = ['text', 'inlineData', 'inline_data', 'fileData', 'file_data', 'functionCall', 'function_call', 'functionResponse', 'function_response', 'executableCode', 'codeExecutionResult'];

/** The first rule a generateContent body breaks, as Google words it, or undefined. */
export function validateGeminiRequest(body: unknown, model = ''): string | undefined {
  if (!isObj(body)) return 'Invalid JSON payload received. Expected an object.';
  for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) return `Invalid JSON payload received. Unknown name "${k}": Cannot find field.`;
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified\n';
  for (const [i, c] of contents.entries()) {
    if (!isObj(c)) return `Invalid value at 'contents[${i}]'`;
    if (c.role !== undefined && c.role !== 'user' && c.role !== 'model') return 'Please use a valid role: user, model.';
    if (c.role === undefined && contents.length > 1) return 'Please use a valid role: user, model.';
    const problem = checkParts(c.parts, `contents[${i}]`);
    if (problem) return problem;
  }
  const sys = body.systemInstruction ?? body.system_instruction;
  if (sys !== undefined && (!isObj(sys) || checkParts(sys.parts, 'system_instruction'))) return 'Invalid value at \'system_instruction\'';
  const gc = (body.generationConfig ?? body.generation_config) as Json | undefined;
  return checkTurns(contents as Json[], model) ?? checkTools(body.tools) ?? checkResponseSchema(gc) ?? checkThinking(gc, model);
}

/**
 * Google's thinking rules per model family: Gemini 3 takes a level or a budget but not both;
 * the 2.5 models take no level; the Pro models cannot stop thinking.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
function checkThinking(gc: Json | undefined, model: string): string | undefined {
  const tc = (gc?.thinkingConfig ?? gc?.thinking_config) as Json | undefined;
  if (!isObj(tc)) return undefined;
  const level = tc.thinkingLevel ?? tc.thinking_level;
  const budget = tc.thinkingBudget ?? tc.thinking_budget;
  if (level !== undefined && budget !== undefined) return 'You can only set only one of thinking budget and thinking level.';
  if (/gemini-2\.5/.test(model) && level !== undefined) return 'Thinking level is not supported for this model.';
  if (/gemini-2\.5-pro|gemini-3(?:\.\d)?-pro/.test(model) && budget === 0) return 'Budget 0 is invalid. This model only works in thinking mode.';
  return undefined;
}

function checkParts(parts: unknown, at: string): string | undefined {
  if (!Array.isArray(parts) || parts.length === 0) return `* GenerateContentRequest.${at}.parts: contents.parts must not be empty.\n`;
  for (const [j, p] of parts.entries()) {
    if (!isObj(p)) return `Invalid value at '${at}.parts[${j}]'`;
    const data = PART_DATA.filter((k) => p[k] !== undefined);
    if (data.length === 0 && p.thoughtSignature === undefined) return `* GenerateContentRequest.${at}.parts[${j}].data: required oneof field 'data' must have one initialized field\n`;
    if (data.length > 1) return `Invalid value at '${at}.parts[${j}]' (oneof field 'data' is already set. Cannot set '${data[1]}')`;
    if (p.text === '') return 'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini';
    const fr = (p.functionResponse ?? p.function_response) as Json | undefined;
    if (fr !== undefined && (!isObj(fr) || typeof fr.name !== 'string' || fr.name === '')) {
      return `* GenerateContentRequest.${at}.parts[${j}].function_response.name: Name cannot be empty.\n`;
    }
    const fc = (p.functionCall ?? p.function_call) as Json | undefined;
    if (fc !== undefined && (!isObj(fc) || typeof fc.name !== 'string' || fc.name === '')) {
      return `* GenerateContentRequest.${at}.parts[${j}].function_call.name: Name cannot be empty.\n`;
    }
  }
  return undefined;
}

const calls = (c: Json | undefined): Json[] => ((c?.parts as Json[] | undefined) ?? []).filter((p) => p.functionCall ?? p.function_call);
const responses = (c: Json | undefined): Json[] => ((c?.parts as Json[] | undefined) ?? []).filter((p) => p.functionResponse ?? p.function_response);

/** Function-call turn ordering, response counts, and Gemini 3's thought-signature rule. */
function checkTurns(contents: Json[], model: string): string | undefined {
  let lastUserText = -1;
  contents.forEach((c, i) => { if (c.role !== 'model' && responses(c).length === 0) lastUserText = i; });
  for (const [i, c] of contents.entries()) {
    const fcs = calls(c);
    if (c.role !== 'model' || fcs.length === 0) continue;
    if (i > 0 && contents[i - 1].role === 'model') {
      return 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.';
    }
    const next = contents[i + 1];
    if (next && responses(next).length !== fcs.length) {
      return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
    }
    if (/gemini-3/.test(model) && i > lastUserText && !fcs[0].thoughtSignature) {
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String((fcs[0].functionCall as Json | undefined)?.name)}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
  }
  return undefined;
}

function checkTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return "Invalid value at 'tools'";
  for (const [i, t] of tools.entries()) {
    const decls = isObj(t) ? (t.functionDeclarations ?? t.function_declarations) : undefined;
    if (!Array.isArray(decls)) continue;
    for (const [j, d] of decls.entries()) {
      if (!isObj(d) || typeof d.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/.test(d.name)) {
        return `* GenerateContentRequest.tools[${i}].function_declarations[${j}].name: Invalid function name.\n`;
      }
      if (d.parameters === undefined) continue;
      const at = `tools[${i}].function_declarations[${j}].parameters`;
      const problem = checkSchema(d.parameters, at);
      if (problem) return problem;
      const props = (d.parameters as Json).properties;
      if (String((d.parameters as Json).type).toLowerCase() === 'object' && (!isObj(props) || Object.keys(props).length === 0)) {
        return `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type\n`;
      }
    }
  }
  return undefined;
}

function checkResponseSchema(gc: unknown): string | undefined {
  if (!isObj(gc)) return undefined;
  const schema = gc.responseSchema ?? gc.response_schema;
  return schema === undefined ? undefined : checkSchema(schema, 'generation_config.response_schema');
}

/**
 * Gemini's OpenAPI-subset Schema, as its validator words what it refuses: no JSON-Schema-only
 * keywords; one type per node, and a type on every node that is not an `anyOf` (which must stand
 * alone); STRING formats limited; `enum` on strings only; `items` on arrays only, and every array
 * with typed `items`; every object below the root with properties.
 */
function checkSchema(s: unknown, at: string, root = true): string | undefined {
  if (!isObj(s)) return `Invalid value at '${at}'`;
  for (const k of FORBIDDEN_SCHEMA_KEYS) {
    if (k in s) return `Invalid JSON payload received. Unknown name "${k}" at '${at}': Cannot find field.`;
  }
  if (Array.isArray(s.type)) return `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), only a single type is allowed`;
  if (Array.isArray(s.anyOf)) {
    if (Object.keys(s).some((k) => k !== 'anyOf')) {
      return `* GenerateContentRequest.${at}: schema specified other fields alongside any_of. When using any_of, it must be the only field set.\n`;
    }
    for (const [k, b] of s.anyOf.entries()) {
      const problem = checkSchema(b, `${at}.any_of[${k}]`, false);
      if (problem) return problem;
    }
    return undefined;
  }
  const type = typeof s.type === 'string' ? s.type.toUpperCase() : undefined;
  if (!type && !root) return `* GenerateContentRequest.${at}.type: must be specified\n`;
  if (type === 'STRING' && s.format !== undefined && s.format !== 'enum' && s.format !== 'date-time') {
    return `* GenerateContentRequest.${at}.format: only 'enum' and 'date-time' are supported for STRING type\n`;
  }
  if (s.enum !== undefined && type !== 'STRING') return `* GenerateContentRequest.${at}.enum: only allowed for STRING type\n`;
  if (s.items !== undefined && type !== 'ARRAY') return `* GenerateContentRequest.${at}.items: field predicate failed: $type == Type.ARRAY\n`;
  if (type === 'ARRAY' && (!isObj(s.items) || typeof s.items.type !== 'string')) return `* GenerateContentRequest.${at}.items: missing field.\n`;
  if (type === 'OBJECT' && !root && (!isObj(s.properties) || Object.keys(s.properties).length === 0)) {
    return `* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type\n`;
  }
  if (isObj(s.properties)) {
    for (const [k, p] of Object.entries(s.properties)) {
      const problem = checkSchema(p, `${at}.properties[${k}]`, false);
      if (problem) return problem;
    }
  }
  if (s.items !== undefined) return checkSchema(s.items, `${at}.items`, false);
  return undefined;
}
