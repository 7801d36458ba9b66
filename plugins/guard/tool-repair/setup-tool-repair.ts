import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import type { ToolRepairConfig } from './plugin.ts';
import { repairToolHistory } from './repair-tool-history.ts';

/** Setup of the tool-repair plugin: one wrapCall layer, which reads the history only after a refusal. */
export function setupToolRepair(ctx: PluginContext<ToolRepairConfig>): void {
  ctx.hook('wrapCall', (next, attempt, call, req) => {
    if (req.operation !== 'chat') return next();
    return next().catch((e: unknown) => {
      const status = isGatewayError(e) ? e.upstream?.status : undefined;
      if ((status !== 400 && status !== 422) || call.signal.aborted) throw e;
      const body = req.body as ChatRequest;
      const fixed = repairToolHistory(body.messages, ctx.config.text);
      if (!fixed) throw e;
      ctx.log.info('tool calls without results answered as interrupted; sent again', {
        id: call.id, provider: attempt.provider.name, model: attempt.target.model, answered: fixed.answered, dropped: fixed.dropped,
      });
      ctx.emit('tool-repair:repaired', { id: call.id, provider: attempt.provider.name, model: attempt.target.model, answered: fixed.answered, dropped: fixed.dropped });
      // A new body without the client's raw one: the repaired history goes out through translation.
      return next({ ...req, body: { ...body, messages: fixed.messages }, raw: undefined });
    });
  });
}
