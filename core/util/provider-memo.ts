import type { Attempt, ProviderRuntime } from '../plugin/types.ts';

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

const dressings = new WeakMap<ProviderRuntime, ProviderRuntime>();

/**
 * `dressed` (a provider entry as a delegate adapter sees it, made from `runtime` for one attempt:
 * a subscription's base URL and auth, Vertex's endpoint), or the object made for an earlier
 * attempt when it is the same. A delegate's memos are keyed by the provider object, so a new one
 * per attempt would make every lesson (a refused field, a stated limit) forgotten at once; one
 * object per runtime keeps them for the runtime's life, until its dressing changes.
 */
export function stableProvider(runtime: ProviderRuntime, dressed: ProviderRuntime): ProviderRuntime {
  const known = dressings.get(runtime);
  if (known && sameDressing(known, dressed)) return known;
  dressings.set(runtime, dressed);
  return dressed;
}

/** The same fields with the same values (the entry's own objects by identity, ones made per attempt by content). */
function sameDressing(a: ProviderRuntime, b: ProviderRuntime): boolean {
  const keys = Object.keys(a) as Array<keyof ProviderRuntime>;
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => a[k] === b[k] || (typeof a[k] === 'object' && a[k] !== null && JSON.stringify(a[k]) === JSON.stringify(b[k])));
}

/**
 * A rewrite of a request's messages that a model's upstream asked for once (by refusing the
 * request without it): `learn` remembers it for the attempt's provider and model, `apply` runs it
 * on that model's later requests before they go (the same body when it changes nothing).
 */
export function learnedRewrite(rewrite: (messages: unknown[]) => unknown[]) {
  const learned = new ProviderMemo<true>();
  return {
    learn(attempt: Pick<Attempt, 'provider' | 'target'>): void {
      learned.set(attempt.provider, attempt.target.model, true);
    },
    apply<T extends Record<string, unknown>>(body: T, attempt: Pick<Attempt, 'provider' | 'target'>): T {
      if (!learned.get(attempt.provider, attempt.target.model) || !Array.isArray(body.messages)) return body;
      const messages = rewrite(body.messages);
      return messages === body.messages ? body : { ...body, messages };
    },
  };
}
