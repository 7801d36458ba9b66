import type { Plugin } from '../../../core/plugin/types.ts';
import { expandAccounts, resolveModel } from './resolve-model.ts';

/**
 * Routes a model name through the config's providers, aliases and combos. Targets are tried
 * in declared order (fill-first) and each provider's accounts by priority; other strategies
 * plug in through their own `selectRoute` hooks listed before this one.
 */
export default {
  name: 'config-routes',
  kind: 'router',
  apiVersion: 1,
  autoload: true,
  description: 'provider/model, aliases, provider/* wildcards and combos (fill-first).',
  setup(ctx) {
    ctx.hook('selectRoute', (req, call) => {
      const { aliases, combos } = call.config;
      const r = resolveModel(req.model, { providers: call.providers, aliases, combos });
      if (r.targets.length === 0) return undefined;
      return { targets: expandAccounts(r.targets, call.providers), strategy: r.strategy ?? 'fill-first', via: r.via };
    });
  },
} satisfies Plugin<unknown>;
