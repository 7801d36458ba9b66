import * as v from 'valibot';

/**
 * valibot schemas of the body of `POST /v1/responses`. Standard fields are typed; objects are
 * loose so fields newer than the gateway pass through to an OpenAI upstream instead of failing.
 *
 * Input items are checked one by one (see `convert-responses-input.ts`): the item type picks
 * the schema, which keeps error paths short (`input.3.call_id`) and lets item types this
 * gateway cannot translate travel natively to a Responses upstream.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */

const Text = v.string();
const Num = v.pipe(v.number(), v.finite());
const Int = v.pipe(v.number(), v.integer());

export const InputTextSchema = v.looseObject({ type: v.literal('input_text'), text: Text });
export const InputImageSchema = v.looseObject({
  type: v.literal('input_image'),
  image_url: v.nullish(Text),
  file_id: v.nullish(Text),
  detail: v.nullish(v.picklist(['auto', 'low', 'high'])),
});
export const InputFileSchema = v.looseObject({
  type: v.literal('input_file'),
  file_data: v.nullish(Text),
  file_id: v.nullish(Text),
  file_url: v.nullish(Text),
  filename: v.nullish(Text),
});
const OutputTextSchema = v.looseObject({ type: v.literal('output_text'), text: Text });
const RefusalSchema = v.looseObject({ type: v.literal('refusal'), refusal: Text });

/** One content part of a message item. */
export const MessageContentPartSchema = v.variant('type', [
  InputTextSchema,
  InputImageSchema,
  InputFileSchema,
  OutputTextSchema,
  RefusalSchema,
]);

/**
 * A message item; `type` may be omitted (the "easy input message" form). Its `content` may be
 * null: Codex sends such items on some tool turns, and the API takes them as empty.
 */
export const MessageItemSchema = v.looseObject({
  type: v.optional(v.literal('message')),
  id: v.nullish(Text),
  role: v.picklist(['user', 'assistant', 'system', 'developer']),
  content: v.nullable(v.union([Text, v.array(MessageContentPartSchema)])),
  status: v.nullish(Text),
});

export const FunctionCallItemSchema = v.looseObject({
  type: v.literal('function_call'),
  id: v.nullish(Text),
  call_id: v.pipe(Text, v.minLength(1, 'call_id must not be empty')),
  name: v.pipe(Text, v.minLength(1, 'name must not be empty')),
  namespace: v.nullish(Text),
  arguments: Text,
  status: v.nullish(Text),
});

export const FunctionCallOutputItemSchema = v.looseObject({
  type: v.literal('function_call_output'),
  id: v.nullish(Text),
  call_id: v.pipe(Text, v.minLength(1, 'call_id must not be empty')),
  output: v.union([Text, v.array(v.variant('type', [InputTextSchema, InputImageSchema, InputFileSchema]))]),
  status: v.nullish(Text),
});

export const CustomToolCallItemSchema = v.looseObject({
  type: v.literal('custom_tool_call'),
  id: v.nullish(Text),
  call_id: v.pipe(Text, v.minLength(1, 'call_id must not be empty')),
  name: v.pipe(Text, v.minLength(1, 'name must not be empty')),
  namespace: v.nullish(Text),
  input: Text,
});

export const CustomToolCallOutputItemSchema = v.looseObject({
  ...FunctionCallOutputItemSchema.entries,
  type: v.literal('custom_tool_call_output'),
});

const SummaryTextSchema = v.looseObject({ type: v.literal('summary_text'), text: Text });
const ReasoningTextSchema = v.looseObject({ type: v.literal('reasoning_text'), text: Text });

export const ReasoningItemSchema = v.looseObject({
  type: v.literal('reasoning'),
  id: v.nullish(Text),
  summary: v.optional(v.array(SummaryTextSchema), []),
  content: v.nullish(v.array(ReasoningTextSchema)),
  encrypted_content: v.nullish(Text),
  status: v.nullish(Text),
});

/** Every input item has at least a type (or a role, for the easy message form). */
export const AnyItemSchema = v.looseObject({ type: v.optional(Text) });

