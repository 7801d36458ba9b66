import type { Plugin } from '../../../core/plugin/types.ts';
import { createAntigravityAdapter } from './antigravity-adapter.ts';
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
    ctx.provide('provider', createAntigravityAdapter(ctx.host));
  },
};

export default plugin;
