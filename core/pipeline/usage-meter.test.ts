import { describe, expect, test } from 'bun:test';
import type { GatewayRequest, ModelPrice, ProviderRuntime } from '../plugin/types.ts';
import { billedUnits, computeCost, imagePrice, priceOf, UsageMeter } from './usage-meter.ts';

const provider = (pricing: Record<string, ModelPrice>) => ({ name: 'p', pricing }) as unknown as ProviderRuntime;
const req = (operation: string, body: unknown = {}) => ({ operation, model: 'm', stream: false, body }) as GatewayRequest;

describe('computeCost', () => {
  test('tokens per 1M, cached input at its own price', () => {
    const p = provider({ m: { input: 2, output: 8, cachedInput: 0.5 } });
    expect(computeCost(p, 'm', { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 100 })).toBeCloseTo((600 * 2 + 400 * 0.5 + 100 * 8) / 1e6, 12);
    expect(computeCost(p, 'unknown', { inputTokens: 1000, outputTokens: 100 })).toBe(0);
  });

  test('a cost the provider reported is billed as it is, unless the usage is an estimate', () => {
    const p = provider({ m: { input: 2, output: 8 } });
    expect(computeCost(p, 'm', { inputTokens: 1000, outputTokens: 100, costUsd: 0.0123456789 })).toBe(0.01234568);
    expect(computeCost(p, 'unknown', { inputTokens: 1000, outputTokens: 100, costUsd: 0.5 })).toBe(0.5);
    expect(computeCost(p, 'm', { inputTokens: 1000, outputTokens: 100, costUsd: 0.5, estimated: true })).toBeCloseTo((1000 * 2 + 100 * 8) / 1e6, 12);
  });

  test('tokens written to a prompt cache at the cache-write price (else the input price)', () => {
    const p = provider({ c: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }, plain: { input: 3, output: 15 } });
    const u = { inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 100 };
    expect(computeCost(p, 'c', u)).toBeCloseTo((1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 100 * 15) / 1e6, 12);
    expect(computeCost(p, 'plain', u)).toBeCloseTo((4_000 * 3 + 6_000 * 3 + 100 * 15) / 1e6, 12);
  });

  test('one-hour cache writes at their own price (else the cache-write price)', () => {
    const p = provider({ c: { input: 3, output: 15, cacheWrite: 3.75, cacheWrite1h: 6 }, no1h: { input: 3, output: 15, cacheWrite: 3.75 } });
    const u = { inputTokens: 5_000, cacheWriteTokens: 4_000, cacheWrite1hTokens: 3_000, outputTokens: 0 };
    expect(computeCost(p, 'c', u)).toBeCloseTo((1_000 * 3 + 1_000 * 3.75 + 3_000 * 6) / 1e6, 12);
    expect(computeCost(p, 'no1h', u)).toBeCloseTo((1_000 * 3 + 4_000 * 3.75) / 1e6, 12);
  });

  test('units: minutes of audio, characters spoken, images, added to any token cost', () => {
    const p = provider({
      stt: { input: 0, output: 0, perMinute: 0.006 },
      tts: { input: 0, output: 0, perMillionCharacters: 15 },
      img: { input: 5, output: 40, perImage: 0.04 },
    });
    expect(computeCost(p, 'stt', { inputTokens: 0, outputTokens: 0, audioSeconds: 90 })).toBeCloseTo(0.009, 12);
    expect(computeCost(p, 'tts', { inputTokens: 0, outputTokens: 0, characters: 2000 })).toBeCloseTo(0.03, 12);
    expect(computeCost(p, 'img', { inputTokens: 50, outputTokens: 50, images: 2 })).toBeCloseTo(0.08 + (50 * 5 + 50 * 40) / 1e6, 12);
    // A unit the model is not priced by costs nothing.
    expect(computeCost(p, 'tts', { inputTokens: 0, outputTokens: 0, audioSeconds: 60 })).toBe(0);
  });

  test('tokens at the prices of the tier served: the reported one, else the one asked; others standard', () => {
    const p = provider({ m: { input: 2, output: 8, cachedInput: 0.5, tiers: { flex: { input: 1, output: 4, cachedInput: 0.25 }, priority: { input: 3.5, output: 14 } } } });
    const u = { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 100 };
    const asked = (tier: unknown) => ({ ...req('chat'), raw: { service_tier: tier } }) as GatewayRequest;
    const standard = (600 * 2 + 400 * 0.5 + 100 * 8) / 1e6;
    expect(computeCost(p, 'm', { ...u, serviceTier: 'flex' })).toBeCloseTo((600 * 1 + 400 * 0.25 + 100 * 4) / 1e6, 12);
    // A tier without a cached price bills cached tokens at its input price.
    expect(computeCost(p, 'm', { ...u, serviceTier: 'priority' })).toBeCloseTo((1000 * 3.5 + 100 * 14) / 1e6, 12);
    // What the upstream served wins over what was asked.
    expect(computeCost(p, 'm', { ...u, serviceTier: 'default' }, asked('priority'))).toBeCloseTo(standard, 12);
    expect(computeCost(p, 'm', u, asked('flex'))).toBeCloseTo((600 * 1 + 400 * 0.25 + 100 * 4) / 1e6, 12);
    for (const tier of ['scale', 'auto', 'constructor', 'toString', '']) expect(computeCost(p, 'm', { ...u, serviceTier: tier })).toBeCloseTo(standard, 12);
    expect(computeCost(p, 'm', u, asked(7))).toBeCloseTo(standard, 12);
  });
});

