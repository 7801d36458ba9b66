/**
 * What the fuzz tests share: a seeded generator (a failure replays from its seed) and one
 * random structural change of a JSON value, the way a buggy client, server or proxy gets a
 * shape wrong: a value of the wrong type, a key removed or added, an array item dropped, an
 * object turned into an array or back. And the error JSON each client dialect expects.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** mulberry32: a small seeded generator; `r(n)` is an integer in [0, n). */
export function rng(seed: number): (n: number) => number {
  const next = random(seed);
  return (n) => Math.floor(next() * n);
}

/** The same seeded generator as a number in [0, 1), as `Math.random` gives. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = Array<string | number>;

function pathsOf(v: Json, at: Path = [], out: Path[] = []): Path[] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(v)) v.forEach((c, i) => pathsOf(c, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) pathsOf(v[k]!, [...at, k], out);
  return out;
}

/** A copy of `body` with one random change at one random place; `values` are the wrong values to put in. */
export function mutateJson(body: Json, r: (n: number) => number, values: readonly Json[]): Json {
  const pick = () => structuredClone(values[r(values.length)]!);
  const copy = structuredClone(body);
  const paths = pathsOf(copy);
  if (paths.length === 0) return pick();
  const path = paths[r(paths.length)]!;
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  const value = parent[key];
  const op = r(10);
  if (op < 2 && !Array.isArray(parent)) delete parent[key];
  else if (op < 3 && Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (op < 4 && !Array.isArray(parent)) parent[`extra_${r(5)}`] = pick();
  else if (op < 5 && value && typeof value === 'object') parent[key] = Array.isArray(value) ? { ...value } : Object.values(value);
  else parent[key] = pick();
  return copy;
}

export type ClientDialect = 'openai' | 'anthropic' | 'gemini';

/** The error JSON of each client dialect (the Responses API's is OpenAI's). */
export function isDialectError(dialect: ClientDialect, body: unknown): boolean {
  const b = body as { type?: unknown; error?: { message?: unknown; code?: unknown } } | null;
  if (typeof b?.error?.message !== 'string') return false;
  if (dialect === 'anthropic') return b.type === 'error';
  if (dialect === 'gemini') return typeof b.error.code === 'number';
  return true;
}

/** `text` parsed as JSON, or undefined. */
export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A client dialect that may stream: the three above, and the Responses API (OpenAI's errors). */
export type StreamDialect = ClientDialect | 'responses';

/**
 * The stream ended as its dialect ends one: the terminator, or an error event. `lenientDone`: an
 * OpenAI stream relayed byte for byte from an upstream that ended it after its finish chunk
 * without `[DONE]` (the SDKs take it).
 */
export function endsProperly(dialect: StreamDialect, text: string, lenientDone = false): boolean {
  if (dialect === 'openai') {
    return text.endsWith('data: [DONE]\n\n') || /data: \{"error"/.test(text) || (lenientDone && /"finish_reason":"[a-z_]+"/.test(text));
  }
  if (dialect === 'anthropic') return /event: message_stop\ndata: [^\n]*\n\n$/.test(text) || text.includes('event: error\n');
  if (dialect === 'responses') return /event: (response\.completed|response\.incomplete|response\.failed|error)\n/.test(text);
  return /\r?\n\r?\n$/.test(text) || text === '';
}

/**
 * Sends one fuzzed request and judges the reply: what is wrong with it, or undefined. Never a
 * 500, never a reset or a hang (10 s), an error as JSON in the client's dialect, a stream that
 * ends properly, a whole 200 that is JSON. `status` is told to `seen` (to check both sides were
 * reached).
 */
export async function replyProblem(
  send: (signal: AbortSignal) => Promise<Response>, dialect: StreamDialect, stream: boolean, seen: Set<number>, lenientDone = false,
): Promise<{ problem?: string; text: string }> {
  let res: Response;
  let text: string;
  try {
    res = await send(AbortSignal.timeout(10_000));
    text = await res.text();
  } catch (e) {
    return { problem: `no complete reply (${String(e).slice(0, 120)})`, text: '' };
  }
  seen.add(res.status);
  if (res.status === 500) return { problem: 'status 500', text };
  if (res.status >= 400) {
    return isDialectError(dialect === 'responses' ? 'openai' : dialect, parseOrUndefined(text)) ? { text } : { problem: `error not in the ${dialect} shape`, text };
  }
  if (stream && !endsProperly(dialect, text, lenientDone)) return { problem: 'stream without its end', text };
  if (!stream && parseOrUndefined(text) === undefined) return { problem: 'a 200 that is not JSON', text };
  return { text };
}
