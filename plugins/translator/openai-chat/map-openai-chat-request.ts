import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../../core/types/hub.ts';
import { convertOpenAIChatMessages } from './convert-openai-chat-messages.ts';
import type { OpenAIChatRequestBody } from './openai-chat-request-schema.ts';

/**
 * Body fields the hub models directly. Every other field (OpenAI-only ones such as `store`,
 * `logit_bias`, `prediction`, and unknown extras) is copied unchanged to
 * `providerOptions.openai`, so an OpenAI(-compatible) upstream still receives it.
 */
const MAPPED = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call',
  'response_format', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'n', 'stop',
  'seed', 'presence_penalty', 'frequency_penalty', 'user', 'stream', 'stream_options', 'reasoning_effort',
]);

/**
 * Maps a validated OpenAI chat body into the normalized ChatRequest. Pure; throws only the
 * GatewayError 400s of message conversion (unsupported parts).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function mapOpenAIChatRequest(body: OpenAIChatRequestBody): ChatRequest {
  const req: ChatRequest = {
    model: body.model,
    messages: convertOpenAIChatMessages(body.messages),
    stream: body.stream === true,
  };
  const tools = mapTools(body);
  if (tools) req.tools = tools;
  const choice = mapToolChoice(body, req);
  if (choice) req.toolChoice = choice;
  if (body.parallel_tool_calls != null) req.parallelToolCalls = body.parallel_tool_calls;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) req.maxTokens = maxTokens;
  if (body.temperature != null) req.temperature = body.temperature;
  if (body.top_p != null) req.topP = body.top_p;
  if (body.top_k != null) req.topK = body.top_k;
  if (body.n != null) req.n = body.n;
  if (body.stop != null) req.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) req.seed = body.seed;
  if (body.presence_penalty != null) req.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) req.frequencyPenalty = body.frequency_penalty;
  if (body.response_format) req.responseFormat = mapResponseFormat(body.response_format);
  if (body.reasoning_effort) req.reasoning = { effort: body.reasoning_effort };
  if (req.stream && body.stream_options?.include_usage === true) req.streamUsage = true;
  if (body.user != null) req.user = body.user;
  if (body.metadata) req.metadata = { ...body.metadata };
  if (typeof body.service_tier === 'string') req.serviceTier = body.service_tier;
  const extras = extraFields(body);
  if (extras) req.providerOptions = { openai: extras };
  return req;
}

function extraFields(body: Record<string, unknown>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in body) {
    if (MAPPED.has(key) || body[key] === undefined) continue;
    (out ??= {})[key] = body[key];
  }
  return out;
}

function mapTools(body: OpenAIChatRequestBody): ToolDefinition[] | undefined {
  const defs = body.tools ? body.tools.map((t) => t.function) : body.functions;
  if (!defs || defs.length === 0) return undefined;
  return defs.map((f) => {
    const tool: ToolDefinition = { name: f.name, parameters: f.parameters ?? { type: 'object', properties: {} } };
    if (f.description !== undefined) tool.description = f.description;
    if (f.strict != null) tool.strict = f.strict;
    return tool;
  });
}

function mapToolChoice(body: OpenAIChatRequestBody, req: ChatRequest): ToolChoice | undefined {
  const c = body.tool_choice;
  if (c == null) {
    const legacy = body.function_call;
    if (legacy == null) return undefined;
    return typeof legacy === 'string' ? legacy : { type: 'tool', name: legacy.name };
  }
  if (typeof c === 'string') return c;
  if (c.type === 'function') return { type: 'tool', name: c.function.name };
  // allowed_tools: restrict the declared tools to the allowed names, keep the mode.
  const allowed = new Set(c.allowed_tools.tools.map((t) => t.function?.name).filter(Boolean));
  if (req.tools) req.tools = req.tools.filter((t) => allowed.has(t.name));
  return c.allowed_tools.mode;
}

function mapResponseFormat(f: NonNullable<OpenAIChatRequestBody['response_format']>): ResponseFormat {
  if (f.type === 'text') return { type: 'text' };
  if (f.type === 'json_object') return { type: 'json' };
  const s = f.json_schema;
  const out: ResponseFormat = { type: 'json_schema', name: s.name, schema: s.schema ?? {} };
  if (s.strict != null) out.strict = s.strict;
  if (s.description !== undefined) out.description = s.description;
  return out;
}
