import type { ModelPrice, ProviderRuntime } from '../plugin/types.ts';
import type { StreamPart, Usage } from '../types/hub.ts';

/**
 * Collects what a request cost: usage as the provider reported it (last report wins, fields
 * merged), the output seen (for an estimate when the provider sent no usage), and the time to
 * the first content part.
 */
export class UsageMeter {
  usage: Usage | undefined;
  outputChars = 0;
  firstPartAt: number | undefined;
  sawError = false;
  /** Debug mode: the streamed output, kept for the request log (capped by the writer). */
  captured: string[] | undefined;

  constructor(capture = false) {
    if (capture) this.captured = [];
  }

  /** Reads one stream part. Cheap: a switch and a few additions. */
  onPart(p: StreamPart, now: number): void {
    switch (p.type) {
      case 'text-delta':
      case 'reasoning-delta':
        this.outputChars += p.text.length;
        this.firstPartAt ??= now;
        this.captured?.push(p.text);
        break;
      case 'tool-call-delta':
        this.outputChars += p.argumentsDelta.length;
        this.firstPartAt ??= now;
        this.captured?.push(p.argumentsDelta);
        break;
      case 'tool-call-start':
        this.outputChars += p.name.length;
        this.firstPartAt ??= now;
        break;
      case 'usage':
        this.merge(p.usage);
        break;
      case 'finish':
        this.firstPartAt ??= now;
        if (p.usage) this.merge(p.usage);
        break;
      case 'error':
        this.sawError = true;
        break;
      default:
        break;
    }
  }

  merge(u: Usage): void {
    this.usage = this.usage ? { ...this.usage, ...stripUndefined(u) } : { ...u };
  }

  /** The usage to record: reported, or estimated at ~4 characters a token. */
  final(inputChars: number): Usage {
    if (this.usage) return this.usage;
    return {
      inputTokens: Math.ceil(inputChars / 4),
      outputTokens: Math.ceil(this.outputChars / 4),
      estimated: true,
    };
  }
}

function stripUndefined(u: Usage): Partial<Usage> {
  const out: Partial<Usage> = {};
  for (const [k, v] of Object.entries(u)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * USD cost of a usage record with the provider's price for `model` (per 1M tokens). Cached
 * input tokens are billed at the cached price when known. Unknown price → 0.
 */
export function computeCost(provider: ProviderRuntime | undefined, model: string, u: Usage): number {
  const price: ModelPrice | undefined = provider?.pricing[model] ?? provider?.pricing[`${provider.name}/${model}`];
  if (!price) return 0;
  const cached = u.cachedInputTokens ?? 0;
  const fresh = Math.max(0, u.inputTokens - cached);
  const cost = (fresh * price.input + cached * (price.cachedInput ?? price.input) + u.outputTokens * price.output) / 1e6;
  return Math.round(cost * 1e8) / 1e8;
}
