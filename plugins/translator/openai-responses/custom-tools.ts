import type { ToolDefinition } from '../../../core/types/hub.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';

/**
 * Custom (freeform) tools — Codex's `apply_patch` — on any upstream. The model answers a custom
 * tool with free text, not JSON arguments; only OpenAI's Responses API has that shape. Every
 * other upstream gets a function with one string parameter, `input`, whose description carries
 * the tool's input format (Codex sends a Lark grammar), and its calls come back to the client as
 * `custom_tool_call` items with that string as their `input`. A Responses upstream on the
 * passthrough lane gets the tool as the client sent it.
 *
 * @see https://platform.openai.com/docs/guides/function-calling#custom-tools
 */

/** The hub form of a `{type: "custom"}` tool; the marker names it custom for the encoders. */
export function customToolDefinition(tool: Record<string, unknown>): ToolDefinition {
  const format = tool.format as { type?: string; syntax?: string; definition?: string } | undefined;
  const grammar = format?.type === 'grammar' && typeof format.definition === 'string'
    ? `\n\nThe input must follow this ${format.syntax ?? ''} grammar:\n${format.definition}`
    : '';
  const description = `${typeof tool.description === 'string' ? tool.description : ''}${grammar}`.trim();
  return {
    name: String(tool.name),
    ...(description ? { description } : {}),
    parameters: {
      type: 'object',
      properties: { input: { type: 'string', description: 'The raw input of this tool, exactly as its format says (not JSON-encoded).' } },
      required: ['input'],
      additionalProperties: false,
    },
    providerOptions: { [RESPONSES_ORIGIN]: { custom: true } },
  };
}

/** A custom call's input as the arguments of its function form. */
export function customCallArguments(input: string): string {
  return JSON.stringify({ input });
}

/** The input of a custom call from the arguments the model wrote: `input` when they are `{input}` JSON, else the text itself. */
export function customInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { input?: unknown }).input === 'string') {
      return (parsed as { input: string }).input;
    }
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}
