import { isContextOverflow } from '../../../core/errors/context-overflow.ts';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { overflowSize } from './overflow-size.ts';
import type { ContextTrimConfig } from './plugin.ts';
import { shortenRequest } from './shorten-request.ts';

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
        const shorter = shortenRequest(current, tries === 0 ? overflowSize(e.upstream?.message ?? e.message) : {});
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
