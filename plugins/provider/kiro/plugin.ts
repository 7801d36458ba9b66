import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { kiroOAuth } from './kiro-oauth.ts';

/**
 * `type: kiro` (preset `kr`): Claude through a Kiro plan (free or paid), as the Kiro IDE calls
 * it. Accounts come from the token store (AWS Builder ID / Identity Center device login, or
 * Kiro's own `~/.aws/sso/cache/kiro-auth-token.json`), or a `keys:` entry holding a Kiro
 * (Google / GitHub login) refresh token. Speaks Kiro's own wire format, decoding the AWS
 * binary event stream itself.
 */
const plugin: Plugin = {
  name: 'kiro',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Kiro login (AWS SSO-OIDC / Kiro refresh token) over the CodeWhisperer streaming API (AWS event stream).',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(kiroOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'kiro', listModels: true, preview: true },
      async () => (await import('./kiro-adapter.ts')).createKiroAdapter(ctx.host),
    ));
  },
};

export default plugin;
