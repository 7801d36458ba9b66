import { isGatewayError, unreadableReply, type GatewayError } from '../errors/gateway-error.ts';
import type { ChatResult, StreamPart, Usage } from '../types/hub.ts';

/**
 * The hub's contract for what a provider adapter hands the pipeline, checked where it enters.
 * Adapters map upstream JSON field by field and trust its shape; an upstream (or a proxy in
 * front of it) that sends a tool call without a name, text that is not a string or a content
 * list that is not a list would otherwise reach the encoders and the usage meter, fail there
 * as a TypeError, and cost the client a 500 or a reset connection. Checked here, such a reply
 * is a retryable 502 (GW_UPSTREAM_PROTOCOL) that says what was wrong: before the commit point
 * the next target serves, after it the client gets one error event.
 *
 * What only labels the reply is repaired rather than refused: a reply id or model name that is
 * not text becomes '' (as adapters give when the upstream sends none), and a token count that is
 * not a number from 0 to 10⁹ becomes 0 (a fraction is rounded), so the books never store NaN,
 * text, or a count that would bill a key's whole budget away. The checks are a type test per part.
 */

/** What is wrong with a part an adapter made, or undefined. Usage counts are repaired in place. */
export function partProblem(p: StreamPart): string | undefined {
  switch (p.type) {
    case 'start':
      return repairIds(p);
    case 'text-delta':
    case 'reasoning-delta':
      return typeof p.text === 'string' ? undefined : 'text that is not a string';
    case 'tool-call-start':
      return typeof p.name === 'string' && typeof p.id === 'string' ? undefined : 'a tool call without a name';
    case 'tool-call-delta':
      return typeof p.argumentsDelta === 'string' ? undefined : 'tool call arguments that are not a string';
    case 'usage':
      return usageProblem(p.usage);
    case 'finish':
      return p.usage === undefined ? undefined : usageProblem(p.usage);
    default:
      return undefined;
  }
}

/** The part, or the error part that replaces one breaking the contract (the stream ends there). */
export function checkedPart(p: StreamPart): StreamPart {
  const problem = partProblem(p);
  return problem === undefined ? p : { type: 'error', error: contractError(problem) };
}

/** What is wrong with a whole reply an adapter made, or undefined. Usage counts are repaired in place. */
export function resultProblem(r: ChatResult): string | undefined {
  repairIds(r);
  if (!Array.isArray(r.content)) return 'no list of content';
  for (const c of r.content as unknown[]) {
    const part = c as { type?: unknown; text?: unknown; name?: unknown; id?: unknown; arguments?: unknown } | null;
    if (!part || typeof part !== 'object') return 'content that is not an object';
    if ((part.type === 'text' || part.type === 'reasoning') && typeof part.text !== 'string') return 'text that is not a string';
    if (part.type === 'tool-call') {
      if (typeof part.name !== 'string' || typeof part.id !== 'string') return 'a tool call without a name';
      if (typeof part.arguments !== 'string') return 'tool call arguments that are not a string';
    }
  }
  return r.usage === undefined ? undefined : usageProblem(r.usage);
}

/**
 * An adapter that threw while reading what its upstream sent (a TypeError on a field of the
 * wrong type): a 502 naming the provider, retryable. Gateway errors and aborts pass unchanged.
 */
export function asUnreadableReply(e: unknown, provider: string): unknown {
  if (isGatewayError(e) || (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))) return e;
  return unreadableReply(`Upstream ${provider}`, e);
}

/** The error for a reply that broke the contract: `what` was wrong; `provider` when known. */
export function contractError(what: string, provider?: string): GatewayError {
  return unreadableReply(provider === undefined ? 'The upstream' : `Upstream ${provider}`, what);
}

/** An id or model name that is not text becomes '' (what adapters give when the upstream sends none). */
function repairIds(r: { id: string; model: string }): undefined {
  if (typeof r.id !== 'string') r.id = '';
  if (typeof r.model !== 'string') r.model = '';
  return undefined;
}

/** More tokens than any request can hold (context windows are millions): a count past it is junk. */
const MAX_COUNT = 1e9;
/** The most a provider may say one call cost: past it the price table bills the call instead. */
const MAX_COST_USD = 1000;

const COUNTS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'cacheWrite1hTokens', 'reasoningTokens'] as const;

/** Counts that are not numbers from 0 to MAX_COUNT become 0 (optional ones that are absent stay absent). */
function usageProblem(u: Usage): string | undefined {
  if (!u || typeof u !== 'object') return 'usage that is not an object';
  for (const k of COUNTS) {
    const v = u[k];
    if (v === undefined && k !== 'inputTokens' && k !== 'outputTokens') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_COUNT) u[k] = 0;
    else if (!Number.isInteger(v)) u[k] = Math.round(v);
  }
  const cost = u.costUsd;
  if (cost !== undefined && (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0 || cost > MAX_COST_USD)) delete u.costUsd;
  return undefined;
}
