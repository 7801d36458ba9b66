import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/**
 * What upstreams refuse in a converted body's tools, and the body fitted to it: the refusal
 * states the limit, the turn goes once more fitted, and the limit is remembered for the model.
 *
 * "Invalid 'tools[3].function.description': string too long. Expected a string with maximum
 * length 1024, but got a string with length 9000 instead." OpenAI lifted this limit for its own
 * models, but OpenAI-compatible endpoints (Azure deployments, Copilot's, proxies) still enforce
 * it, and Claude Code's own tools have descriptions of several thousand characters.
 */
const TOO_LONG = /tools\[\d+\]\.function\.description'?:? string too long\. Expected a string with maximum length (\d+)/;

/** The longest description a 400 says the upstream takes, or undefined for any other error. */
export function statedDescriptionLimit(e: unknown): number | undefined {
  if (!isGatewayError(e) || e.upstream?.status !== 400) return undefined;
  const m = TOO_LONG.exec(e.upstream.message ?? e.message);
  const max = m ? Number(m[1]) : NaN;
  return max >= 16 ? max : undefined;
}

/**
 * `tools` (OpenAI Chat `tools[]`) with each function description longer than `max` cut to it,
 * ending in `…` (a surrogate pair is never split), or undefined when none is longer. A cut
 * description loses its end; the call still works, where the whole request was refused.
 */
export function withDescriptionsWithin(tools: unknown, max: number): unknown[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  let out: unknown[] | undefined;
  tools.forEach((t, i) => {
    const fn = (t as Json | null)?.function as Json | undefined;
    const d = fn?.description;
    if (typeof d !== 'string' || d.length <= max) return;
    let end = max - 1;
    if (/[\ud800-\udbff]/.test(d[end - 1] ?? '')) end--;
    (out ??= tools.slice())[i] = { ...(t as Json), function: { ...fn, description: `${d.slice(0, end)}…` } };
  });
  return out;
}

/**
 * "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array
 * with length 150 instead." OpenAI's Chat API (and Copilot's, Azure's) take at most 128 tools;
 * a coding agent with a few MCP servers sends more on every turn.
 */
const TOO_MANY = /Invalid 'tools'?:? array too long\. Expected an array with maximum length (\d+)/;

/** The most tools a 400 says the upstream takes, or undefined for any other error. */
export function statedToolCount(e: unknown): number | undefined {
  if (!isGatewayError(e) || e.upstream?.status !== 400) return undefined;
  const m = TOO_MANY.exec(e.upstream.message ?? e.message);
  const max = m ? Number(m[1]) : NaN;
  return max >= 1 ? max : undefined;
}

/**
 * The OpenAI Chat body's `tools` cut to `max` (undefined when they fit), with the names left out.
 * Kept first: the tool `tool_choice` names, then the tools the conversation has called (the
 * model is likely to call them again), then the others in the client's order, which puts an
 * agent's own tools before its MCP servers'. The kept tools stay in the client's order.
 */
export function withToolCountWithin(body: Json, max: number): { tools: unknown[]; left: string[] } | undefined {
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length <= max) return undefined;
  const nameOf = (t: unknown) => ((t as Json | null)?.function as Json | undefined)?.name;
  const called = new Set<unknown>();
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const calls = (m as Json | null)?.tool_calls;
    if (Array.isArray(calls)) for (const c of calls) called.add(((c as Json | null)?.function as Json | undefined)?.name);
  }
  const forced = ((body.tool_choice as Json | null)?.function as Json | undefined)?.name;
  const keep = new Set<unknown>();
  const take = (wanted: (t: unknown) => boolean) => {
    for (const t of tools) if (keep.size < max && wanted(t)) keep.add(t);
  };
  if (forced !== undefined) take((t) => nameOf(t) === forced);
  take((t) => called.has(nameOf(t)));
  take(() => true);
  const left = tools.filter((t) => !keep.has(t)).map((t) => String(nameOf(t) ?? '?'));
  return { tools: tools.filter((t) => keep.has(t)), left };
}

/** The limits an upstream states on tools: a description's length, how many. */
export type ToolLimit = 'description' | 'count';

/**
 * Tool limits upstreams stated, per model: the model's later requests are fitted before they go,
 * without the refused round trip (an agent sends the same tools on every turn).
 */
const stated = new ProviderMemo<Partial<Record<ToolLimit, number>>>();

export function rememberToolLimit(attempt: Attempt, kind: ToolLimit, max: number): void {
  const model = attempt.target.model;
  stated.set(attempt.provider, model, { ...stated.get(attempt.provider, model), [kind]: max });
}

/** The body's tools fitted to the limits its upstream stated earlier for the model, or the body as it is. */
export function withKnownToolLimits(body: Json, attempt: Attempt): Json {
  const limits = stated.get(attempt.provider, attempt.target.model);
  if (limits === undefined) return body;
  let tools = limits.count === undefined ? undefined : withToolCountWithin(body, limits.count)?.tools;
  tools = (limits.description === undefined ? undefined : withDescriptionsWithin(tools ?? body.tools, limits.description)) ?? tools;
  return tools ? { ...body, tools } : body;
}
