import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

/** The `prompt-cache:` entry of `plugins:`. */
export const PromptCacheConfigSchema = v.object({
  /** How long Anthropic keeps the cached prefix: `5m` (writes cost 1.25 × input) or `1h` (2 ×). */
  ttl: v.optional(v.picklist(['5m', '1h']), '5m'),
  /** Provider types that speak the Anthropic Messages API with its automatic caching. */
  provider_types: v.optional(v.array(v.string()), ['anthropic', 'claude-code']),
});

export type PromptCacheConfig = v.InferOutput<typeof PromptCacheConfigSchema>;

/**
 * Turns on Anthropic prompt caching for requests that do not ask for it themselves: an OpenAI
 * or Gemini client (Cursor, Cline, OpenCode…) routed to Claude gets the request-level
 * `cache_control`, so each turn reads the conversation the previous one wrote at a tenth of the
 * input price instead of paying for all of it again. Requests with their own `cache_control`
 * (Claude Code) are left alone. Off unless listed under `plugins:`.
 */
export default {
  name: 'prompt-cache',
  kind: 'cache',
  apiVersion: 1,
  description: 'Anthropic prompt caching for clients that do not ask for it (request-level cache_control); cached turns cost a tenth.',
  config: PromptCacheConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupPromptCache } = await import('./setup-prompt-cache.ts');
    setupPromptCache(ctx);
  },
} satisfies Plugin<PromptCacheConfig>;
