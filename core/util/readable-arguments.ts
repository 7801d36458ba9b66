import { isGatewayError } from '../errors/gateway-error.ts';
import type { Attempt } from '../plugin/types.ts';
import { ProviderMemo } from './provider-memo.ts';
import { upstreamOf, type Repair } from './send-repaired.ts';
import { wireArguments } from './tool-arguments.ts';

type Json = Record<string, unknown>;

/**
 * Tool calls of a replayed history whose arguments are not JSON. A model that hit its length
 * limit mid-call, or wrote a raw newline in a string, leaves such a call in the client's history,
 * and servers that read the history's arguments as JSON before rendering their chat template
 * (vLLM, llama.cpp's server, the many vendors built on them) refuse every later turn: "Expecting
 * ',' delimiter: line 1 column 54 (char 53)", "Unterminated string starting at: line 1 column 14",
 * "Failed to parse tool call arguments as JSON". The session could only be thrown away.
 *
 * The converted lane always sends arguments as JSON (`wireArguments`); a client's own request
 * (Chat `tool_calls`, Responses `function_call` items) gets them so after such a refusal, and the
 * model's later requests at once.
 */
const DECODE_ERROR = /(?:Expecting [^:]{1,40}|Unterminated string starting at|Invalid (?:\\?escape|control character)[^:]{0,40}|Extra data): line \d+ column \d+|Failed to parse tool call arguments as JSON/;

/** The body with every history call's arguments as JSON text (`wireArguments`), or undefined when they all are. */
export function withReadableArguments(body: Json): Json | undefined {
  let changed = false;
  const fix = (args: unknown) => {
    if (typeof args !== 'string') return args;
    const next = wireArguments(args);
    if (next !== args) changed = true;
    return next;
  };
  const messages = Array.isArray(body.messages)
    ? body.messages.map((m) => {
      const calls = (m as Json | null)?.tool_calls;
      if (!Array.isArray(calls)) return m;
      return { ...(m as Json), tool_calls: calls.map((c) => {
        const fn = (c as Json | null)?.function as Json | undefined;
        return fn ? { ...(c as Json), function: { ...fn, arguments: fix(fn.arguments) } } : c;
      }) };
    })
    : undefined;
  const input = Array.isArray(body.input)
    ? body.input.map((i) => ((i as Json | null)?.type === 'function_call' ? { ...(i as Json), arguments: fix((i as Json).arguments) } : i))
    : undefined;
  if (!changed) return undefined;
  return { ...body, ...(messages ? { messages } : {}), ...(input ? { input } : {}) };
}

/** Models whose upstream refused arguments that are not JSON: their later requests are fixed before they go. */
const reparses = new ProviderMemo<true>();

/** After such a refusal: the body fixed, to send once more, and the model remembered; undefined for any other error. */
export function repairUnreadableArguments(e: unknown, body: Json, attempt: Attempt): Repair | undefined {
  if (!isGatewayError(e) || (e.upstream?.status !== 400 && e.upstream?.status !== 422 && e.upstream?.status !== 500)) return undefined;
  if (!DECODE_ERROR.test(e.upstream.message ?? e.message)) return undefined;
  const fixed = withReadableArguments(body);
  if (!fixed) return undefined;
  reparses.set(attempt.provider, attempt.target.model, true);
  const where = upstreamOf(attempt);
  return { body: fixed, note: `${where} cannot read a history tool call's arguments as JSON; sent again with them as JSON, as the model's later requests go` };
}

/** The body with its history's arguments fixed when the attempt's model's upstream refused them before; else the body. */
export function withKnownReadableArguments(body: Json, attempt: Attempt): Json {
  return reparses.get(attempt.provider, attempt.target.model) ? withReadableArguments(body) ?? body : body;
}
