import type { Attempt } from '../plugin/types.ts';

/** A refused body set right for one more try, and what to log about it. */
export interface Repair<B = Record<string, unknown>> {
  body: B;
  note: string;
}

/**
 * Sends `body`; when the upstream refuses it in a way the gateway caused and can fix (`repair`
 * returns the fixed body), sends that once more. Failing over a refusal the translation made
 * would be the gateway's fault: a Claude 4.6 model refusing a prefill, a compatible server
 * refusing a field by name, another organization's encrypted reasoning. At most `repairs` more
 * calls per attempt (one by default; a validator that names one refused field at a time may need
 * a few); `repair` returns undefined for every other error, which is thrown as it is.
 */
export async function sendRepaired<B>(
  send: (body: B) => Promise<Response>,
  body: B,
  repair: (err: unknown, body: B) => B | undefined,
  repairs = 1,
): Promise<Response> {
  for (let left = repairs; ; left--) {
    try {
      return await send(body);
    } catch (err) {
      const fixed = left > 0 ? repair(err, body) : undefined;
      if (fixed === undefined) throw err;
      body = fixed;
    }
  }
}

/** How a repair's note names the upstream and model that refused: `upstream groq (llama-3.3-70b)`. */
export function upstreamOf(attempt: Pick<Attempt, 'provider' | 'target'>): string {
  return `upstream ${attempt.provider.name} (${attempt.target.model})`;
}
