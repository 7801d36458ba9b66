import { usedUpUntil } from '../../../core/oauth/window-resets.ts';
import { readErrorBody } from '../../../core/util/upstream-error-body.ts';
import { parseCodexRateLimits } from './parse-codex-rate-limits.ts';

/**
 * When a Codex 429 lets the account in again: the reset of its used-up `x-codex-*` window, else
 * the `usage_limit_reached` error's own `resets_at` (epoch s) or `resets_in_seconds`, as the
 * Codex CLI reads them. Reads a clone of the answer; undefined when neither says.
 *
 * @see https://github.com/openai/codex/blob/main/codex-rs/core/src/client.rs (UsageLimitReached)
 */
export async function codexLimitUntil(res: Response, now: number): Promise<number | undefined> {
  const fromHeaders = usedUpUntil(parseCodexRateLimits(res.headers, now), now);
  if (fromHeaders !== undefined) return fromHeaders;
  let error: { resets_at?: unknown; resets_in_seconds?: unknown } | undefined;
  try {
    error = (JSON.parse(await readErrorBody(res.clone(), 16 * 1024)) as { error?: typeof error }).error;
  } catch {
    return undefined;
  }
  const at = Number(error?.resets_at);
  if (Number.isFinite(at) && at > 0) return at * 1000;
  const inSec = Number(error?.resets_in_seconds);
  return Number.isFinite(inSec) && inSec > 0 ? now + inSec * 1000 : undefined;
}
