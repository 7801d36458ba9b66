/**
 * What a `usage` object (Chat or Responses) says the call cost, in USD, or undefined:
 * OpenRouter's `cost` (credits of a dollar), xAI's `cost_in_usd_ticks` (10¹⁰ a dollar, its
 * server-side tools included).
 *
 * @see https://openrouter.ai/docs/use-cases/usage-accounting
 * @see https://docs.x.ai/developers/cost-tracking
 */
export function reportedCost(u: Record<string, unknown>): number | undefined {
  const usd = finite(u.cost) ?? divided(finite(u.cost_in_usd_ticks), 1e10);
  return usd !== undefined && usd >= 0 ? usd : undefined;
}

function finite(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function divided(x: number | undefined, by: number): number | undefined {
  return x === undefined ? undefined : x / by;
}
