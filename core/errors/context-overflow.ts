import type { GatewayError } from './gateway-error.ts';

/**
 * How providers word "this request does not fit the model's context window": OpenAI and the
 * OpenAI-compatible servers (code `context_length_exceeded`, "maximum context length is N
 * tokens"), Anthropic ("prompt is too long: N tokens > M maximum"), Gemini ("The input token
 * count (N) exceeds the maximum number of tokens allowed (M)"), Mistral ("… too large for model
 * with N maximum context length"), Groq ("Please reduce the length of the messages"), llama.cpp
 * ("exceeds the available context size").
 */
const OVERFLOW = new RegExp([
  'maximum context length', 'context[ _]length[ _](is )?exceeded', 'context window', 'prompt is too long',
  'input is too long', 'too many (input )?tokens', 'exceeds the maximum (number of )?(input )?tokens',
  'input token count .{0,40}exceeds', 'reduce the length of the (messages|prompt|input)', 'context size',
].join('|'), 'i');

/**
 * True when an upstream refused the request because it is too long for that model: a 400, 413
 * or 422 whose code or message says so. Such a request may fit the next target of a combo (a
 * model with a larger window), so it falls back, while other client errors do not; it is never
 * retried on the same target.
 */
export function isContextOverflow(err: GatewayError): boolean {
  const up = err.upstream;
  if (!up || (up.status !== 400 && up.status !== 413 && up.status !== 422)) return false;
  if (up.code === 'context_length_exceeded' || up.type === 'context_length_exceeded') return true;
  return OVERFLOW.test(up.message ?? err.message);
}
