import * as v from 'valibot';

/**
 * valibot schema of the body of `POST /v1/chat/completions`. Every standard field is typed;
 * unknown top-level fields pass through (`looseObject`) so an OpenAI upstream still gets them.
 * Parts and messages are loose too: OpenAI adds fields often, and rejecting them here would
 * break clients that are newer than the gateway.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */

const Text = v.string();
const Num = v.pipe(v.number(), v.finite());
const Int = v.pipe(v.number(), v.integer());

const TextPart = v.looseObject({ type: v.literal('text'), text: Text });
const ImageUrlPart = v.looseObject({
  type: v.literal('image_url'),
  image_url: v.looseObject({
    url: Text,
    detail: v.optional(v.picklist(['auto', 'low', 'high'])),
  }),
});
const InputAudioPart = v.looseObject({ type: v.literal('input_audio'), input_audio: v.unknown() });
const FilePart = v.looseObject({
  type: v.literal('file'),
  file: v.looseObject({
    file_data: v.optional(Text),
    file_id: v.optional(Text),
    filename: v.optional(Text),
  }),
});
const RefusalPart = v.looseObject({ type: v.literal('refusal'), refusal: Text });

const UserContent = v.union([Text, v.array(v.variant('type', [TextPart, ImageUrlPart, InputAudioPart, FilePart]))]);
const TextContent = v.union([Text, v.array(TextPart)]);
/** Not in the spec, which has text parts only; Zed sends a screenshot tool's result as an image part. */
const ToolContent = v.union([Text, v.array(v.variant('type', [TextPart, ImageUrlPart]))]);
const AssistantContent = v.nullish(v.union([Text, v.array(v.variant('type', [TextPart, RefusalPart]))]));

const FunctionCall = v.looseObject({ name: Text, arguments: Text });
const ToolCall = v.looseObject({
  id: Text,
  type: v.literal('function'),
  function: FunctionCall,
});

const SystemMessage = v.looseObject({ role: v.literal('system'), content: TextContent, name: v.optional(Text) });
const DeveloperMessage = v.looseObject({ role: v.literal('developer'), content: TextContent, name: v.optional(Text) });
const UserMessage = v.looseObject({ role: v.literal('user'), content: UserContent, name: v.optional(Text) });
const AssistantMessage = v.looseObject({
  role: v.literal('assistant'),
  content: AssistantContent,
  name: v.optional(Text),
  refusal: v.nullish(Text),
  tool_calls: v.nullish(v.array(ToolCall)),
  function_call: v.nullish(FunctionCall),
  /** Not in the OpenAI spec; DeepSeek-style reasoning echoed back by some clients. */
  reasoning_content: v.nullish(Text),
});
const ToolMessage = v.looseObject({ role: v.literal('tool'), content: ToolContent, tool_call_id: Text });
const FunctionMessage = v.looseObject({ role: v.literal('function'), content: v.nullable(Text), name: Text });

/** One message, discriminated by `role` (so errors name the role's own fields). */
export const OpenAIChatMessageSchema = v.variant('role', [
  SystemMessage,
  DeveloperMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage,
]);

const FunctionDef = v.looseObject({
  name: v.pipe(Text, v.minLength(1, 'a function needs a name')),
  description: v.optional(Text),
  parameters: v.optional(v.record(v.string(), v.unknown())),
  strict: v.nullish(v.boolean()),
});

const Tool = v.looseObject({ type: v.literal('function'), function: FunctionDef });

const NamedToolChoice = v.looseObject({ type: v.literal('function'), function: v.looseObject({ name: Text }) });
const AllowedToolsChoice = v.looseObject({
  type: v.literal('allowed_tools'),
  allowed_tools: v.looseObject({
    mode: v.picklist(['auto', 'required']),
    tools: v.array(v.looseObject({ type: v.string(), function: v.optional(v.looseObject({ name: Text })) })),
  }),
});
const ToolChoice = v.union([
  v.picklist(['none', 'auto', 'required']),
  v.variant('type', [NamedToolChoice, AllowedToolsChoice]),
]);

const ResponseFormat = v.variant('type', [
  v.looseObject({ type: v.literal('text') }),
  v.looseObject({ type: v.literal('json_object') }),
  v.looseObject({
    type: v.literal('json_schema'),
    json_schema: v.looseObject({
      name: Text,
      description: v.optional(Text),
      schema: v.optional(v.record(v.string(), v.unknown())),
      strict: v.nullish(v.boolean()),
    }),
  }),
]);

/** The whole request body. */
export const OpenAIChatRequestSchema = v.looseObject({
  model: v.pipe(Text, v.minLength(1, 'model must not be empty')),
  messages: v.pipe(v.array(OpenAIChatMessageSchema), v.minLength(1, 'messages must contain at least one message')),
  tools: v.nullish(v.array(Tool)),
  tool_choice: v.nullish(ToolChoice),
  parallel_tool_calls: v.nullish(v.boolean()),
  functions: v.nullish(v.array(FunctionDef)),
  function_call: v.nullish(v.union([v.picklist(['none', 'auto']), v.looseObject({ name: Text })])),
  response_format: v.nullish(ResponseFormat),
  max_tokens: v.nullish(v.pipe(Int, v.minValue(1))),
  max_completion_tokens: v.nullish(v.pipe(Int, v.minValue(1))),
  temperature: v.nullish(v.pipe(Num, v.minValue(0), v.maxValue(2))),
  top_p: v.nullish(v.pipe(Num, v.minValue(0), v.maxValue(1))),
  /** Not in the OpenAI spec; understood by many OpenAI-compatible servers. */
  top_k: v.nullish(v.pipe(Int, v.minValue(0))),
  n: v.nullish(v.pipe(Int, v.minValue(1), v.maxValue(128))),
  stop: v.nullish(v.union([Text, v.array(Text)])),
  seed: v.nullish(Int),
  presence_penalty: v.nullish(v.pipe(Num, v.minValue(-2), v.maxValue(2))),
  frequency_penalty: v.nullish(v.pipe(Num, v.minValue(-2), v.maxValue(2))),
  logit_bias: v.nullish(v.record(v.string(), Num)),
  logprobs: v.nullish(v.boolean()),
  top_logprobs: v.nullish(v.pipe(Int, v.minValue(0), v.maxValue(20))),
  user: v.nullish(Text),
  stream: v.nullish(v.boolean()),
  stream_options: v.nullish(v.looseObject({ include_usage: v.optional(v.boolean()) })),
  reasoning_effort: v.nullish(v.picklist(['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])),
  metadata: v.nullish(v.record(v.string(), Text)),
  store: v.nullish(v.boolean()),
  service_tier: v.nullish(Text),
  prediction: v.nullish(v.looseObject({ type: v.literal('content'), content: v.unknown() })),
  modalities: v.nullish(v.array(v.picklist(['text', 'audio']))),
});

/** A validated Chat Completions body (unknown top-level fields kept). */
export type OpenAIChatRequestBody = v.InferOutput<typeof OpenAIChatRequestSchema>;
/** One validated message of `messages`. */
export type OpenAIChatMessage = v.InferOutput<typeof OpenAIChatMessageSchema>;
