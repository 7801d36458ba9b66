/**
 * Replies for the scripted upstream (tests/gemini-cli-hunt/scripted-upstream.ts) that check a
 * request as one OpenAI-compatible vendor does and answer that vendor's own error when a rule is
 * broken. Only rules the vendor is known to enforce are checked; each names its source.
 */
import { json, openaiStream, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import type { Hunt } from '../gemini-cli-hunt/start-hunt.ts';

type Json = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Mistral (api.mistral.ai)

/**
 * The top-level fields Mistral's chat endpoint takes (the `chat.complete` parameters of
 * mistralai/client-python). Its validator forbids any other field with a 422 `extra_forbidden`
 * (seen for `frequency_penalty`, `n`, `max_completion_tokens`, `tools`… over the years).
 */
const MISTRAL_FIELDS = new Set([
  'model', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'metadata', 'messages', 'response_format',
  'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls',
  'reasoning_effort', 'prompt_mode', 'guardrails', 'prompt_cache_key', 'safe_prompt',
]);

/** The fields of each message role (mistralai/client-ts `AssistantMessage`, `ToolMessage`…). */
const MISTRAL_MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};

/** Mistral's tool call ids: exactly 9 letters or digits ("Tool call id was … but must be a-z, A-Z, 0-9, with a length of 9."). */
export const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;

/** Mistral's pydantic 422: `message` is an object holding the `detail` list. */
function mistralValidation(detail: Json[]): Reply {
  return json({ object: 'error', message: { detail }, type: 'invalid_request_error', param: null, code: null }, 422);
}

function mistralError(message: string, type = 'invalid_request_error', code: string | null = null): Reply {
  return json({ object: 'error', message, type, param: null, code }, 400);
}

/** The first rule of Mistral's a body breaks, as Mistral answers it; undefined when it passes. */
function mistralRefusal(b: Json): Reply | undefined {
  const extra = Object.keys(b).find((k) => !MISTRAL_FIELDS.has(k));
  if (extra) return mistralValidation([{ type: 'extra_forbidden', loc: ['body', extra], msg: 'Extra inputs are not permitted', input: b[extra] }]);
  // docs.mistral.ai/capabilities/reasoning/adjustable: `reasoning_effort` is "high" or "none".
  if (b.reasoning_effort !== undefined && !['high', 'none'].includes(b.reasoning_effort)) {
    return mistralValidation([{ type: 'enum', loc: ['body', 'reasoning_effort'], msg: "Input should be 'high' or 'none'", input: b.reasoning_effort }]);
  }
  const messages: Json[] = b.messages ?? [];
  for (const [i, m] of messages.entries()) {
    const allowed = MISTRAL_MESSAGE_FIELDS[m.role];
    const field = Object.keys(m).find((k) => !allowed?.has(k));
    if (field) return mistralValidation([{ type: 'extra_forbidden', loc: ['body', 'messages', i, m.role, field], msg: 'Extra inputs are not permitted', input: m[field] }]);
    const ids = [...(m.tool_calls ?? []).map((c: Json) => c.id), ...(m.role === 'tool' ? [m.tool_call_id] : [])];
    const bad = ids.find((id) => typeof id !== 'string' || !MISTRAL_ID.test(id));
    if (bad !== undefined) return mistralError(`Tool call id was ${String(bad)} but must be a-z, A-Z, 0-9, with a length of 9.`);
    // A user turn straight after tool results is refused (code 3230), whoever wrote it.
    if (m.role === 'user' && messages[i - 1]?.role === 'tool') return mistralError("Unexpected role 'user' after role 'tool'", 'invalid_request_message_order', '3230');
  }
  return undefined;
}

/** Mistral's chat endpoint: the rules above first, then `reply`. */
export function strictMistral(reply: Reply): Reply {
  return (rec) => mistralRefusal(rec.body as Json)?.(rec) ?? reply(rec);
}

/** A Mistral stream calling `name` under Mistral's own id: the whole call in one chunk, usage in the last. */
export function mistralCallsTool(name: string, id = 'D681PevKs', args: Json = { city: 'Paris' }): Reply {
  const chunk = (delta: Json, finish: string | null, usage?: Json) => ({
    id: 'cmpl-mistral', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'mistral-large-latest',
    choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}),
  });
  return openaiStream([
    chunk({ role: 'assistant', content: '' }, null),
    chunk({ tool_calls: [{ id, function: { name, arguments: JSON.stringify(args) }, index: 0 }] }, 'tool_calls', { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 }),
  ]);
}

/** A Mistral stream answering text. */
export function mistralText(text: string): Reply {
  return openaiStream([
    { id: 'cmpl-mistral', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'mistral-large-latest', choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }] },
    { id: 'cmpl-mistral', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'mistral-large-latest', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }], usage: { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43 } },
  ]);
}

