import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { claudeCodeOAuth } from './claude-code-oauth.ts';

/**
 * `type: claude-code` (preset `cc`): a Claude Pro/Max subscription used the way Claude Code
 * uses it. Accounts come from the token store (PKCE login or an imported
 * `~/.claude/.credentials.json`), or a `keys:` entry holding a long-lived token
 * (`claude setup-token`, `CLAUDE_CODE_OAUTH_TOKEN`). Needs the `anthropic` provider plugin,
 * whose wire code it reuses.
 */
const plugin: Plugin = {
  name: 'claude-code',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Claude Pro/Max subscription (Claude Code OAuth) over the Anthropic Messages API.',
  setup(ctx) {
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(claudeCodeOAuth));
    ctx.provide('provider', lazyAdapter(
      { id: 'claude-code', nativeDialect: 'anthropic-messages', passthrough: true, operations: ['countTokens'], listModels: true },
      async () => (await import('./claude-code-adapter.ts')).createClaudeCodeAdapter(ctx.host),
    ));
  },
};

export default plugin;
