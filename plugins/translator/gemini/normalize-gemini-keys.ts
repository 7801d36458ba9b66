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
 * `o` with camelCase keys: a shallow copy when a key or a nested value changed, else `o`
 * itself (what the SDKs send is camelCase already: ~28 µs of copying per 100 KB conversation,
 * measured, for nothing). Values are kept as they are (user data), except those named in
 * `nested`, whose structure is renamed in turn.
 */
function rename(o: unknown, nested?: Record<string, (v: unknown) => unknown>): unknown {
  if (!isObj(o)) return o;
  const keys = Object.keys(o);
  let out: Obj | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const key = camel(k);
    const fn = nested?.[key];
    const v = o[k];
    const value = fn ? fn(v) : v;
    if (out === undefined && (key !== k || value !== v)) {
      // The keys before this one are unchanged.
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out !== undefined) out[key] = value;
  }
  return out ?? o;
}

/** An array with `fn` applied to each item: a new array when an item changed, else `v` itself. */
function each(fn: (v: unknown) => unknown): (v: unknown) => unknown {
  return (v) => {
    if (!Array.isArray(v)) return v;
    for (let i = 0; i < v.length; i++) {
      const item = fn(v[i]);
      if (item === v[i]) continue;
      const out = v.slice(0, i);
      out.push(item);
      for (let j = i + 1; j < v.length; j++) out.push(fn(v[j]));
      return out;
    }
    return v;
  };
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
 * A generateContent body with camelCase structural keys: copies of what had to change, the
 * body's own objects where nothing did (a camelCase body comes back as it is). Input that is
 * not an object is returned as is (the schema reports it). Pure; the input is never mutated.
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
