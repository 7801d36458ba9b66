import { SKIP_SIGNATURE } from './convert-to-gemini-request.ts';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const partsOf = (c: Json): Json[] => (Array.isArray(c.parts) ? (c.parts as unknown[]).filter(isObj) : []);
const isCall = (p: Json) => p.functionCall !== undefined || p.function_call !== undefined;
const isResponse = (p: Json) => p.functionResponse !== undefined || p.function_response !== undefined;
const signed = (p: Json) => typeof p.thoughtSignature === 'string' || typeof p.thought_signature === 'string';

/**
 * The passthrough body for a Gemini 3 model whose current turn replays function calls without
 * a thought signature (calls another provider made, before a fallback): Gemini 3 refuses those,
 * so the first call of each such model turn gets the dummy signature Google documents for
 * exactly this case. Any other body (and any other model) is returned as the same object.
 *
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function fillPassthroughSignatures(body: Json, model: string): Json {
  if (!/gemini-3/i.test(model) || !Array.isArray(body.contents)) return body;
  const contents = (body.contents as unknown[]).map((c) => (isObj(c) ? c : {}));
  let lastUser = -1;
  contents.forEach((c, i) => {
    if (c.role !== 'model' && !partsOf(c).some(isResponse)) lastUser = i;
  });
  let changed = false;
  const next = contents.map((c, i) => {
    if (i <= lastUser || c.role !== 'model') return c;
    const parts = partsOf(c);
    const first = parts.findIndex(isCall);
    if (first === -1 || signed(parts[first])) return c;
    changed = true;
    return { ...c, parts: parts.map((p, j) => (j === first ? { ...p, thoughtSignature: SKIP_SIGNATURE } : p)) };
  });
  return changed ? { ...body, contents: next } : body;
}
