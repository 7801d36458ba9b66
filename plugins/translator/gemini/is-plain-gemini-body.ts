import { isKeptObject } from '../../../core/util/kept-object.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';
import { hasPlainFields, isFiniteNumber, isInt, type ValueCheck } from '../../../core/util/plain-fields.ts';

/**
 * A fast check for the `generateContent` bodies Gemini CLI and the SDKs send (after
 * `normalizeGeminiKeys`): text, media, thought, function call and function response parts,
 * function declarations, tool config and generation config. It answers `true` only for bodies
 * that `GeminiRequestSchema` accepts as they are (the schema has no transforms or defaults, so
 * its output equals the input); for anything it does not know for sure it answers `false` and
 * the schema decides, with its precise error messages. Every object is checked for the names
 * the schema drops (`isKeptObject`): the mapping keeps fields it does not model, so one would
 * show. It exists because the schema costs ~37 µs on a 110 KB conversation (measured), on every
 * request, all thrown away.
 *
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function isPlainGeminiBody(body: Record<string, unknown>): boolean {
  return hasPlainFields(body, FIELDS, REQUIRED);
}

const REQUIRED = ['contents'];

/** The check of each top-level field the fast path knows; other names pass, as `looseObject` lets them. */
const FIELDS = lookupTable<ValueCheck>({
  contents: (x) => Array.isArray(x) && x.length > 0 && x.every(isContent),
  systemInstruction: (x) => isKeptObject(x) && optional(x.role, isString) && isParts(x.parts),
  tools: (x) => Array.isArray(x) && x.every(isTool),
  toolConfig: isToolConfig,
  generationConfig: isGenerationConfig,
  safetySettings: Array.isArray,
  cachedContent: (x) => typeof x === 'string',
  labels: (x) => isKeptObject(x) && Object.values(x).every(isString),
});

const ROLES = new Set(['user', 'model', 'function']);
const MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);

const isString = (x: unknown): x is string => typeof x === 'string';
const isName = (x: unknown): boolean => typeof x === 'string' && x.length > 0;
const isBool = (x: unknown): boolean => typeof x === 'boolean';
const isPositiveInt = (x: unknown): boolean => isInt(x) && x >= 1;
const isStrings = (x: unknown): boolean => Array.isArray(x) && x.every(isString);

/** Absent, or what `check` accepts (the schema's `optional`: null is not absent). */
function optional(x: unknown, check: (x: unknown) => boolean): boolean {
  return x === undefined || check(x);
}

/** Function arguments or a function's response: absent, null or an object. */
const isRecordOrNull = (x: unknown): boolean => x === undefined || x === null || isKeptObject(x);

function isContent(c: unknown): boolean {
  return isKeptObject(c) && optional(c.role, (r) => typeof r === 'string' && ROLES.has(r)) && isParts(c.parts);
}

function isParts(x: unknown): boolean {
  return Array.isArray(x) && x.every(isPart);
}

function isPart(p: unknown): boolean {
  return isKeptObject(p) && optional(p.text, isString) && optional(p.thought, isBool) && optional(p.thoughtSignature, isString)
    && optional(p.inlineData, isInlineData) && optional(p.fileData, isFileData)
    && optional(p.functionCall, isFunctionCall) && optional(p.functionResponse, isFunctionResponse);
}

function isInlineData(d: unknown): boolean {
  return isKeptObject(d) && typeof d.mimeType === 'string' && typeof d.data === 'string';
}

function isFileData(d: unknown): boolean {
  return isKeptObject(d) && typeof d.fileUri === 'string' && optional(d.mimeType, isString);
}

function isFunctionCall(f: unknown): boolean {
  return isKeptObject(f) && isName(f.name) && isRecordOrNull(f.args) && optional(f.id, isString);
}

function isFunctionResponse(f: unknown): boolean {
  return isKeptObject(f) && isName(f.name) && isRecordOrNull(f.response) && optional(f.id, isString)
    && optional(f.parts, (parts) => Array.isArray(parts) && parts.every((p) => isKeptObject(p) && optional(p.inlineData, isInlineData) && optional(p.fileData, isFileData)));
}

function isTool(t: unknown): boolean {
  return isKeptObject(t) && optional(t.functionDeclarations, (list) => Array.isArray(list) && list.every(isDeclaration));
}

function isDeclaration(d: unknown): boolean {
  return isKeptObject(d) && isName(d.name) && optional(d.description, isString) && optional(d.parameters, isKeptObject);
}

function isToolConfig(c: unknown): boolean {
  return isKeptObject(c) && optional(c.functionCallingConfig, (f) => isKeptObject(f)
    && optional(f.mode, (m) => typeof m === 'string' && MODES.has(m)) && optional(f.allowedFunctionNames, isStrings));
}

function isGenerationConfig(g: unknown): boolean {
  return isKeptObject(g) && optional(g.temperature, isFiniteNumber) && optional(g.topP, isFiniteNumber) && optional(g.topK, isFiniteNumber)
    && optional(g.maxOutputTokens, isPositiveInt) && optional(g.stopSequences, isStrings)
    && optional(g.candidateCount, isPositiveInt) && optional(g.responseMimeType, isString)
    && optional(g.responseSchema, isKeptObject) && optional(g.seed, isInt)
    && optional(g.presencePenalty, isFiniteNumber) && optional(g.frequencyPenalty, isFiniteNumber)
    && optional(g.thinkingConfig, (t) => isKeptObject(t) && optional(t.thinkingBudget, isInt)
      && optional(t.includeThoughts, isBool) && optional(t.thinkingLevel, isString));
}
