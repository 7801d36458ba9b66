import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { estimateTokens, toolsTokens } from '../../../core/util/estimate-tokens.ts';
import type { OverflowSize } from './overflow-size.ts';
import { trimMessages } from './trim-messages.ts';

/** A chat request cut to fit, and what was left out. */
export interface Shortened {
  req: GatewayRequest;
  dropped: number;
  truncated: number;
  /** The estimated prompt size of the shortened request, declared tools included. */
  tokens: number;
}

/**
 * The request cut to fit: the goal for the whole prompt comes from the sizes the error named
 * (scaled to the estimate, 10 % to spare), else half of what was sent. Only messages are cut,
 * so the declared tools are a fixed cost taken off the messages' share; the messages always
 * lose at least a tenth. The copy drops the client's raw body, so it goes out through the
 * translated lane. Answers undefined when nothing could be removed.
 */
export function shortenRequest(req: GatewayRequest, size: OverflowSize): Shortened | undefined {
  const chat = req.body as ChatRequest;
  const est = estimateTokens(chat);
  let goal = est * 0.5;
  if (size.limit !== undefined) {
    const allowed = size.limit - (size.completion ?? 0);
    goal = size.prompt !== undefined && size.prompt > 0
      ? est * ((allowed * 0.9) / size.prompt)
      : Math.min(allowed * 0.9, est * 0.75);
  }
  const fixed = toolsTokens(chat.tools);
  const cut = trimMessages(chat.messages, Math.min(goal - fixed, (est - fixed) * 0.9));
  if (!cut) return undefined;
  const body: ChatRequest = { ...chat, messages: cut.messages };
  return { req: { ...req, body, raw: undefined }, dropped: cut.droppedMessages, truncated: cut.truncatedParts, tokens: estimateTokens(body) };
}
