import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import type { PromptCacheConfig } from './plugin.ts';
import { withCacheControl, type CacheControl } from './with-cache-control.ts';

/**
 * Setup of the prompt-cache plugin: a wrapCall layer that sends Anthropic-format attempts with
 * request-level caching. A 400 to such an attempt is answered by sending the request as it was:
 * when that one succeeds, the provider refused the field (an Anthropic-compatible server without
 * caching, whatever its wording) and is not asked again until the plugin reloads; when it fails
 * too, its error is the answer.
 */
export function setupPromptCache(ctx: PluginContext<PromptCacheConfig>): void {
  const types = new Set(ctx.config.provider_types);
  const cc: CacheControl = ctx.config.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  const refused = new Set<string>();
  ctx.hook('wrapCall', (next, attempt, _call, req) => {
    const provider = attempt.provider;
    if (req.operation !== 'chat' || !types.has(provider.type) || refused.has(provider.name)) return next();
    const cached = withCacheControl(req, attempt.passthrough, cc);
    if (!cached) return next();
    return next(cached).catch(async (e: unknown) => {
      if (!isGatewayError(e) || e.upstream?.status !== 400) throw e;
      const plain = await next();
      refused.add(provider.name);
      ctx.log.warn('provider refused prompt caching; sending its requests without it', { provider: provider.name });
      return plain;
    });
  });
}
