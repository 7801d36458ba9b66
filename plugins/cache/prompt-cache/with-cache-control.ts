import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, ContentPart, ProviderOptions } from '../../../core/types/hub.ts';

type Json = Record<string, unknown>;

/** The request-level `cache_control` of the Messages API (automatic caching). */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '1h';
}

/**
 * `req` with Anthropic's request-level `cache_control` (the API puts the breakpoint on the last
 * cacheable block and moves it forward as the conversation grows), or undefined when the
 * request already marks something itself. `raw` is the client's own Messages body on the
 * passthrough lane; otherwise the hub request carries it as an extra top-level field.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export function withCacheControl(req: GatewayRequest, passthrough: boolean, cc: CacheControl): GatewayRequest | undefined {
  if (passthrough && req.raw) {
    if (rawMarks(req.raw)) return undefined;
    return { ...req, raw: { ...req.raw, cache_control: cc } };
  }
  const chat = req.body as ChatRequest;
  if (hubMarks(chat)) return undefined;
  const anthropic = chat.providerOptions?.anthropic ?? {};
  const extra = (anthropic.extra ?? {}) as Json;
  const providerOptions: ProviderOptions = { ...chat.providerOptions, anthropic: { ...anthropic, extra: { ...extra, cache_control: cc } } };
  return { ...req, body: { ...chat, providerOptions } };
}

/**
 * True when a Messages body has `cache_control` at the top, on a system block, a tool, a message
 * block or a block inside a `tool_result`.
 */
function rawMarks(raw: Json): boolean {
  if (raw.cache_control != null) return true;
  if (Array.isArray(raw.system) && raw.system.some(marked)) return true;
  if (Array.isArray(raw.tools) && raw.tools.some(marked)) return true;
  const messages = Array.isArray(raw.messages) ? raw.messages : [];
  return messages.some((m) => Array.isArray((m as Json)?.content) && ((m as Json).content as unknown[]).some(marked));
}

function marked(block: unknown): boolean {
  if (typeof block !== 'object' || block === null) return false;
  const b = block as Json;
  return b.cache_control != null || (b.type === 'tool_result' && Array.isArray(b.content) && b.content.some(marked));
}

/** The same question for a hub request: `providerOptions.anthropic.cache_control` anywhere, or a top-level one. */
function hubMarks(chat: ChatRequest): boolean {
  const extra = chat.providerOptions?.anthropic?.extra as Json | undefined;
  if (extra?.cache_control != null) return true;
  if (chat.tools?.some((t) => t.providerOptions?.anthropic?.cache_control != null)) return true;
  return chat.messages.some((m) => m.content.some(partMarks));
}

function partMarks(p: ContentPart): boolean {
  if (p.providerOptions?.anthropic?.cache_control != null) return true;
  return p.type === 'tool-result' && p.content.some((c) => c.providerOptions?.anthropic?.cache_control != null);
}
