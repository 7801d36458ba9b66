import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

declare module '../../../core/bus/events.ts' {
  interface GatewayEvents {
    /** An upstream refused a conversation with unanswered tool calls; it was sent again repaired. */
    'tool-repair:repaired': { id: string; provider: string; model: string; answered: number; dropped: number };
  }
}

/** What an unanswered call is answered with. */
export const INTERRUPTED = 'The tool call was interrupted before it returned a result.';

/** The `tool-repair:` entry of `plugins:`. */
export const ToolRepairConfigSchema = v.object({
  /** The result given to each tool call the conversation left without one. */
  text: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1000)), INTERRUPTED),
});

export type ToolRepairConfig = v.InferOutput<typeof ToolRepairConfigSchema>;

/**
 * Un-sticks a session whose history holds a tool call without its result. A client interrupted
 * while a tool ran (Esc in Codex, an agent that crashed, a history cut short) sends the call
 * without its result, and from then on every provider refuses the whole conversation (OpenAI
 * "… must be followed by tool messages responding to each 'tool_call_id'", Responses "No tool
 * output found for function call", Anthropic "tool_use ids were found without tool_result blocks
 * immediately after", Gemini "… function response turn"): no later turn can succeed.
 *
 * When an upstream answers a chat with 400 or 422 and its history has such calls (or results of
 * calls it does not hold), the same target is asked once more with each unanswered call answered
 * as interrupted and each stray result left out. A request that succeeds costs nothing: the
 * history is read only after a refusal.
 */
export default {
  name: 'tool-repair',
  kind: 'guard',
  apiVersion: 1,
  description: 'Answers tool calls a conversation left without a result (an interrupted tool) when an upstream refuses it, and tries again.',
  config: ToolRepairConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupToolRepair } = await import('./setup-tool-repair.ts');
    setupToolRepair(ctx);
  },
} satisfies Plugin<ToolRepairConfig>;
