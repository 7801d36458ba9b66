import type { ChatRequest, ReasoningEffort, ReasoningSettings, ToolChoice } from '../../../core/types/hub.ts';
import { capOutputTokens } from '../../../core/util/output-token-limit.ts';
import { convertToGeminiContents } from './convert-to-gemini-contents.ts';
import type { GeminiFunctionDeclaration, GeminiRequest } from './gemini-wire-types.ts';
import { geminiParameters, sanitizeGeminiSchema } from './sanitize-gemini-schema.ts';

/** Thinking budgets per effort (tokens). 24,576 is the most every 2.5 model accepts. */
const BUDGETS: Record<ReasoningEffort, number> = {
  none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: 24576,
};

/** What the provider knows about the target model beyond the request. */
export interface GeminiConvertOptions {
  /** The model's output limit (`max_output_tokens` quirk): `maxOutputTokens` is capped to it. */
  maxOutputTokens?: number;
}

/**
 * The dummy signature Google documents for function calls Gemini 3 did not make itself
 * (history from another model, or a client that drops signatures).
 *
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

/**
 * ChatRequest → generateContent body (the model goes in the URL, not here).
 * - messages → `systemInstruction` + `contents` (see convertToGeminiContents);
 * - tools → one `functionDeclarations` tool with sanitized parameter schemas, plus the
 *   Gemini-native tools a Gemini client sent (`providerOptions.gemini.tools`);
 * - tool choice → `toolConfig.functionCallingConfig` (a Gemini client's own toolConfig wins);
 * - sampling, stop, max tokens (capped to `opts.maxOutputTokens`, the model's output limit),
 *   seed, penalties → `generationConfig` (never `candidateCount`:
 *   the result carries one candidate, more would be paid for and dropped), with the client's
 *   Gemini-only generation keys (`providerOptions.gemini.generationConfig`) kept;
 * - reasoning → `thinkingConfig` (budget, effort → budget, or a Gemini client's thinkingLevel);
 * - `json_schema` → `responseMimeType: application/json` + sanitized `responseSchema`;
 * - safetySettings, cachedContent, labels from `providerOptions.gemini`.
 *
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function convertToGeminiRequest(req: ChatRequest, opts: GeminiConvertOptions = {}): GeminiRequest {
  const gemini = req.providerOptions?.gemini ?? {};
  const fillSignature = /gemini-3/i.test(req.model) ? SKIP_SIGNATURE : undefined;
  const { systemInstruction, contents } = convertToGeminiContents(req.messages, { fillSignature });
  const body: GeminiRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const tools = convertTools(req, gemini.tools);
  if (tools) body.tools = tools;
  if (isObj(gemini.toolConfig)) body.toolConfig = gemini.toolConfig;
  else if ((req.tools?.length ?? 0) > 0) {
    const toolConfig = mapToolChoice(req.toolChoice);
    if (toolConfig) body.toolConfig = toolConfig;
  }

  const gc = generationConfig(req, isObj(gemini.generationConfig) ? gemini.generationConfig : {});
  const thinking = thinkingConfig(req.reasoning, typeof gemini.thinkingLevel === 'string' ? gemini.thinkingLevel : undefined, req.model);
  if (thinking) gc.thinkingConfig = thinking;
  if (typeof gc.maxOutputTokens === 'number') {
    // Thinking counts in maxOutputTokens: a budget that would take all of it (effort high, 24,576,
    // with max_tokens 2,000) left an empty answer cut at MAX_TOKENS. As the Anthropic provider
    // does, the limit then grows by the budget, within the model's own.
    const budget = thinking?.thinkingBudget;
    if (typeof budget === 'number' && budget > 0 && gc.maxOutputTokens <= budget) gc.maxOutputTokens += budget;
    gc.maxOutputTokens = capOutputTokens(gc.maxOutputTokens, opts.maxOutputTokens);
  }
  if (Object.keys(gc).length > 0) body.generationConfig = gc;

  if (Array.isArray(gemini.safetySettings)) body.safetySettings = gemini.safetySettings;
  if (typeof gemini.cachedContent === 'string') body.cachedContent = gemini.cachedContent;
  if (isObj(gemini.labels)) body.labels = gemini.labels;
  return body;
}

function convertTools(req: ChatRequest, native: unknown): GeminiRequest['tools'] {
  const out: NonNullable<GeminiRequest['tools']> = [];
  if (req.tools && req.tools.length > 0) {
    const functionDeclarations = req.tools.map((t) => {
      const fd: GeminiFunctionDeclaration = { name: t.name };
      if (t.description) fd.description = t.description;
      const { parameters } = geminiParameters(t.parameters);
      if (parameters) fd.parameters = parameters;
      return fd;
    });
    out.push({ functionDeclarations });
  }
  if (Array.isArray(native)) for (const t of native) if (isObj(t)) out.push(t);
  return out.length > 0 ? out : undefined;
}

/** Tool choice → `toolConfig`. `required` is ANY; one named tool is ANY limited to it. */
export function mapToolChoice(choice: ToolChoice | undefined): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
}

