import type { ChatRequest, ReasoningEffort, ReasoningSettings, ResponseFormat } from '../../../core/types/hub.ts';
import { convertOpenApiSchema } from './convert-openapi-schema.ts';
import { enumResponseFormat } from './enum-answer.ts';
import type { GeminiGenerationConfig } from './gemini-request-schema.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/** Hub fields that come from `generationConfig`. */
export type GenerationSettings = Pick<
  ChatRequest,
  'temperature' | 'topP' | 'topK' | 'maxTokens' | 'stop' | 'n' | 'seed' | 'presencePenalty' | 'frequencyPenalty' | 'responseFormat' | 'reasoning'
>;

/** Keys mapped to hub fields; everything else in generationConfig is Gemini-only. */
const MAPPED = new Set([
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences', 'candidateCount', 'seed',
  'presencePenalty', 'frequencyPenalty', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'thinkingConfig',
]);

const LEVELS: Readonly<Record<string, ReasoningEffort>> = lookupTable({ minimal: 'minimal', low: 'low', medium: 'medium', high: 'high' });

/**
 * `generationConfig` → hub sampling settings, response format and reasoning. Returns also
 * the Gemini-only keys (responseModalities, speechConfig, mediaResolution, logprobs…) and the
 * thinking level, which only a Gemini upstream understands.
 *
 * Response format: a schema (`responseJsonSchema`, or the OpenAPI-style `responseSchema`) is
 * `json_schema`; with `responseMimeType: text/x.enum` it is the object-wrapped enum of
 * `enumResponseFormat`, whose answer the encoders hand back bare.
 *
 * Reasoning: `thinkingBudget` 0 turns thinking off, -1 means dynamic (enabled, no budget),
 * a positive budget is `budgetTokens`; `thinkingLevel` maps to the effort of the same name.
 *
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerationConfig
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
export function convertGeminiGenerationConfig(gc: GeminiGenerationConfig | undefined): {
  settings: GenerationSettings;
  native: Record<string, unknown>;
} {
  const settings: GenerationSettings = {};
  const native: Record<string, unknown> = {};
  if (!gc) return { settings, native };
  if (gc.temperature !== undefined) settings.temperature = gc.temperature;
  if (gc.topP !== undefined) settings.topP = gc.topP;
  if (gc.topK !== undefined) settings.topK = gc.topK;
  if (gc.maxOutputTokens !== undefined) settings.maxTokens = gc.maxOutputTokens;
  if (gc.stopSequences !== undefined && gc.stopSequences.length > 0) settings.stop = gc.stopSequences;
  if (gc.candidateCount !== undefined) settings.n = gc.candidateCount;
  if (gc.seed !== undefined) settings.seed = gc.seed;
  if (gc.presencePenalty !== undefined) settings.presencePenalty = gc.presencePenalty;
  if (gc.frequencyPenalty !== undefined) settings.frequencyPenalty = gc.frequencyPenalty;
  const format = responseFormat(gc);
  if (format) settings.responseFormat = format;
  if (gc.thinkingConfig) {
    const { reasoning, level } = thinking(gc.thinkingConfig);
    settings.reasoning = reasoning;
    if (level !== undefined) native.thinkingLevel = level;
  }
  for (const [k, val] of Object.entries(gc)) if (!MAPPED.has(k) && val !== undefined) native[k] = val;
  if (gc.responseMimeType !== undefined && !format) native.responseMimeType = gc.responseMimeType;
  return { settings, native };
}

function responseFormat(gc: GeminiGenerationConfig): ResponseFormat | undefined {
  const mime = gc.responseMimeType;
  const jsonSchema = gc.responseJsonSchema;
  let schema: Record<string, unknown> | undefined;
  if (typeof jsonSchema === 'object' && jsonSchema !== null && !Array.isArray(jsonSchema)) schema = jsonSchema as Record<string, unknown>;
  else if (gc.responseSchema) schema = convertOpenApiSchema(gc.responseSchema) as Record<string, unknown>;
  if (schema) return mime === 'text/x.enum' ? enumResponseFormat(schema) : { type: 'json_schema', name: 'response', schema };
  if (mime === 'application/json') return { type: 'json' };
  if (mime === 'text/plain') return { type: 'text' };
  return undefined;
}

function thinking(tc: NonNullable<GeminiGenerationConfig['thinkingConfig']>): { reasoning: ReasoningSettings; level?: string } {
  const reasoning: ReasoningSettings = {};
  const budget = tc.thinkingBudget;
  if (budget === 0) {
    // Off, without an effort: `none` is an effort only some models take (o-series and gpt-5
    // refuse it), while leaving the effort out is understood by every upstream.
    reasoning.enabled = false;
  } else if (budget !== undefined && budget > 0) {
    reasoning.enabled = true;
    reasoning.budgetTokens = budget;
  } else if (budget === -1) {
    reasoning.enabled = true;
  }
  if (tc.includeThoughts !== undefined) reasoning.includeThoughts = tc.includeThoughts;
  const level = tc.thinkingLevel?.toLowerCase();
  if (level !== undefined && LEVELS[level]) {
    reasoning.effort = LEVELS[level];
    reasoning.enabled = true;
  }
  return { reasoning, level: tc.thinkingLevel };
}