// ---------------------------------------------------------------------------------------------
// DeepSeek (api.deepseek.com)

/**
 * DeepSeek thinking mode (api-docs.deepseek.com/guides/thinking_mode#tool-calls): an assistant
 * message that made tool calls must carry its `reasoning_content` in every later request, not
 * only within its own tool loop; without it the API answers 400 ("Missing `reasoning_content`
 * field in the assistant message at message index N"). `logprobs` is refused too.
 */
export function strictDeepSeek(reply: Reply): Reply {
  return (rec) => {
    const b = rec.body as Json;
    const bad = (message: string) => json({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } }, 400)(rec);
    if (b.logprobs !== undefined) return bad('logprobs is not supported in thinking mode');
    for (const [i, m] of (b.messages as Json[]).entries()) {
      // Only its own roles: the request does not even deserialize with OpenAI's `developer`.
      if (!['system', 'user', 'assistant', 'tool'].includes(m.role)) {
        return bad(`Failed to deserialize the JSON body into the target type: messages[${i}].role: unknown variant \`${m.role}\`, expected one of \`system\`, \`user\`, \`assistant\`, \`tool\``);
      }
      // Content is text: a list of parts does not deserialize (cline#230, litellm#6642).
      if (Array.isArray(m.content)) return bad(`Failed to deserialize the JSON body into the target type: messages[${i}]: invalid type: sequence, expected a string`);
      if (m.role === 'assistant' && Array.isArray(m.tool_calls) && typeof m.reasoning_content !== 'string') {
        return bad(`Missing \`reasoning_content\` field in the assistant message at message index ${i}. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls`);
      }
    }
    return reply(rec);
  };
}

// ---------------------------------------------------------------------------------------------
// xAI (api.x.ai)

/**
 * The Grok models that take `reasoning_effort` (docs.x.ai reasoning guide: grok-3-mini, grok-4.3,
 * grok-4.20-multi-agent). Every other model answers 400 naming the parameter in camelCase:
 * "Model grok-4-0709 does not support parameter reasoningEffort."
 */
const XAI_EFFORT_MODELS = /^(grok-3-mini|grok-4\.3|grok-4\.20-multi-agent)/;

export function strictXai(reply: Reply): Reply {
  return (rec: Recorded) => {
    const b = rec.body as Json;
    if (b.reasoning_effort !== undefined && !XAI_EFFORT_MODELS.test(String(b.model))) {
      return json({ code: 'Client specified an invalid argument', error: `Model ${String(b.model)} does not support parameter reasoningEffort.` }, 400)(rec);
    }
    return reply(rec);
  };
}

// ---------------------------------------------------------------------------------------------
// Groq (api.groq.com/openai)

/** The fields of each message role Groq takes (groq-python `ChatCompletion*MessageParam`). */
const GROQ_MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content', 'name', 'tool_call_id']),
  user: new Set(['role', 'content', 'name', 'tool_call_id']),
  assistant: new Set(['role', 'content', 'name', 'function_call', 'reasoning', 'tool_calls']),
  tool: new Set(['role', 'content', 'tool_call_id']),
};

/**
 * Groq's validator refuses a message field it does not define, with a 400 naming it (reported
 * for `reasoning_content`, `metadata`, `timestamp`, `status`, `id`): "'messages.1' : for
 * 'role:assistant' the following must be satisfied[('messages.1' : property 'reasoning_content'
 * is unsupported)]".
 */
export function strictGroq(reply: Reply): Reply {
  return (rec: Recorded) => {
    const extra = extraMessageField(rec.body as Json, GROQ_MESSAGE_FIELDS);
    if (!extra) return reply(rec);
    const { i, role, field } = extra;
    const message = `'messages.${i}' : for 'role:${role}' the following must be satisfied[('messages.${i}' : property '${field}' is unsupported)]`;
    return json({ error: { message, type: 'invalid_request_error' } }, 400)(rec);
  };
}

