import * as v from 'valibot';
import { lookupTable } from '../../../core/util/lookup-table.ts';

const UNITS: Readonly<Record<string, number>> = lookupTable({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 });

/**
 * A duration as written in the YAML: milliseconds (`1800000`) or a number with a unit
 * (`500ms`, `30s`, `30m`, `2h`, `1d`). Answers undefined for anything else.
 */
export function parseDuration(input: number | string): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(input);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]);
}

const Duration = v.pipe(
  v.union([v.number(), v.string()]),
  v.check((x) => parseDuration(x) !== undefined, 'a duration: milliseconds or a number with ms, s, m, h or d (e.g. 30m)'),
  v.transform((x) => parseDuration(x)!),
);

const Count = v.pipe(v.number(), v.integer(), v.minValue(1));

/** Byte sizes: a number of bytes or `512kb`, `64mb`, `1gb`. */
export function parseBytes(input: number | string): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && input > 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(input);
  if (!m) return undefined;
  const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  const n = Math.round(Number(m[1]) * mult);
  return n > 0 ? n : undefined;
}

const Bytes = v.pipe(
  v.union([v.number(), v.string()]),
  v.check((x) => parseBytes(x) !== undefined, 'a size in bytes, or a number with kb, mb or gb (e.g. 64mb)'),
  v.transform((x) => parseBytes(x)!),
);

/** The optional semantic tier. */
export const SemanticConfigSchema = v.object({
  /**
   * `provider/model` of an OpenAI-compatible embeddings endpoint among the configured
   * providers (`POST <base_url>/embeddings`).
   */
  embed_provider: v.pipe(v.string(), v.regex(/^[^/\s]+\/\S+$/, 'provider/model, e.g. local/nomic-embed-text')),
  /** Cosine similarity at or above which a cached reply answers a new prompt. */
  threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 0.95),
  /** Vectors kept at most; the oldest lose their vector first (their exact entry stays). */
  max_entries: v.optional(Count, 5000),
  /** Limit for one embeddings call; past it the semantic tier is skipped for the request. */
  timeout_ms: v.optional(v.pipe(v.number(), v.minValue(1)), 5000),
});

/** The `response-cache:` entry of `plugins:`. */
export const CacheConfigSchema = v.object({
  /** How long an entry answers (`30m`, `2h`, or milliseconds). */
  ttl: v.optional(Duration, 30 * 60_000),
  /** Entries kept at most (least recently used leave first). */
  max_entries: v.optional(Count, 10_000),
  /** Total size of the kept replies (JSON bytes). */
  max_bytes: v.optional(Bytes, 256 * 1024 ** 2),
  /** Replies larger than this are not kept. */
  max_entry_bytes: v.optional(Bytes, 1024 ** 2),
  /** Only cache requests with temperature 0 or unset. */
  only_deterministic: v.optional(v.boolean(), true),
  /** `key`: entries are visible to the client key that made them; `global`: to every key. */
  scope: v.optional(v.picklist(['key', 'global']), 'key'),
  /** Keep entries in `<data-dir>/cache.db` so they survive a restart. */
  persist: v.optional(v.boolean(), true),
  semantic: v.optional(SemanticConfigSchema),
});

export type CacheConfig = v.InferOutput<typeof CacheConfigSchema>;
export type SemanticConfig = v.InferOutput<typeof SemanticConfigSchema>;
