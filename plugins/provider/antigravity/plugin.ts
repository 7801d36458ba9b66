import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { antigravityOAuth } from './antigravity-oauth.ts';

/**
 * `type: antigravity` (preset `ag`): the model quota of Google's Antigravity IDE behind a Google
 * login, over its Cloud Code Assist endpoint. Accounts come from the token store (Google
 * login). Needs the `gemini-cli` and `gemini` provider plugins, whose wire code it reuses.
 */
const plugin: Plugin = {
  name: 'antigravity',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Antigravity login (Google OAuth) over the Cloud Code Assist envelope.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(antigravityOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'antigravity', nativeDialect: 'gemini', passthrough: true, listModels: true },
      async () => (await import('./antigravity-adapter.ts')).createAntigravityAdapter(ctx.host),
    ));
  },
};

export default plugin;
