import type { ContentPart, Message, ToolDefinition } from '../types/hub.ts';

/** Characters per token of the estimate (English prose and code average 3.5–4). */
export const CHARS_PER_TOKEN = 4;
/** What an image or a file costs in the estimate, in tokens (a detailed image tile costs a few hundred). */
const MEDIA_TOKENS = 1000;
/** What each message adds around its content (role and framing). */
const MESSAGE_TOKENS = 4;

/**
 * The estimated prompt size of a hub chat request, in tokens, without a tokenizer: 4 characters
 * a token over texts, reasoning, tool names, arguments and results, a flat 1,000 per image or
 * file, 4 per message, plus each declared tool's name, description and JSON schema (the system
 * prompt is a message in the hub). Rounded up once. For decisions made before any upstream
 * answers (thinking budget by task size, token rate limits, trimming a context, Anthropic's
 * context-editing trigger); real usage comes from the upstream afterwards.
 */
export function estimateTokens(req: { readonly messages: readonly Message[]; readonly tools?: readonly ToolDefinition[] }): number {
  let n = toolsTokens(req.tools);
  for (const m of req.messages) n += messageTokens(m);
  return Math.ceil(n);
}

/** One message's share of `estimateTokens` (fractional). */
export function messageTokens(m: Message): number {
  let n = MESSAGE_TOKENS;
  for (const p of m.content) n += partTokens(p);
  return n;
}

/**
 * The declared tools' share of `estimateTokens` (fractional): a cost every request pays
 * whatever its messages, since upstreams put the definitions into the prompt.
 */
export function toolsTokens(tools: readonly ToolDefinition[] | undefined): number {
  let chars = 0;
  for (const t of tools ?? []) chars += t.name.length + (t.description?.length ?? 0) + JSON.stringify(t.parameters ?? {}).length;
  return chars / CHARS_PER_TOKEN;
}

function partTokens(p: ContentPart): number {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return p.text.length / CHARS_PER_TOKEN;
    case 'tool-call':
      return (p.name.length + p.arguments.length) / CHARS_PER_TOKEN;
    case 'tool-result':
      return p.content.reduce((s, c) => s + (c.type === 'text' ? c.text.length / CHARS_PER_TOKEN : MEDIA_TOKENS), 0);
    case 'image':
    case 'file':
      return MEDIA_TOKENS;
  }
}
