import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, ProviderRuntime } from '../../../core/plugin/types.ts';

type Json = Record<string, unknown>;

/**
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
 * Description limits upstreams stated, per provider runtime (rebuilt on reload) and model: the
 * model's later requests are cut before they go, without the refused round trip (an agent sends
 * the same tools on every turn).
 */
const stated = new WeakMap<ProviderRuntime, Map<string, number>>();

export function rememberDescriptionLimit(attempt: Attempt, max: number): void {
  let byModel = stated.get(attempt.provider);
  if (!byModel) stated.set(attempt.provider, (byModel = new Map()));
  if (byModel.size >= 256) byModel.clear();
  byModel.set(attempt.target.model, max);
}

/** The description limit the attempt's upstream stated earlier for its model, if any. */
export function knownDescriptionLimit(attempt: Attempt): number | undefined {
  return stated.get(attempt.provider)?.get(attempt.target.model);
}
