import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { iflowOAuth } from './iflow-oauth.ts';

/**
 * `type: iflow` (preset `if`): iFlow's free models behind an iflow.cn login, as iFlow CLI uses
 * them. Accounts come from the token store (login, or `~/.iflow/oauth_creds.json`), or a `keys:`
 * entry holding an iFlow API key. Needs the `openai-compatible` plugin (the `openai` adapter),
 * whose wire code it reuses.
 */
const plugin: Plugin = {
  name: 'iflow',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'iFlow login (OAuth, then the account API key) over the OpenAI-compatible iFlow API.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(iflowOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'iflow', nativeDialect: 'openai-chat', passthrough: true, listModels: true },
      async () => (await import('./iflow-adapter.ts')).createIflowAdapter(ctx.host),
    ));
  },
};

export default plugin;
