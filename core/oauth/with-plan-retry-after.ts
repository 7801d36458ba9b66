/** No plan window is longer than a month (Copilot's and Kiro's monthly quotas): a later reset is garbled. */
const MAX_PLAN_WAIT_MS = 32 * 86_400_000;

/**
 * A subscription's 429 with a `retry-after` header (whole seconds) when the upstream sent none
 * but the plan says when it lets the account in again (`until`, epoch ms): Codex and Claude
 * state their plan limits in their own headers or body, so the client of a gateway whose
 * accounts are all used up got a 429 without a wait. The delegate's error
 * mapping reads the header like any Retry-After and the client gets it in its dialect. Any other
 * answer, or a wait over a month (garbled), is returned as it is.
 */
export function withPlanRetryAfter(res: Response, until: number | undefined, now: number): Response {
  if (res.status !== 429 || until === undefined || until <= now || until - now > MAX_PLAN_WAIT_MS) return res;
  if (res.headers.has('retry-after') || res.headers.has('retry-after-ms')) return res;
  const headers = new Headers(res.headers);
  headers.set('retry-after', String(Math.ceil((until - now) / 1000)));
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