/** The first message field its role does not take, or undefined. */
function extraMessageField(body: Json, fields: Record<string, Set<string>>): { i: number; role: string; field: string } | undefined {
  for (const [i, m] of (body.messages as Json[]).entries()) {
    const field = Object.keys(m).find((k) => !fields[m.role]?.has(k));
    if (field) return { i, role: m.role, field };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Cerebras (api.cerebras.ai)

/** The fields of each message role Cerebras takes (cerebras-cloud-sdk; `reasoning` per its reasoning guide). */
const CEREBRAS_MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content', 'name']),
  user: new Set(['role', 'content', 'name']),
  assistant: new Set(['role', 'content', 'name', 'tool_calls', 'reasoning']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};

/**
 * Cerebras answers a message field it does not define with a 400 `wrong_api_format` (reported by
 * OpenCode, Kilo Code, Qwen Code users for the `reasoning_content` they replay): "messages.2.
 * assistant.reasoning_content: property 'messages.2.assistant.reasoning_content' is unsupported".
 */
export function strictCerebras(reply: Reply): Reply {
  return (rec: Recorded) => {
    const extra = extraMessageField(rec.body as Json, CEREBRAS_MESSAGE_FIELDS);
    if (!extra) return reply(rec);
    const path = `messages.${extra.i}.${extra.role}.${extra.field}`;
    return json({ message: `${path}: property '${path}' is unsupported`, type: 'invalid_request_error', param: 'validation_error', code: 'wrong_api_format' }, 400)(rec);
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI (api.openai.com)

/** OpenAI refuses a tool call id over 40 characters, in a call and in a tool message alike. */
export function strictOpenAIIds(reply: Reply): Reply {
  return (rec: Recorded) => {
    for (const [i, m] of ((rec.body as Json).messages as Json[]).entries()) {
      const ids: Array<[string, unknown]> = [
        ...((m.tool_calls ?? []) as Json[]).map((c, j): [string, unknown] => [`messages[${i}].tool_calls[${j}].id`, c.id]),
        ...(m.role === 'tool' ? [[`messages[${i}].tool_call_id`, m.tool_call_id] as [string, unknown]] : []),
      ];
      const long = ids.find(([, id]) => typeof id === 'string' && id.length > 40);
      if (long) {
        const message = `Invalid '${long[0]}': string too long. Expected a string with maximum length 40, but got a string with length ${String(long[1]).length} instead.`;
        return json({ error: { message, type: 'invalid_request_error', param: long[0], code: 'string_above_max_length' } }, 400)(rec);
      }
    }
    return reply(rec);
  };
}

// ---------------------------------------------------------------------------------------------
// NVIDIA NIM (integrate.api.nvidia.com)

/** Top-level fields NIM's chat schema defines (`additionalProperties: false`; docs.api.nvidia.com model references). */
const NIM_FIELDS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stream_options', 'stop', 'frequency_penalty',
  'presence_penalty', 'seed', 'n', 'tools', 'tool_choice', 'response_format', 'logprobs', 'top_logprobs', 'user',
  'parallel_tool_calls', 'max_completion_tokens',
]);

/** NIM's pydantic refusal of a field it does not define (picoclaw#1019). */
export function strictNim(reply: Reply): Reply {
  return (rec: Recorded) => {
    const b = rec.body as Json;
    const extra = Object.keys(b).find((k) => !NIM_FIELDS.has(k));
    if (extra) return json({ error: `[{'type': 'extra_forbidden', 'loc': ('body', '${extra}'), 'msg': 'Extra inputs are not permitted', 'input': ${JSON.stringify(b[extra])}}]` }, 400)(rec);
    return reply(rec);
  };
}

// ---------------------------------------------------------------------------------------------
// LM Studio (local server)

/** LM Studio takes structured output only as a JSON schema (lmstudio-bug-tracker#189). */
export function strictLmStudio(reply: Reply): Reply {
  return (rec: Recorded) => {
    const type = ((rec.body as Json).response_format as Json | undefined)?.type;
    if (type !== undefined && type !== 'json_schema' && type !== 'text') return json({ error: "'response_format.type' must be 'json_schema' or 'text'" }, 400)(rec);
    return reply(rec);
  };
}

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud Model Studio (DashScope, compatible mode)

/**
 * The open hybrid Qwen3 models think by default, and DashScope refuses that in a call that is not
 * streamed (new-api#1109, langchain4j#3974): "parameter.enable_thinking must be set to false for
 * non-streaming calls".
 */
export function strictDashScope(reply: Reply): Reply {
  return (rec: Recorded) => {
    const b = rec.body as Json;
    if (/^qwen3-.*b$/.test(String(b.model)) && b.stream !== true && b.enable_thinking !== false) {
      return json({ error: { code: 'invalid_parameter_error', message: 'parameter.enable_thinking must be set to false for non-streaming calls', param: null, type: 'invalid_request_error' } }, 400)(rec);
    }
    return reply(rec);
  };
}

/**
 * Gemini CLI's second turn of a tool loop, as it sends it: a function call without an id and its
 * response, thinking on (`thinkingBudget: -1`), streamed. Resolves with the text that came back.
 */
export async function geminiCliToolTurn(h: Hunt, model: string): Promise<string> {
  const stream = await h.ai.models.generateContentStream({
    model,
    contents: [
      { role: 'user', parts: [{ text: 'List the files.' }] },
      { role: 'model', parts: [{ functionCall: { name: 'list_directory', args: { path: '/home/dev' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'list_directory', response: { output: 'a.ts\nb.ts' } } }] },
    ],
    config: {
      thinkingConfig: { includeThoughts: true, thinkingBudget: -1 },
      tools: [{ functionDeclarations: [{ name: 'list_directory', description: 'Lists a directory.', parametersJsonSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }] }],
    },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.text ?? '';
  return text;
}
