import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { qwenCodeOAuth } from './qwen-code-oauth.ts';

/**
 * `type: qwen-code` (preset `qw`): Qwen's free tier behind a qwen.ai login, as Qwen Code uses it.
 * Accounts come from the token store (device login, or `~/.qwen/oauth_creds.json`). Needs the
 * `openai-compatible` plugin (the `openai` adapter), whose wire code it reuses.
 */
const plugin: Plugin = {
  name: 'qwen-code',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Qwen Code login (device flow with PKCE) over the OpenAI-compatible Qwen API.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(qwenCodeOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'qwen-code', nativeDialect: 'openai-chat', passthrough: true, listModels: true },
      async () => (await import('./qwen-code-adapter.ts')).createQwenCodeAdapter(ctx.host),
    ));
  },
};

export default plugin;
