import type { GatewayRequest, ModelPrice, ProviderRuntime, TierPrice } from '../plugin/types.ts';
import type { ChatResult, StreamPart, Usage } from '../types/hub.ts';
import type { ImageRequest, ImageResult, SpeechRequest, TranscribeResult } from '../types/operations.ts';

/** What some models are billed by instead of tokens. */
export type BilledUnits = Pick<Usage, 'audioSeconds' | 'characters' | 'images'>;

/**
 * Collects what a request cost: usage as the provider reported it (last report wins, fields
 * merged), the output seen (for an estimate when the provider sent no usage, or a stream that
 * ended before its final report), and the time to the first content part.
 */
export class UsageMeter {
  usage: Usage | undefined;
  outputChars = 0;
  firstPartAt: number | undefined;
  sawError = false;
  /** Stream parts were read, and whether the `finish` (with the provider's final usage) was among them. */
  private streamed = false;
  private finished = false;
  /** Debug mode: the streamed output, kept for the request log (capped by the writer). */
  captured: string[] | undefined;
  /** Units of a complete operation result (`billedUnits`), added to the usage recorded. */
  units: BilledUnits | undefined;

  constructor(capture = false) {
    if (capture) this.captured = [];
  }

  /** Reads a complete chat answer's output (for the estimate when its provider reported no usage). */
  onResult(r: ChatResult): void {
    for (const c of r.content) this.outputChars += c.type === 'tool-call' ? c.name.length + c.arguments.length : c.text.length;
  }

