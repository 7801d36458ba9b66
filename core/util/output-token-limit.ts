import { refusal } from './refused-fields.ts';

/**
 * The most output tokens a model takes, as its quirks declare it (`max_output_tokens`: from the
 * preset catalogue's model entry, or a provider entry's `quirks:`), or undefined when unknown.
 * Providers cap the translated request's max tokens to it (never raise them), since a request
 * above it is a 400 at OpenAI ("max_tokens is too large"), Anthropic and Gemini alike.
 */
export function outputTokenLimit(quirks: Readonly<Record<string, unknown>>): number | undefined {
  const v = quirks.max_output_tokens;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** `tokens` capped at `limit`; unchanged without a limit or below it. */
export function capOutputTokens(tokens: number, limit: number | undefined): number {
  return limit !== undefined && tokens > limit ? limit : tokens;
}

/** The output-token fields a converted body may carry (quirk `max_tokens_field` picks one). */
const FIELDS = ['max_completion_tokens', 'max_tokens'] as const;

/**
 * How upstreams state a model's output limit when they refuse a larger one. Each pattern names
 * the output limit itself, never the context window: a context overflow ("maximum context
 * length is 128000 tokens…") is not fixed by a smaller max_tokens of that size.
 */
const STATED_LIMIT = [
  // OpenAI: "max_tokens is too large: 32000. This model supports at most 16384 completion tokens, whereas you provided 32000."
  /supports at most (\d+) completion tokens/i,
  // DeepSeek: "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"
  /valid range of `?max_(?:completion_)?tokens`? is \[\s*\d+\s*,\s*(\d+)\s*\]/i,
  // Groq and others: "`max_tokens` must be less than or equal to `32768`, the maximum value for `max_tokens` …"
  /max_(?:completion_)?tokens`? must be (?:less than or equal to|at most|<=)\s*`?(\d+)/i,
  // Anthropic: "max_tokens: 32000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-20241022"
  /max_tokens: \d+ > (\d+), which is the maximum allowed number of output tokens/i,
  // A pydantic validator (FastAPI servers, Mistral): "max_tokens: Input should be less than or equal to 4096"
  /max_(?:completion_)?tokens: (?:Input should be|ensure this value is) less than or equal to (\d+)/i,
];

/**
 * How vLLM (and the servers built on it) refuse a max tokens that does not fit beside the prompt
 * in the model's context window, with the two numbers that give the room left: Claude Code asks
 * for 32,000 on every turn, more than a local model served with a 32k or 64k window has room for.
 */
const CONTEXT_ROOM = [
  // "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 65536 tokens and your request has 34006 input tokens (32000 > 65536 - 34006)."
  /maximum context length is (\d+) tokens and your request has (\d+) input tokens/i,
  // "This model's maximum context length is 32768 tokens. However, you requested 39615 tokens (7615 in the messages, 32000 in the completion)."
  /maximum context length is (\d+) tokens\. However, you requested \d+ tokens \((\d+) in the messages, \d+ in the completion\)/i,
];

/**
 * The least room worth asking for: with less, the answer would be cut off at once, and the
 * refusal is better left a context overflow (a combo's next target, `context-trim`, or the
 * client compacting its conversation).
 */
const MIN_ROOM = 1024;

/**
 * The output limit an upstream's refusal states, with the body field to set it in: a 400 or
 * 422 whose message gives the model's limit in one of the known wordings, lower than what the
 * body asked for. `room`: the limit is the room this request's prompt leaves in the context
 * window, not the model's own (so not one to remember for later requests). Undefined for any
 * other error (the caller rethrows it).
 */
export function findStatedOutputLimit(error: unknown, body: Record<string, unknown>): { field: string; limit: number; room?: true } | undefined {
  const message = refusal(error)?.message;
  const field = FIELDS.find((f) => typeof body[f] === 'number');
  if (message === undefined || field === undefined) return undefined;
  for (const pattern of STATED_LIMIT) {
    const m = pattern.exec(message);
    const limit = m ? Number(m[1]) : NaN;
    if (Number.isSafeInteger(limit) && limit > 0 && limit < (body[field] as number)) return { field, limit };
  }
  for (const pattern of CONTEXT_ROOM) {
    const m = pattern.exec(message);
    const room = m ? Number(m[1]) - Number(m[2]) : NaN;
    if (Number.isSafeInteger(room) && room >= MIN_ROOM && room < (body[field] as number)) return { field, limit: room, room: true };
  }
  return undefined;
}