describe('imagePrice', () => {
  test('the most specific entry matching the request size and quality; the default otherwise', () => {
    const dalle3: ModelPrice = { input: 0, output: 0, perImage: 0.04, perImageBy: { '1024x1792': 0.08, '1792x1024': 0.08, hd: 0.08, 'hd 1024x1792': 0.12, 'hd 1792x1024': 0.12 } };
    const image = (body: Record<string, string>) => req('image', { prompt: 'x', ...body });
    expect(imagePrice(dalle3, image({}))).toBe(0.04);
    expect(imagePrice(dalle3, image({ size: '1024x1024', quality: 'standard' }))).toBe(0.04);
    expect(imagePrice(dalle3, image({ size: '1792x1024' }))).toBe(0.08);
    expect(imagePrice(dalle3, image({ quality: 'HD' }))).toBe(0.08);
    expect(imagePrice(dalle3, image({ size: '1024x1792', quality: 'hd' }))).toBe(0.12);
    const p = provider({ 'dall-e-3': dalle3 });
    expect(computeCost(p, 'dall-e-3', { inputTokens: 0, outputTokens: 0, images: 2 }, image({ size: '1792x1024', quality: 'hd' }))).toBeCloseTo(0.24, 12);
    expect(computeCost(p, 'dall-e-3', { inputTokens: 0, outputTokens: 0, images: 2 })).toBeCloseTo(0.08, 12);
  });
});

describe('billedUnits', () => {
  test('per operation, from the result or the request', () => {
    expect(billedUnits(req('transcribe'), { text: 'x', duration: 12.5 })).toEqual({ audioSeconds: 12.5 });
    expect(billedUnits(req('transcribe'), { text: 'x' })).toBeUndefined();
    expect(billedUnits(req('speech', { input: 'héllo 👋' }), {})).toEqual({ characters: 7 });
    expect(billedUnits(req('image'), { created: 1, images: [{}, {}, {}] })).toEqual({ images: 3 });
    expect(billedUnits(req('chat'), { usage: { inputTokens: 1, outputTokens: 1 } })).toBeUndefined();
  });
});

describe('UsageMeter.final', () => {
  test('reported usage with the units; the units alone; else an estimate from the body', () => {
    const reported = new UsageMeter();
    reported.merge({ inputTokens: 14, outputTokens: 45 });
    reported.units = { audioSeconds: 3 };
    expect(reported.final({})).toEqual({ inputTokens: 14, outputTokens: 45, audioSeconds: 3 });

    const unitsOnly = new UsageMeter();
    unitsOnly.units = { audioSeconds: 3 };
    expect(unitsOnly.final({ model: 'whisper-1' })).toEqual({ inputTokens: 0, outputTokens: 0, audioSeconds: 3 });

    const estimated = new UsageMeter();
    estimated.outputChars = 40;
    expect(estimated.final({ prompt: 'x'.repeat(30) })).toEqual({ inputTokens: 11, outputTokens: 10, estimated: true });
  });
});

describe('priceOf', () => {
  const provider = (pricing: Record<string, ModelPrice>) => ({ name: 'anthropic', pricing }) as unknown as ProviderRuntime;
  test('a dated snapshot id the catalogue does not list costs its family\'s price; a listed one its own', () => {
    const p = provider({ 'claude-sonnet-4-5': { input: 3, output: 15 }, 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-2024-05-13': { input: 5, output: 15 } });
    expect(priceOf(p, 'claude-sonnet-4-5-20250929')).toEqual({ input: 3, output: 15 });
    expect(priceOf(p, 'gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(priceOf(p, 'gpt-4o-2024-05-13')).toEqual({ input: 5, output: 15 });
    expect(priceOf(p, 'claude-sonnet-4-5-latest')).toBeUndefined();
    expect(priceOf(p, 'o3-20250416-x')).toBeUndefined();
    expect(computeCost(p, 'claude-sonnet-4-5-20250929', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(3);
  });
});
