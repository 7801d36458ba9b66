import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { exhaustedWindow } from './exhausted-window.ts';

const ConfigSchema = v.object({
  /** An account whose window reached this share (percent) is skipped until the window resets. */
  limit_percent: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(1000)), 100),
});
type Config = v.InferOutput<typeof ConfigSchema>;

/**
 * Skips subscription accounts that cannot serve: a stored account that needs re-auth (its
 * refresh was refused) or is disabled, and an account whose live quota window (5-hour, weekly…,
 * reported by its provider plugin through `host.oauth.reportWindows`) is used up until it
 * resets. The attempt fails fast with a retryable error, without an upstream call, so the next
 * target serves. The plan's last target is always called: its own answer reaches the client.
 */
export default {
  name: 'oauth-accounts',
  kind: 'guard',
  apiVersion: 1,
  autoload: true,
  failMode: 'open',
  description: 'Skips OAuth accounts that need re-auth or whose quota window is exhausted.',
  config: ConfigSchema,
  setup(ctx) {
    // Not async: for the usual attempt it returns `next()` itself, which costs no promise of its own.
    ctx.hook('wrapCall', (next, attempt) => {
      const oauth = ctx.host.oauth;
      const account = attempt.account;
      if (!oauth || !account || attempt.last) return next();
      const provider = attempt.provider.name;
      const state = oauth.accountState(provider, account.id);
      if (state !== undefined && state !== 'active') {
        throw new GatewayError('GW_UPSTREAM_AUTH', `Account "${provider}/${account.id}" is skipped: it ${state === 'needs-reauth' ? 'needs to be connected again' : `is ${state}`}.`, {
          status: 502, retryable: true,
        });
      }
      const now = ctx.host.now();
      const w = exhaustedWindow(oauth.windows(provider, account.id), now, ctx.config.limit_percent, attempt.target.model);
      if (w) {
        const retryAfterMs = w.resetsAt! - now;
        throw new GatewayError('GW_QUOTA_EXHAUSTED', `Account "${provider}/${account.id}" is skipped: its ${w.name} window is used up (${Math.round(w.usedPercent)}%); it resets in ${Math.ceil(retryAfterMs / 60_000)} min.`, {
          status: 429, retryable: true, retryAfterMs,
        });
      }
      return next();
    }, { order: 'pre' });
  },
} satisfies Plugin<Config>;
