/**
 * What a Claude model id says of the model's generation, in any provider's spelling:
 * `claude-opus-4-8`, `claude-sonnet-4-5-20250929` (Anthropic), `anthropic.claude-opus-4-7`,
 * `us.anthropic.claude-sonnet-5-v1:0` (Bedrock), `claude-opus-4-7@20260416` (Vertex),
 * `anthropic/claude-opus-4.8` (OpenRouter), `claude-3-7-sonnet-20250219` (the older order).
 */
export interface ClaudeGeneration {
  family: string;
  /** 4.8 for `opus-4-8`; 4 for `sonnet-4-20250514`; undefined for a name without one (`claude-mythos-preview`). */
  version?: number;
}

const NEW_ORDER = /claude-([a-z]+)-(\d)(?:[-.](\d)(?!\d))?/;
const OLD_ORDER = /claude-(\d)(?:[-.](\d)(?!\d))?-([a-z]+)/;
const UNVERSIONED = /claude-([a-z]+)/;

export function claudeGeneration(model: string): ClaudeGeneration | undefined {
  const id = model.toLowerCase();
  const old = OLD_ORDER.exec(id);
  if (old) return { family: old[3]!, version: Number(old[1]) + Number(old[2] ?? 0) / 10 };
  const m = NEW_ORDER.exec(id);
  if (m) return { family: m[1]!, version: Number(m[2]) + Number(m[3] ?? 0) / 10 };
  const bare = UNVERSIONED.exec(id);
  return bare ? { family: bare[1]! } : undefined;
}

/** Families whose every model so far thinks only adaptively. */
const ADAPTIVE_FAMILIES = new Set(['mythos', 'fable']);

const adaptiveOnly = new Map<string, boolean>();

/**
 * True for the Claude models that take thinking only as `{type: "adaptive"}` and no sampling
 * parameters (`temperature`, `top_p`, `top_k` are a 400): Opus 4.7 and later, every Claude 5 and
 * later, the Mythos and Fable families. Anthropic and Bedrock document it per model; a name this
 * does not recognise is learned from the refusal instead. Memoized per model id.
 */
export function isAdaptiveOnlyClaude(model: string): boolean {
  let known = adaptiveOnly.get(model);
  if (known === undefined) {
    const g = claudeGeneration(model);
    known = g !== undefined && (ADAPTIVE_FAMILIES.has(g.family) || (g.version !== undefined && (g.version >= 5 || (g.family === 'opus' && g.version >= 4.7))));
    if (adaptiveOnly.size >= 512) adaptiveOnly.clear();
    adaptiveOnly.set(model, known);
  }
  return known;
}

/** The sampling parameters the adaptive-only models refuse ("'temperature' is deprecated for this model."). */
export const CLAUDE_REMOVED_SAMPLING: readonly string[] = ['temperature', 'top_p', 'top_k'];
