type Json = Record<string, unknown>;

/**
 * The Messages API takes at most 4 cache breakpoints (blocks marked `cache_control`, the
 * request-level mark counting as one) and refuses the request past that: "A maximum of 4 blocks
 * with cache_control may be provided. Found 5." (Bedrock too). A client that marks each of its
 * last user turns (the OpenRouter convention Cursor and Cline follow), or more messages than
 * that, sends more; a history replays them.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export const MAX_CACHE_BREAKPOINTS = 4;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const marked = (b: unknown): boolean => isObj(b) && b.cache_control != null;

/** The marked blocks' count, in prompt order: tools, system, then each message's blocks (a tool result's own too). */
function countMarks(body: Json): number {
  let n = body.cache_control != null ? 1 : 0;
  if (Array.isArray(body.tools)) for (const t of body.tools) if (marked(t)) n++;
  if (Array.isArray(body.system)) for (const s of body.system) if (marked(s)) n++;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (!isObj(m) || !Array.isArray(m.content)) continue;
      for (const b of m.content) {
        if (marked(b)) n++;
        if (isObj(b) && Array.isArray(b.content)) for (const c of b.content) if (marked(c)) n++;
      }
    }
  }
  return n;
}

function unmarked(b: Json): Json {
  const { cache_control: _mark, ...rest } = b;
  return rest;
}

/**
 * The body with at most `MAX_CACHE_BREAKPOINTS` marks: the earliest ones beyond it lose theirs.
 * The last marks are the ones each new turn reads and writes its cache at; a later mark also
 * covers the prefix before it. The same body when it has no more than that.
 */
export function withinCacheBreakpoints(body: Json): Json {
  let extra = countMarks(body) - MAX_CACHE_BREAKPOINTS;
  if (extra <= 0) return body;
  const drop = <T>(list: T[]): T[] => list.map((b) => (extra > 0 && marked(b) ? (extra--, unmarked(b as Json) as T) : b));
  const out: Json = { ...body };
  if (Array.isArray(body.tools)) out.tools = drop(body.tools);
  if (Array.isArray(body.system)) out.system = drop(body.system);
  if (Array.isArray(body.messages)) {
    out.messages = body.messages.map((m) => {
      if (extra <= 0 || !isObj(m) || !Array.isArray(m.content)) return m;
      const content = m.content.map((b) => {
        if (extra > 0 && marked(b)) {
          extra--;
          b = unmarked(b as Json);
        }
        return isObj(b) && Array.isArray(b.content) && extra > 0 ? { ...b, content: drop(b.content) } : b;
      });
      return { ...m, content };
    });
  }
  return out;
}
