import * as v from 'valibot';

/**
 * valibot schema of a `generateContent` / `streamGenerateContent` body, after
 * `normalizeGeminiKeys` (camelCase). Objects are loose: Google adds fields often, and a client
 * newer than the gateway must still work; unknown generation settings travel on to a Gemini
 * upstream through `providerOptions.gemini`.
 *
 * @see https://ai.google.dev/api/generate-content#request-body
 * @see https://ai.google.dev/api/caching#Content
 */

const Text = v.string();
const Num = v.pipe(v.number(), v.finite());
const Int = v.pipe(v.number(), v.integer());
const Obj = v.record(v.string(), v.unknown());

const InlineData = v.looseObject({ mimeType: Text, data: Text });
const FileData = v.looseObject({ fileUri: Text, mimeType: v.optional(Text) });
const FunctionCall = v.looseObject({
  name: v.pipe(Text, v.minLength(1, 'a function call needs a name')),
  args: v.optional(v.nullable(Obj)),
  id: v.optional(Text),
});
/** Media a function response carries itself (Gemini 3 multimodal function responses). */
const FunctionResponsePart = v.looseObject({ inlineData: v.optional(InlineData), fileData: v.optional(FileData) });
const FunctionResponse = v.looseObject({
  name: v.pipe(Text, v.minLength(1, 'a function response needs a name')),
  response: v.optional(v.nullable(Obj)),
  id: v.optional(Text),
  parts: v.optional(v.array(FunctionResponsePart)),
});

export const GeminiPartSchema = v.looseObject({
  text: v.optional(Text),
  thought: v.optional(v.boolean()),
  thoughtSignature: v.optional(Text),
  inlineData: v.optional(InlineData),
  fileData: v.optional(FileData),
  functionCall: v.optional(FunctionCall),
  functionResponse: v.optional(FunctionResponse),
});

export const GeminiContentSchema = v.looseObject({
  role: v.optional(v.picklist(['user', 'model', 'function'], 'role must be "user" or "model"')),
  parts: v.array(GeminiPartSchema),
});

const FunctionDeclaration = v.looseObject({
  name: v.pipe(Text, v.minLength(1, 'a function declaration needs a name')),
  description: v.optional(Text),
  parameters: v.optional(Obj),
  parametersJsonSchema: v.optional(v.unknown()),
});

const Tool = v.looseObject({ functionDeclarations: v.optional(v.array(FunctionDeclaration)) });

const ToolConfig = v.looseObject({
  functionCallingConfig: v.optional(
    v.looseObject({
      mode: v.optional(v.picklist(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'])),
      allowedFunctionNames: v.optional(v.array(Text)),
    }),
  ),
});

const ThinkingConfig = v.looseObject({
  thinkingBudget: v.optional(Int),
  includeThoughts: v.optional(v.boolean()),
  thinkingLevel: v.optional(Text),
});

const GenerationConfig = v.looseObject({
  temperature: v.optional(Num),
  topP: v.optional(Num),
  topK: v.optional(Num),
  maxOutputTokens: v.optional(v.pipe(Int, v.minValue(1))),
  stopSequences: v.optional(v.array(Text)),
  candidateCount: v.optional(v.pipe(Int, v.minValue(1))),
  responseMimeType: v.optional(Text),
  responseSchema: v.optional(Obj),
  responseJsonSchema: v.optional(v.unknown()),
  thinkingConfig: v.optional(ThinkingConfig),
  seed: v.optional(Int),
  presencePenalty: v.optional(Num),
  frequencyPenalty: v.optional(Num),
});

/** Clients write `user`, `system` or nothing here; only the parts matter. */
const SystemInstruction = v.looseObject({ role: v.optional(Text), parts: v.array(GeminiPartSchema) });

export const GeminiRequestSchema = v.looseObject({
  contents: v.pipe(v.array(GeminiContentSchema), v.minLength(1, 'contents must not be empty')),
  systemInstruction: v.optional(SystemInstruction),
  tools: v.optional(v.array(Tool)),
  toolConfig: v.optional(ToolConfig),
  generationConfig: v.optional(GenerationConfig),
  safetySettings: v.optional(v.array(v.unknown())),
  cachedContent: v.optional(Text),
  labels: v.optional(v.record(v.string(), Text)),
});

export type GeminiRequestBody = v.InferOutput<typeof GeminiRequestSchema>;
export type GeminiContent = v.InferOutput<typeof GeminiContentSchema>;
export type GeminiPart = v.InferOutput<typeof GeminiPartSchema>;
export type GeminiTool = v.InferOutput<typeof Tool>;
export type GeminiToolConfig = v.InferOutput<typeof ToolConfig>;
export type GeminiGenerationConfig = v.InferOutput<typeof GenerationConfig>;
