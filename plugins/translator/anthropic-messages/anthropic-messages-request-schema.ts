import * as v from 'valibot';

/**
 * valibot schema of an Anthropic Messages request body (`POST /v1/messages`). Objects are loose:
 * fields we do not map (citations, new options) stay on the parsed value so the decoder can keep
 * them in `providerOptions.anthropic` for an Anthropic upstream. Block types we do not model are
 * accepted as opaque blocks rather than rejected, so a newer client does not get a 400 from us.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */

const CacheControl = v.nullish(v.looseObject({ type: v.string(), ttl: v.optional(v.string()) }));

/** A text block (also the shape of `system` blocks). */
export const TextBlockSchema = v.looseObject({
  type: v.literal('text'),
  text: v.string(),
  cache_control: CacheControl,
});

const ImageSource = v.variant('type', [
  v.looseObject({ type: v.literal('base64'), media_type: v.string(), data: v.string() }),
  v.looseObject({ type: v.literal('url'), url: v.string() }),
  v.looseObject({ type: v.literal('file'), file_id: v.string() }),
]);

const ImageBlock = v.looseObject({ type: v.literal('image'), source: ImageSource, cache_control: CacheControl });

const DocumentSource = v.variant('type', [
  v.looseObject({ type: v.literal('base64'), media_type: v.string(), data: v.string() }),
  v.looseObject({ type: v.literal('url'), url: v.string() }),
  v.looseObject({ type: v.literal('text'), media_type: v.optional(v.string()), data: v.string() }),
  v.looseObject({ type: v.literal('content'), content: v.union([v.string(), v.array(v.looseObject({ type: v.string() }))]) }),
  v.looseObject({ type: v.literal('file'), file_id: v.string() }),
]);

const DocumentBlock = v.looseObject({
  type: v.literal('document'),
  source: DocumentSource,
  title: v.nullish(v.string()),
  context: v.nullish(v.string()),
  cache_control: CacheControl,
});

/** Block types modelled here; any other `type` string passes as an opaque block. */
const MODELLED_BLOCKS: ReadonlySet<string> = new Set([
  'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking',
]);

const OpaqueBlock = v.looseObject({
  type: v.pipe(v.string(), v.check((t) => !MODELLED_BLOCKS.has(t), 'unsupported content block type')),
});

const ToolResultContentBlock = v.variant('type', [TextBlockSchema, ImageBlock, DocumentBlock, OpaqueBlock]);

const ToolUseBlock = v.looseObject({
  type: v.literal('tool_use'),
  id: v.pipe(v.string(), v.minLength(1)),
  name: v.string(),
  input: v.unknown(),
  cache_control: CacheControl,
});

const ToolResultBlock = v.looseObject({
  type: v.literal('tool_result'),
  tool_use_id: v.pipe(v.string(), v.minLength(1)),
  content: v.optional(v.union([v.string(), v.array(ToolResultContentBlock)])),
  is_error: v.optional(v.boolean()),
  cache_control: CacheControl,
});

const ThinkingBlock = v.looseObject({ type: v.literal('thinking'), thinking: v.string(), signature: v.optional(v.string()) });
const RedactedThinkingBlock = v.looseObject({ type: v.literal('redacted_thinking'), data: v.string() });

/** Any content block of a message: the modelled types plus opaque ones. */
export const ContentBlockSchema = v.variant('type', [
  TextBlockSchema, ImageBlock, DocumentBlock, ToolUseBlock, ToolResultBlock, ThinkingBlock, RedactedThinkingBlock, OpaqueBlock,
]);

const MessageSchema = v.looseObject({
  role: v.picklist(['user', 'assistant', 'system']),
  content: v.union([v.string(), v.array(ContentBlockSchema)]),
});

/** A tool: a custom one (name + input_schema) or an Anthropic-defined one (`type` such as web_search_20250305). */
const ToolSchema = v.pipe(
  v.looseObject({
    type: v.optional(v.string()),
    name: v.optional(v.string()),
    description: v.optional(v.string()),
    input_schema: v.optional(v.record(v.string(), v.unknown())),
    cache_control: CacheControl,
  }),
  v.check(
    (t) => (t.type !== undefined && t.type !== 'custom') || (typeof t.name === 'string' && t.input_schema !== undefined),
    'a custom tool needs `name` and `input_schema`',
  ),
);

const ParallelFlag = { disable_parallel_tool_use: v.optional(v.boolean()) };
const ToolChoiceSchema = v.variant('type', [
  v.looseObject({ type: v.literal('auto'), ...ParallelFlag }),
  v.looseObject({ type: v.literal('any'), ...ParallelFlag }),
  v.looseObject({ type: v.literal('tool'), name: v.string(), ...ParallelFlag }),
  v.looseObject({ type: v.literal('none') }),
]);

const ThinkingSchema = v.variant('type', [
  v.looseObject({ type: v.literal('enabled'), budget_tokens: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  v.looseObject({ type: v.literal('adaptive') }),
  v.looseObject({ type: v.literal('disabled') }),
]);

const requestEntries = {
  model: v.pipe(v.string(), v.minLength(1, 'model must not be empty')),
  max_tokens: v.pipe(v.number(), v.integer(), v.minValue(1)),
  messages: v.array(MessageSchema),
  system: v.optional(v.union([v.string(), v.array(TextBlockSchema)])),
  tools: v.optional(v.array(ToolSchema)),
  tool_choice: v.optional(ToolChoiceSchema),
  thinking: v.optional(ThinkingSchema),
  stop_sequences: v.optional(v.array(v.string())),
  temperature: v.optional(v.pipe(v.number(), v.minValue(0))),
  top_p: v.optional(v.number()),
  top_k: v.optional(v.pipe(v.number(), v.integer())),
  metadata: v.optional(v.looseObject({ user_id: v.nullish(v.string()) })),
  stream: v.optional(v.boolean()),
  output_config: v.optional(v.looseObject({ effort: v.optional(v.string()), format: v.nullish(v.looseObject({ type: v.string() })) })),
  output_format: v.nullish(v.looseObject({ type: v.string() })),
};

/** The Messages request body. */
export const MessagesRequestSchema = v.looseObject(requestEntries);

/** `POST /v1/messages/count_tokens`: the same body without `max_tokens`. */
export const CountTokensRequestSchema = v.looseObject({ ...requestEntries, max_tokens: v.optional(requestEntries.max_tokens) });

/** Top-level keys the decoder maps into the hub; every other key is kept for Anthropic upstreams. */
export const MAPPED_REQUEST_KEYS: ReadonlySet<string> = new Set([
  'model', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'stop_sequences',
  'temperature', 'top_p', 'top_k', 'metadata', 'stream',
]);

/** Parsed wire types, as the decoder reads them. */
export type MessagesRequest = v.InferOutput<typeof MessagesRequestSchema>;
export type CountTokensRequest = v.InferOutput<typeof CountTokensRequestSchema>;
export type WireMessage = v.InferOutput<typeof MessageSchema>;
export type WireContentBlock = v.InferOutput<typeof ContentBlockSchema>;
export type WireToolResultContent = v.InferOutput<typeof ToolResultContentBlock>;
export type WireTool = v.InferOutput<typeof ToolSchema>;
export type WireToolChoice = v.InferOutput<typeof ToolChoiceSchema>;
export type WireThinking = v.InferOutput<typeof ThinkingSchema>;
export type WireTextBlock = v.InferOutput<typeof TextBlockSchema>;
