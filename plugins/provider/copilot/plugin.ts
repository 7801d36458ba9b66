import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { copilotOAuth } from './copilot-oauth.ts';

/**
 * `type: copilot` (preset `gh`): a GitHub Copilot seat. Accounts come from the token store
 * (GitHub device login, or the editors' `apps.json`), or a `keys:` entry holding a GitHub token
 * (`COPILOT_GITHUB_TOKEN`). Each request uses a short-lived Copilot token exchanged from the
 * GitHub token and renewed before it expires. Needs the `openai-compatible` plugin (the
 * `openai` adapter), whose wire code it reuses.
 */
const plugin: Plugin = {
  name: 'copilot',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'GitHub Copilot seat (device login, Copilot token exchange) over its OpenAI-style chat API.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(copilotOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'copilot', nativeDialect: 'openai-chat', passthrough: true, listModels: true },
      async () => (await import('./copilot-adapter.ts')).createCopilotAdapter(ctx.host),
    ));
  },
};

export default plugin;