function generationConfig(req: ChatRequest, extra: Record<string, unknown>): Record<string, unknown> {
  const gc: Record<string, unknown> = { ...extra };
  // One candidate: the hub result carries one, so more would be paid for and thrown away.
  delete gc.candidateCount;
  if (req.temperature !== undefined) gc.temperature = req.temperature;
  if (req.topP !== undefined) gc.topP = req.topP;
  if (req.topK !== undefined) gc.topK = req.topK;
  if (req.maxTokens !== undefined) gc.maxOutputTokens = req.maxTokens;
  // Gemini takes at most 5 stop sequences (a 400 otherwise).
  if (req.stop && req.stop.length > 0) gc.stopSequences = req.stop.slice(0, 5);
  if (req.seed !== undefined) gc.seed = req.seed;
  if (req.presencePenalty !== undefined) gc.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) gc.frequencyPenalty = req.frequencyPenalty;
  const rf = req.responseFormat;
  if (rf?.type === 'json' || rf?.type === 'json_schema') gc.responseMimeType = 'application/json';
  if (rf?.type === 'json_schema') gc.responseSchema = sanitizeGeminiSchema(rf.schema);
  return gc;
}

/** What a model family takes as a thinking budget (Google's thinking guide). */
interface ThinkingLimits {
  min: number;
  max: number;
  /** A budget of 0 turns thinking off; the Pro models refuse it ("only works in thinking mode"). */
  canDisable: boolean;
  /** Takes `thinkingLevel` (Gemini 3); older models refuse it. */
  levels: boolean;
}

/**
 * The limits of a known model family, or undefined (sent as asked).
 *
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
export function thinkingLimits(model: string): ThinkingLimits | undefined {
  const m = model.toLowerCase();
  if (m.includes('gemini-3')) return { min: 128, max: 32768, canDisable: false, levels: true };
  if (m.includes('gemini-2.5-pro')) return { min: 128, max: 32768, canDisable: false, levels: false };
  if (m.includes('gemini-2.5-flash-lite')) return { min: 512, max: 24576, canDisable: true, levels: false };
  if (m.includes('gemini-2.5-flash')) return { min: 1, max: 24576, canDisable: true, levels: false };
  return undefined;
}

/**
 * Reasoning → `thinkingConfig`: an explicit budget wins, then effort (none → 0, which turns
 * thinking off), then `enabled` (-1, dynamic). A Gemini client's thinkingLevel is sent as is.
 * For a known `model` family the result fits it: budgets clamped into its range, "off" as its
 * least thinking where it cannot stop thinking (Gemini 3: level `low`), and a thinkingLevel as a
 * budget for the models before Gemini 3, which refuse levels.
 */
export function thinkingConfig(r: ReasoningSettings | undefined, level: string | undefined, model = ''): Record<string, unknown> | undefined {
  const tc: Record<string, unknown> = {};
  if (level !== undefined) tc.thinkingLevel = level;
  else if (r?.budgetTokens !== undefined) tc.thinkingBudget = r.budgetTokens;
  else if (r?.enabled === false) tc.thinkingBudget = 0;
  else if (r?.effort !== undefined) tc.thinkingBudget = BUDGETS[r.effort];
  else if (r?.enabled === true) tc.thinkingBudget = -1;
  if (r?.includeThoughts !== undefined) tc.includeThoughts = r.includeThoughts;
  const limits = thinkingLimits(model);
  if (limits) fitThinking(tc, limits);
  return Object.keys(tc).length > 0 ? tc : undefined;
}

/**
 * A Gemini client's own body with its `thinkingConfig` fitted to the target model's family, as
 * the converted lane fits it: Gemini CLI writes a level for Gemini 3 and a budget for 2.5, and a
 * combo's next target (2.5 Flash when the 3 Pro quota runs out) or an alias may be the other
 * family ("Thinking level is not supported for this model."). The same body when it fits or the
 * family is not known.
 */
export function withThinkingFitted(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const limits = thinkingLimits(model);
  const gc = body.generationConfig;
  const tc = isObj(gc) ? gc.thinkingConfig : undefined;
  if (!limits || !isObj(tc)) return body;
  const fitted = { ...tc };
  fitThinking(fitted, limits);
  if (JSON.stringify(fitted) === JSON.stringify(tc)) return body;
  return { ...body, generationConfig: { ...(gc as Record<string, unknown>), thinkingConfig: fitted } };
}

function fitThinking(tc: Record<string, unknown>, l: ThinkingLimits): void {
  // Gemini 3 takes a level or a budget, not both ("You can only set only one of thinking budget and thinking level.").
  if (typeof tc.thinkingLevel === 'string' && tc.thinkingBudget !== undefined && l.levels) delete tc.thinkingBudget;
  if (typeof tc.thinkingLevel === 'string' && !l.levels) {
    // A Gemini 3 thinking level as the budget of the same effort, for a model that takes only budgets.
    tc.thinkingBudget = BUDGETS[tc.thinkingLevel.toLowerCase() as ReasoningEffort] ?? -1;
    delete tc.thinkingLevel;
  }
  const budget = tc.thinkingBudget;
  if (typeof budget !== 'number' || budget === -1) return;
  if (budget <= 0) {
    if (l.canDisable) tc.thinkingBudget = 0;
    else if (l.levels) {
      delete tc.thinkingBudget;
      tc.thinkingLevel = 'low';
    } else tc.thinkingBudget = l.min;
    return;
  }
  tc.thinkingBudget = Math.min(l.max, Math.max(l.min, budget));
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
