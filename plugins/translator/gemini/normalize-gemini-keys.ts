/**
 * The Gemini REST API is proto-JSON: every field may be written in camelCase (what the SDKs
 * send) or snake_case (what Google's curl samples use: `system_instruction`, `inline_data`,
 * `mime_type`, `generation_config`). This renames the structural keys to camelCase so one
 * schema validates both, and never touches user data inside them (function `args`,
 * `response`, JSON schemas, whose property names must stay as written).
 *
 * @see https://ai.google.dev/api/generate-content#request-body
 */

type Obj = Record<string, unknown>;

function camel(key: string): string {
  return key.indexOf('_') === -1 ? key : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Shallow copy of `o` with camelCase keys. Values are kept as they are (user data), except
 * those named in `nested`, whose structure is renamed in turn.
 */
function rename(o: unknown, nested?: Record<string, (v: unknown) => unknown>): unknown {
  if (!isObj(o)) return o;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const key = camel(k);
    const fn = nested?.[key];
    out[key] = fn ? fn(v) : v;
  }
  return out;
}

function each(fn: (v: unknown) => unknown): (v: unknown) => unknown {
  return (v) => (Array.isArray(v) ? v.map(fn) : v);
}

const media = (p: unknown): unknown => rename(p, { inlineData: (v) => rename(v), fileData: (v) => rename(v) });

const part = (p: unknown): unknown =>
  rename(p, {
    inlineData: (v) => rename(v),
    fileData: (v) => rename(v),
    functionCall: (v) => rename(v),
    functionResponse: (v) => rename(v, { parts: each(media) }),
    videoMetadata: (v) => rename(v),
  });

const content = (c: unknown): unknown => rename(c, { parts: each(part) });

const tool = (t: unknown): unknown => rename(t, { functionDeclarations: each((d) => rename(d)) });

const toolConfig = (t: unknown): unknown =>
  rename(t, { functionCallingConfig: (v) => rename(v), retrievalConfig: (v) => rename(v) });

const generationConfig = (g: unknown): unknown =>
  rename(g, { thinkingConfig: (v) => rename(v) });

/**
 * Returns a copy of a generateContent body with camelCase structural keys. Input that is not
 * an object is returned as is (the schema reports it). Pure; the input is never mutated.
 */
export function normalizeGeminiKeys(body: unknown): unknown {
  return rename(body, {
    contents: each(content),
    systemInstruction: content,
    tools: each(tool),
    toolConfig,
    generationConfig,
    generateContentRequest: (v) => normalizeGeminiKeys(v),
  });
}
