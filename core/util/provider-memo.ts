import type { ProviderRuntime } from '../plugin/types.ts';

/**
 * What an upstream taught the gateway (a limit it stated, a field it refused), kept per provider
 * runtime, so a config reload (which rebuilds the runtimes) forgets it, and per key (a model),
 * at most `max` keys per provider (all forgotten when full). Providers remember such lessons so
 * a model's later requests go right at once, without the refused round trip.
 */
export class ProviderMemo<T> {
  private readonly byProvider = new WeakMap<ProviderRuntime, Map<string, T>>();

  constructor(private readonly max = 256) {}

  get(provider: ProviderRuntime, key: string): T | undefined {
    return this.byProvider.get(provider)?.get(key);
  }

  set(provider: ProviderRuntime, key: string, value: T): void {
    let byKey = this.byProvider.get(provider);
    if (!byKey) this.byProvider.set(provider, (byKey = new Map()));
    if (byKey.size >= this.max && !byKey.has(key)) byKey.clear();
    byKey.set(key, value);
  }
}