  /** Reads one stream part. Cheap: a switch and a few additions. */
  onPart(p: StreamPart, now: number): void {
    this.streamed = true;
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
        this.finished = true;
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

  /**
   * The usage to record: as reported, with the billed units; the units alone when the provider
   * reported no tokens (a Whisper transcription); else estimated at ~4 characters a token of
   * the request body (serialized only here, when needed) and the output seen. A stream that
   * ended before its `finish` (cut, cancelled) keeps what the provider reported so far (input
   * and cache figures from Anthropic's `message_start`, Gemini's running counts) but counts at
   * least the output seen, and is marked estimated: the last report was not the final one
   * (`message_start` says `output_tokens: 1`).
   */
  final(body: unknown): Usage {
    const units = this.units;
    if (this.usage) {
      const usage = this.streamed && !this.finished ? this.cutShort(this.usage) : this.usage;
      return units ? { ...usage, ...units } : usage;
    }
    if (units) return { inputTokens: 0, outputTokens: 0, ...units };
    return {
      inputTokens: Math.ceil(JSON.stringify(body ?? '').length / 4),
      outputTokens: Math.ceil(this.outputChars / 4),
      estimated: true,
    };
  }

  /** The usage of a stream that ended before the provider's final report. */
  private cutShort(u: Usage): Usage {
    return { ...u, outputTokens: Math.max(u.outputTokens, Math.ceil(this.outputChars / 4)), estimated: true };
  }
}

function stripUndefined(u: Usage): Partial<Usage> {
  const out: Partial<Usage> = {};
  for (const [k, v] of Object.entries(u)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * The units a complete operation result is billed by, whichever provider answered: seconds of
 * audio transcribed (the result's `duration`), characters spoken (the request's `input`),
 * images generated. Undefined for everything else.
 */
export function billedUnits(req: GatewayRequest, result: unknown): BilledUnits | undefined {
  switch (req.operation) {
    case 'transcribe': {
      const seconds = (result as TranscribeResult | undefined)?.duration;
      return typeof seconds === 'number' && seconds > 0 ? { audioSeconds: seconds } : undefined;
    }
    case 'speech': {
      const text = (req.body as SpeechRequest).input;
      return typeof text === 'string' ? { characters: codePoints(text) } : undefined;
    }
    case 'image': {
      const n = (result as ImageResult | undefined)?.images?.length;
      return n ? { images: n } : undefined;
    }
    default:
      return undefined;
  }
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A dated snapshot id's date (`-20250929`, `-2024-08-06`): `claude-sonnet-4-5-20250929` is a `claude-sonnet-4-5`. */
const SNAPSHOT_DATE = /-(?:20\d{6}|20\d\d-\d\d-\d\d)$/;

/** The provider's price for `model`: its own, else (a dated snapshot id the catalogue does not list) its family's. */
export function priceOf(provider: ProviderRuntime | undefined, model: string): ModelPrice | undefined {
  if (!provider) return undefined;
  const exact = provider.pricing[model] ?? provider.pricing[`${provider.name}/${model}`];
  if (exact || !SNAPSHOT_DATE.test(model)) return exact;
  const family = model.replace(SNAPSHOT_DATE, '');
  return provider.pricing[family] ?? provider.pricing[`${provider.name}/${family}`];
}

/**
 * USD cost of a usage record with the provider's price for `model` (`priceOf`): tokens per 1M (cached input
 * tokens at the cached price, cache writes at the write price, one-hour writes at theirs, each
 * when known), at the prices of the service tier billed (`billedTier`) when the model lists it,
 * plus audio minutes, characters and images for models priced per unit (images at the price of
 * the request's size and quality, `imagePrice`). Unknown price → 0. What the provider says the
 * call cost (`Usage.costUsd`) is billed instead, unless the usage is an estimate.
 */
export function computeCost(provider: ProviderRuntime | undefined, model: string, u: Usage, req?: GatewayRequest): number {
  if (u.costUsd !== undefined && !u.estimated) return Math.round(u.costUsd * 1e8) / 1e8;
  const price = priceOf(provider, model);
  if (!price) return 0;
  const tiers = price.tiers;
  const tier = tiers && billedTier(tiers, u, req);
  const tokens: TierPrice = tiers && tier !== undefined ? tiers[tier] : price;
  const cached = u.cachedInputTokens ?? 0;
  const written = u.cacheWriteTokens ?? 0;
  const hour = Math.min(written, u.cacheWrite1hTokens ?? 0);
  const fresh = Math.max(0, u.inputTokens - cached - written);
  const write = tokens.cacheWrite ?? tokens.input;
  let cost = (fresh * tokens.input + cached * (tokens.cachedInput ?? tokens.input) + (written - hour) * write
    + hour * (tokens.cacheWrite1h ?? write) + u.outputTokens * tokens.output) / 1e6;
  if (price.perMinute && u.audioSeconds) cost += (u.audioSeconds / 60) * price.perMinute;
  if (price.perMillionCharacters && u.characters) cost += (u.characters * price.perMillionCharacters) / 1e6;
  if (u.images) cost += u.images * (imagePrice(price, req) ?? 0);
  return Math.round(cost * 1e8) / 1e8;
}

/**
 * The service tier whose prices (of `tiers`, a model's `ModelPrice.tiers`) a request is billed
 * at: the tier the upstream says it served (`usage.serviceTier`), else, when it said nothing,
 * the one the client asked for (`service_tier` of its body). Undefined, which bills the
 * standard prices, when that tier has no prices there (`default`, `auto`, an unknown name).
 */
export function billedTier(tiers: Readonly<Record<string, TierPrice>>, u: Usage, req?: GatewayRequest): string | undefined {
  let tier = u.serviceTier;
  if (tier === undefined) {
    const asked = req?.raw?.service_tier;
    if (typeof asked === 'string') tier = asked;
  }
  // Own keys only: a tier named `constructor` must not find Object's.
  return tier !== undefined && Object.hasOwn(tiers, tier) ? tier : undefined;
}

/**
 * The price of one image for an image request: of the `perImageBy` entries whose words (a size
 * such as `1792x1024`, a quality such as `hd`) are all among the request's size and quality, the
 * one with the most words; `perImage` when none matches (or for other requests).
 */
export function imagePrice(price: ModelPrice, req?: GatewayRequest): number | undefined {
  if (!price.perImageBy || req?.operation !== 'image') return price.perImage;
  const body = req.body as ImageRequest;
  const asked = new Set([body.size, body.quality].filter((w): w is string => typeof w === 'string').map((w) => w.toLowerCase()));
  let best = price.perImage;
  let bestWords = 0;
  for (const [key, usd] of Object.entries(price.perImageBy)) {
    const words = key.split(' ');
    if (words.length > bestWords && words.every((w) => asked.has(w))) {
      best = usd;
      bestWords = words.length;
    }
  }
  return best;
}
