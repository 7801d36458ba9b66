import type { CallContext, GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, Message } from '../../../core/types/hub.ts';

/** How much of a conversation's opening names it. */
const OPENING_CHARS = 4096;

/**
 * What names a request's conversation, for the `session` strategy, first found of:
 * - the client's `x-session-id` header;
 * - a `prompt_cache_key` (OpenAI Chat and Responses clients such as Codex set one per session);
 * - Anthropic `metadata.user_id` (Claude Code writes its session id into it);
 * - the conversation's opening: its system text and first user message, which every later turn
 *   repeats (up to 4 KB).
 * Undefined for a request with none of them (not a chat, or empty). Each is read from the
 * client's body, or from the decoded request when the body left the passthrough lane (a
 * fallback's history), so a session keeps its key from turn to turn.
 */
export function sessionKey(req: GatewayRequest, call: CallContext): string | undefined {
  const header = call.http.headers.get('x-session-id');
  if (header) return `h:${header}`;
  const raw = req.raw;
  const chat = req.operation === 'chat' ? (req.body as ChatRequest) : undefined;
  const cacheKey = raw?.prompt_cache_key ?? chat?.providerOptions?.['openai-responses']?.prompt_cache_key;
  if (typeof cacheKey === 'string' && cacheKey) return `p:${cacheKey}`;
  const user = (raw?.metadata as { user_id?: unknown } | undefined)?.user_id
    ?? (call.dialect === 'anthropic-messages' ? chat?.user : undefined);
  if (typeof user === 'string' && user) return `u:${user}`;
  if (!chat) return undefined;
  let opening = '';
  for (const m of chat.messages) {
    opening += textOf(m);
    if (m.role !== 'system' || opening.length >= OPENING_CHARS) break;
  }
  return opening ? `o:${opening.slice(0, OPENING_CHARS)}` : undefined;
}

function textOf(m: Message): string {
  let out = '';
  for (const p of m.content) if (p.type === 'text') out += p.text;
  return out;
}
