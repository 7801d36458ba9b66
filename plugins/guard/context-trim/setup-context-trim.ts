import { isContextOverflow } from '../../../core/errors/context-overflow.ts';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest, PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { estimateTokens } from '../../../core/util/estimate-tokens.ts';
import { overflowSize, type OverflowSize } from './overflow-size.ts';
import type { ContextTrimConfig } from './plugin.ts';
import { trimMessages } from './trim-messages.ts';

/** Response header naming what was left out: `<messages dropped>; <texts cut>`. */
export const TRIMMED_HEADER = 'x-switchyard-context-trimmed';

/** Setup of the context-trim plugin: one wrapCall layer around chat attempts. */
export function setupContextTrim(ctx: PluginContext<ContextTrimConfig>): void {
  ctx.hook('wrapCall', async (next, attempt, call, req) => {
    if (req.operation !== 'chat' || (ctx.config.on === 'last' && !attempt.last)) return next();
    let current = req;
    for (let tries = 0; ; tries++) {
      try {
        return await (current === req ? next() : next(current));
      } catch (e) {
        if (!isGatewayError(e) || !isContextOverflow(e) || tries >= ctx.config.retries || call.signal.aborted) throw e;
        const shorter = shorten(current, tries === 0 ? overflowSize(e.upstream?.message ?? e.message) : {});
        if (!shorter) throw e;
        current = shorter.req;
        call.responseHeaders.set(TRIMMED_HEADER, `${shorter.dropped} messages; ${shorter.truncated} texts`);
        ctx.log.info('context trimmed to fit the model', {
          id: call.id, provider: attempt.provider.name, model: attempt.target.model, dropped: shorter.dropped, truncated: shorter.truncated,
        });
        ctx.emit('context-trim:trimmed', {
          id: call.id, provider: attempt.provider.name, model: attempt.target.model,
          droppedMessages: shorter.dropped, truncatedParts: shorter.truncated, estimatedTokens: shorter.tokens,
        });
      }
    }
  });
}

/**
 * The request cut to fit: the goal comes from the sizes the error named (scaled to the
 * estimate, 10 % to spare), else half of what was sent. The copy drops the client's raw body,
 * so it goes out through the translated lane.
 */
function shorten(req: GatewayRequest, size: OverflowSize): { req: GatewayRequest; dropped: number; truncated: number; tokens: number } | undefined {
  const chat = req.body as ChatRequest;
  const est = estimateTokens(chat.messages);
  let goal = est * 0.5;
  if (size.limit !== undefined) {
    const allowed = size.limit - (size.completion ?? 0);
    goal = size.prompt !== undefined && size.prompt > 0
      ? est * ((allowed * 0.9) / size.prompt)
      : Math.min(allowed * 0.9, est * 0.75);
  }
  const cut = trimMessages(chat.messages, Math.min(goal, est * 0.9));
  if (!cut) return undefined;
  const body: ChatRequest = { ...chat, messages: cut.messages };
  return {
    req: { ...req, body, raw: undefined }, dropped: cut.droppedMessages, truncated: cut.truncatedParts, tokens: estimateTokens(cut.messages),
  };
}
