import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** A request was shortened to fit a model's context window and sent again to the same target. */
    'context-trim:trimmed': { id: string; provider: string; model: string; droppedMessages: number; truncatedParts: number; estimatedTokens: number };
  }
}

/** The `context-trim:` entry of `plugins:`. */
export const ContextTrimConfigSchema = v.object({
  /** Shortened tries per attempt after a context overflow (each one cuts deeper). */
  retries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3)), 2),
  /**
   * `last` (default): only the plan's last target trims, so a combo's larger-context models are
   * tried first with the whole conversation; `any`: every target trims before falling back.
   */
  on: v.optional(v.picklist(['last', 'any']), 'last'),
});

export type ContextTrimConfig = v.InferOutput<typeof ContextTrimConfigSchema>;

/**
 * Keeps a long coding session going when its conversation outgrows the model's context window:
 * when an upstream refuses a chat request as too long, the request is shortened (older turns
 * first, then the middle of the longest texts; the system prompt, the first message and the last
 * turn are kept) and sent again to the same target. The client sees
 * `x-switchyard-context-trimmed`. Off unless listed under `plugins:`.
 */
export default {
  name: 'context-trim',
  kind: 'guard',
  apiVersion: 1,
  description: 'Shortens a chat that outgrew the model\'s context window (older turns, then the middle of long texts) and tries again.',
  config: ContextTrimConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupContextTrim } = await import('./setup-context-trim.ts');
    setupContextTrim(ctx);
  },
} satisfies Plugin<ContextTrimConfig>;
