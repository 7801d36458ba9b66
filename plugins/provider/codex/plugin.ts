import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { codexOAuth } from './codex-oauth.ts';

/**
 * `type: codex` (preset `cx`): a ChatGPT Plus/Pro/Team plan through the Codex backend, as the
 * Codex CLI uses it. Accounts come from the token store (PKCE login, or an imported
 * `~/.codex/auth.json`). Rate-limit windows (5 h, weekly) are read from every answer's
 * `x-codex-*` headers. Needs the `openai-responses-provider` plugin, whose wire code it reuses.
 * Option: `instructions:` (sent when a request has none).
 */
const plugin: Plugin = {
  name: 'codex',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'ChatGPT plan (Codex OAuth) over the Codex Responses backend.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(codexOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'codex', nativeDialect: 'openai-responses', passthrough: true, listModels: true },
      async () => (await import('./codex-adapter.ts')).createCodexAdapter(ctx.host),
    ));
  },
};

export default plugin;
