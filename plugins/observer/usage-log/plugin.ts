import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';
import type { Usage } from '../../../core/types/hub.ts';

const Config = v.object({
  /** Log successful requests at info (default) or debug level. */
  successLevel: v.optional(v.picklist(['info', 'debug']), 'info'),
});

/**
 * One log line per request, from the terminal events: who asked for what, who served it, how
 * long it took, what it cost. Never logs bodies or keys (the logger redacts secrets anyway).
 * The line is one preformatted message: the logger's cheapest path, since it runs for every
 * request.
 */
export default {
  name: 'usage-log',
  kind: 'observer',
  apiVersion: 1,
  autoload: true,
  config: Config,
  setup(ctx) {
    const log = ctx.log;
    ctx.on('response:completed', (e) => {
      let line = `${e.id} 200 ${e.requestedModel} -> ${e.provider ? `${e.provider}/${e.model}${e.account ? ` (${e.account})` : ''}` : 'gateway'} ${Math.round(e.latencyMs)}ms`;
      if (e.usage) line += usageText(e.usage, e.costUsd);
      if (e.ttftMs !== undefined) line += ` ttft=${Math.round(e.ttftMs)}ms`;
      if (e.cached) line += ' cached';
      if (e.keyId) line += ` key=${e.keyId}`;
      if (ctx.config.successLevel === 'debug') log.debug(line);
      else log.info(line);
    });
    ctx.on('request:failed', (e) => {
      // A request that failed after reaching an upstream (a broken or cancelled stream) was billed too.
      const line = `${e.id} ${e.status} ${e.requestedModel ?? '?'}${e.provider ? ` -> ${e.provider}/${e.model}` : ''} ${Math.round(e.latencyMs)}ms ${e.code}${e.usage ? usageText(e.usage, e.costUsd) : ''}`;
      (e.status >= 500 ? log.error : log.warn).call(log, line, { status: e.usageStatus, message: e.message, key: e.keyId });
    });
  },
} satisfies Plugin<v.InferOutput<typeof Config>>;

/** ` in=N out=N` with the cached input, an estimate's mark and the cost when there are any. */
function usageText(u: Usage, costUsd: number | undefined): string {
  let text = ` in=${u.inputTokens} out=${u.outputTokens}`;
  if (u.cachedInputTokens) text += ` cached_in=${u.cachedInputTokens}`;
  if (u.estimated) text += ' estimated';
  if (costUsd) text += ` cost=$${costUsd.toFixed(6)}`;
  return text;
}
