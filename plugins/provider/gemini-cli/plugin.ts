import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { geminiCliOAuth } from './gemini-cli-oauth.ts';

/**
 * `type: gemini-cli` (preset `gc`): Gemini through Code Assist, the backend of Gemini CLI's
 * Google login (free tier for individuals; `project:` for Workspace/paid tiers). Accounts come
 * from the token store (Google login, or an imported `~/.gemini/oauth_creds.json`). Needs the
 * `gemini` provider plugin, whose wire code it reuses inside the Code Assist envelope.
 */
const plugin: Plugin = {
  name: 'gemini-cli',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Gemini CLI login (Google OAuth) over the Cloud Code Assist envelope.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(geminiCliOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'gemini-cli', nativeDialect: 'gemini', passthrough: true, listModels: true },
      async () => (await import('./gemini-cli-adapter.ts')).createGeminiCliAdapter(ctx.host),
    ));
  },
};

export default plugin;