const FunctionToolSchema = v.looseObject({
  type: v.literal('function'),
  name: v.pipe(Text, v.minLength(1, 'a function tool needs a name')),
  description: v.nullish(Text),
  parameters: v.nullish(v.record(v.string(), v.unknown())),
  strict: v.nullish(v.boolean()),
});

/** A tool: function tools are translated; other (built-in) tools are kept as they are. */
export const ToolSchema = v.variant('type', [
  FunctionToolSchema,
  v.looseObject({ type: v.pipe(Text, v.notValue('function')) }),
]);

export const ToolChoiceSchema = v.union([
  v.picklist(['none', 'auto', 'required']),
  v.looseObject({ type: Text, name: v.optional(Text) }),
]);

const TextFormatSchema = v.variant('type', [
  v.looseObject({ type: v.literal('text') }),
  v.looseObject({ type: v.literal('json_object') }),
  v.looseObject({
    type: v.literal('json_schema'),
    name: v.pipe(Text, v.minLength(1, 'json_schema needs a name')),
    description: v.nullish(Text),
    schema: v.record(v.string(), v.unknown()),
    strict: v.nullish(v.boolean()),
  }),
]);

export const ResponsesRequestSchema = v.looseObject({
  model: v.pipe(Text, v.minLength(1, 'model must not be empty')),
  input: v.optional(v.union([Text, v.array(AnyItemSchema)])),
  instructions: v.nullish(Text),
  tools: v.nullish(v.array(ToolSchema)),
  tool_choice: v.nullish(ToolChoiceSchema),
  parallel_tool_calls: v.nullish(v.boolean()),
  max_output_tokens: v.nullish(v.pipe(Int, v.minValue(1))),
  max_tool_calls: v.nullish(v.pipe(Int, v.minValue(1))),
  temperature: v.nullish(v.pipe(Num, v.minValue(0), v.maxValue(2))),
  top_p: v.nullish(v.pipe(Num, v.minValue(0), v.maxValue(1))),
  top_logprobs: v.nullish(v.pipe(Int, v.minValue(0), v.maxValue(20))),
  reasoning: v.nullish(
    v.looseObject({
      effort: v.nullish(v.picklist(['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])),
      summary: v.nullish(v.picklist(['auto', 'concise', 'detailed', 'none'])),
      generate_summary: v.nullish(v.picklist(['auto', 'concise', 'detailed'])),
    }),
  ),
  text: v.nullish(
    v.looseObject({
      format: v.nullish(TextFormatSchema),
      verbosity: v.nullish(v.picklist(['low', 'medium', 'high'])),
    }),
  ),
  store: v.nullish(v.boolean()),
  stream: v.nullish(v.boolean()),
  stream_options: v.nullish(v.looseObject({})),
  include: v.nullish(v.array(Text)),
  previous_response_id: v.nullish(Text),
  conversation: v.nullish(v.unknown()),
  background: v.nullish(v.boolean()),
  metadata: v.nullish(v.record(v.string(), Text)),
  client_metadata: v.nullish(v.record(v.string(), v.unknown())),
  prompt_cache_key: v.nullish(Text),
  prompt_cache_retention: v.nullish(Text),
  safety_identifier: v.nullish(Text),
  service_tier: v.nullish(Text),
  truncation: v.nullish(v.picklist(['auto', 'disabled'])),
  user: v.nullish(Text),
});

export type ResponsesRequestBody = v.InferOutput<typeof ResponsesRequestSchema>;
export type MessageItem = v.InferOutput<typeof MessageItemSchema>;
export type MessageContentPart = v.InferOutput<typeof MessageContentPartSchema>;
export type CustomToolCallOutputItem = v.InferOutput<typeof CustomToolCallOutputItemSchema>;
export type FunctionCallOutputItem = v.InferOutput<typeof FunctionCallOutputItemSchema>;
export type ReasoningItem = v.InferOutput<typeof ReasoningItemSchema>;
export type FunctionCallItem = v.InferOutput<typeof FunctionCallItemSchema>;
