import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { createKimiCodingOAuth, kimiDeviceHeaders } from './kimi-coding-oauth.ts';

/**
 * `type: kimi-coding` (preset `kmc`): a Kimi Code membership behind a kimi.com device login, as
 * Kimi CLI uses it. Accounts come from the token store (device login, or
 * `~/.kimi/credentials/kimi-code.json`). Needs the `anthropic` provider plugin, whose wire code
 * it reuses. The device id Kimi sees is derived from the data directory, so it stays the same
 * across restarts.
 */
const plugin: Plugin = {
  name: 'kimi-coding',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Kimi Code login (device flow) over the Anthropic-format Kimi coding API.',
  setup(ctx) {
    const deviceId = new Bun.CryptoHasher('sha256').update(`switchyard-kimi:${ctx.host.dataDir}`).digest('hex').slice(0, 32);
    if (ctx.host.oauth) ctx.onDispose(ctx.host.oauth.register(createKimiCodingOAuth(deviceId)));
    ctx.provide('provider', lazyAdapter(
      { id: 'kimi-coding', nativeDialect: 'anthropic-messages', passthrough: true, listModels: true },
      async () => (await import('./kimi-coding-adapter.ts')).createKimiCodingAdapter(ctx.host, kimiDeviceHeaders(deviceId)),
    ));
  },
};

export default plugin;
