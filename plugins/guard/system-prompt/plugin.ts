import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

const RuleSchema = v.object({
  /** Glob(s) on the model the client asked for (`groq/*`, `*claude*`, an alias name); default every model. */
  match: v.optional(v.union([v.string(), v.array(v.string())]), '*'),
  mode: v.optional(v.picklist(['prepend', 'append', 'replace']), 'prepend'),
  text: v.string(),
});

/** The `system-prompt:` entry of `plugins:`. */
export const SystemPromptConfigSchema = v.object({
  /** Applied in order; every matching rule applies. */
  rules: v.array(RuleSchema),
});

export type SystemPromptConfig = v.InferOutput<typeof SystemPromptConfigSchema>;

/**
 * Global system prompt injection for chat: each rule whose glob matches the requested model
 * prepends, appends or replaces the system prompt. The passthrough lane is off for a request
 * it changed (its body is no longer the client's).
 */
export default {
  name: 'system-prompt',
  kind: 'guard',
  apiVersion: 1,
  description: 'Injects operator system prompts per model pattern (prepend, append or replace).',
  config: SystemPromptConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupSystemPrompt } = await import('./setup-system-prompt.ts');
    setupSystemPrompt(ctx);
  },
} satisfies Plugin<SystemPromptConfig>;
