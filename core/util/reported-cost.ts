/**
 * What a `usage` object (Chat or Responses) says the call cost, in USD, or undefined:
 * OpenRouter's `cost` (credits of a dollar), xAI's `cost_in_usd_ticks` (10¹⁰ a dollar, its
 * server-side tools included). A call OpenRouter ran on the user's own provider key
 * (`is_byok`) cost its fee (`cost`) plus what that provider charged the key
 * (`cost_details.upstream_inference_cost`); otherwise that figure is OpenRouter's own cost,
 * already in `cost`.
 *
 * @see https://openrouter.ai/docs/use-cases/usage-accounting
 * @see https://docs.x.ai/developers/cost-tracking
 */
export function reportedCost(u: Record<string, unknown>): number | undefined {
  const usd = finite(u.cost) ?? divided(finite(u.cost_in_usd_ticks), 1e10);
  if (usd === undefined || usd < 0) return undefined;
  const upstream = u.is_byok === true ? finite((u.cost_details as Record<string, unknown> | undefined)?.upstream_inference_cost) : undefined;
  return upstream !== undefined && upstream >= 0 ? usd + upstream : usd;
}

function finite(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function divided(x: number | undefined, by: number): number | undefined {
  return x === undefined ? undefined : x / by;
}
