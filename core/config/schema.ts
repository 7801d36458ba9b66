import * as v from 'valibot';
import type { ModelPrice, TierPrice } from '../plugin/types.ts';

/**
 * The valibot schema of `switchyard.yaml`. Snake_case keys, as users write YAML. Unknown keys
 * inside a provider entry are kept (adapters read their own options); anywhere else (top level,
 * `server:`, `logging:`, an account, a combo, a price, …) they are rejected, so a typo is
 * reported at its line instead of silently ignored.
 */

/**
 * valibot's `object` and `record` accept arrays (they are objects): a YAML list where a map
 * belongs would pass with its items ignored. Every map of the config goes through this.
 */
function map<S extends v.GenericSchema>(schema: S) {
  return v.pipe(v.custom<unknown>((x) => !Array.isArray(x), 'expected a map (key: value lines), not a list'), schema);
}

const Port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
const PositiveMs = v.pipe(v.number(), v.minValue(0));

export const ServerSchema = map(v.strictObject({
  /** Never empty: Bun listens on every interface for "". */
  host: v.optional(v.pipe(v.string(), v.check((h) => h.trim() !== '', 'an empty host would listen on every interface: write 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)')), '127.0.0.1'),
  port: v.optional(Port, 20128),
  /** Origins allowed by CORS; empty means CORS closed. */
  cors_origins: v.optional(v.array(v.string()), []),
  /** Max request body in MB; larger bodies get 413 before they are read. */
  body_limit_mb: v.optional(v.pipe(v.number(), v.minValue(0.001)), 10),
  /** How long in-flight streams may run after SIGTERM. */
  shutdown_grace_ms: v.optional(PositiveMs, 10_000),
  /** SSE keep-alive comment interval while an upstream is silent. */
  keepalive_ms: v.optional(PositiveMs, 15_000),
  /** Open the dashboard in a browser at start (also `--no-open`). */
  open_browser: v.optional(v.boolean(), false),
}));

export const AuthSchema = map(v.strictObject({
  /** Client keys required on `/v1/*`. Turning this off is logged as a warning at every start. */
  require_key: v.optional(v.boolean(), true),
}));

export const LoggingSchema = map(v.strictObject({
  level: v.optional(v.picklist(['debug', 'info', 'warn', 'error']), 'info'),
  /** Debug mode: keep redacted, size-capped request/response bodies with usage rows. */
  bodies: v.optional(v.boolean(), false),
  body_max_kb: v.optional(v.number(), 64),
  file: v.optional(
    map(v.strictObject({
      enabled: v.optional(v.boolean(), true),
      max_mb: v.optional(v.number(), 10),
      keep: v.optional(v.number(), 5),
    })),
    {},
  ),
  /** Days rows are kept in the database; 0 keeps them forever. Pruned hourly. */
  retention: v.optional(
    map(v.strictObject({
      /** Usage rows (default forever). Budgets and quotas look back up to a month: 0 or ≥ 35. */
      usage_days: v.optional(v.pipe(
        v.number(), v.integer(),
        v.check((n) => n === 0 || n >= 35, 'must be 0 (keep forever) or at least 35: budgets and quotas read up to a month of usage'),
      ), 0),
      /** Debug-mode request/response bodies (default 7 days). */
      bodies_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 7),
    })),
    {},
  ),
}));

export const TimeoutsSchema = map(v.strictObject({
  connect_ms: v.optional(PositiveMs),
  first_byte_ms: v.optional(PositiveMs),
  idle_ms: v.optional(PositiveMs),
  total_ms: v.optional(PositiveMs),
}));

export const AccountSchema = map(v.strictObject({
  label: v.optional(v.string()),
  key: v.optional(v.string()),
  priority: v.optional(v.number(), 0),
  weight: v.optional(v.number(), 1),
  enabled: v.optional(v.boolean(), true),
  limits: v.optional(map(v.record(v.string(), v.unknown()))),
}));

const Usd = v.pipe(v.number(), v.minValue(0));

/** One service tier's token prices (`tiers:` of a price): input and output stated, cache prices as for the model. */
const TierPriceSchema = map(v.object({
  input: Usd,
  output: Usd,
  cached_input: v.optional(Usd),
  cache_write: v.optional(Usd),
  cache_write_1h: v.optional(Usd),
}));
const TierName = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]*$/, 'tier names are lower-case, as the provider reports them (flex, priority)'));

/**
 * A price as written in YAML, every field optional: USD per 1M tokens (`input`, `output`,
 * `cached_input`), or per unit for models billed otherwise. The preset catalogue uses it as it
 * is (there `{}` is a known model without a published price); the config through `PriceSchema`.
 */
export const PriceEntrySchema = v.object({
  input: v.optional(Usd),
  output: v.optional(Usd),
  cached_input: v.optional(Usd),
  /** Per 1M input tokens written to a prompt cache (Anthropic: 1.25 × input); default: the input price. */
  cache_write: v.optional(Usd),
  /** Per 1M input tokens written to a prompt cache for an hour (Anthropic: 2 × input); default: `cache_write`. */
  cache_write_1h: v.optional(Usd),
  /** Per minute of audio transcribed or translated. */
  per_minute: v.optional(Usd),
  /** Per 1M characters billed (text spoken; Vertex AI text embeddings' billable characters). */
  per_1m_characters: v.optional(Usd),
  /**
   * Per image generated: one price, or prices by size and quality
   * (`{ default: 0.04, hd: 0.08, "hd 1792x1024": 0.12 }`, see `imagePrice`).
   */
  per_image: v.optional(v.union([Usd, map(v.record(v.string(), Usd))], 'expected a price or a map of prices by size and quality')),
  /**
   * Token prices of other service tiers, by the name the provider reports in its reply
   * (`{ flex: { input: 0.625, output: 5, cached_input: 0.0625 } }`); other tiers cost the prices above.
   */
  tiers: v.optional(map(v.record(TierName, TierPriceSchema))),
});

/** A price in the config (`pricing:`, a provider's `pricing:`): absent token prices are 0. */
export const PriceSchema = map(v.strictObject({
  ...PriceEntrySchema.entries,
  input: v.optional(Usd, 0),
  output: v.optional(Usd, 0),
}));

/** A price as written in YAML (config or preset catalogue). */
export type PriceEntry = v.InferOutput<typeof PriceEntrySchema>;

/** A `per_image` key in its runtime form: lower-case words, one space apart (`HD  1792x1024` → `hd 1792x1024`). */
function imagePriceKey(key: string): string {
  return key.toLowerCase().split(/\s+/).filter(Boolean).join(' ');
}

/** The runtime form of a price; absent token prices are 0, absent unit prices stay absent. */
export function toModelPrice(p: PriceEntry): ModelPrice {
  const price: ModelPrice = toTokenPrice(p);
  if (p.per_minute !== undefined) price.perMinute = p.per_minute;
  if (p.per_1m_characters !== undefined) price.perMillionCharacters = p.per_1m_characters;
  if (typeof p.per_image === 'number') price.perImage = p.per_image;
  else if (p.per_image) {
    const by: Record<string, number> = {};
    for (const [key, usd] of Object.entries(p.per_image)) {
      const words = imagePriceKey(key);
      if (words === 'default') price.perImage = usd;
      else by[words] = usd;
    }
    if (Object.keys(by).length > 0) price.perImageBy = by;
  }
  if (p.tiers && Object.keys(p.tiers).length > 0) {
    const tiers: Record<string, TierPrice> = {};
    for (const [name, tier] of Object.entries(p.tiers)) tiers[name] = toTokenPrice(tier);
    price.tiers = tiers;
  }
  return price;
}

/** The token prices of a price entry or a tier; absent input and output are 0, absent cache prices stay absent. */
function toTokenPrice(p: Pick<PriceEntry, 'input' | 'output' | 'cached_input' | 'cache_write' | 'cache_write_1h'>): TierPrice {
  const price: TierPrice = { input: p.input ?? 0, output: p.output ?? 0 };
  if (p.cached_input !== undefined) price.cachedInput = p.cached_input;
  if (p.cache_write !== undefined) price.cacheWrite = p.cache_write;
  if (p.cache_write_1h !== undefined) price.cacheWrite1h = p.cache_write_1h;
  return price;
}

/** The routing strategies of combos (`strategy`) and of a provider's accounts (`account_strategy`). */
export const ROUTING_STRATEGIES = ['fill-first', 'round-robin', 'p2c', 'random', 'least-used', 'cost-optimized', 'weighted', 'session'] as const;
const Strategy = v.picklist(ROUTING_STRATEGIES, `must be one of ${ROUTING_STRATEGIES.join(', ')}`);

export const ProviderSchema = map(v.looseObject({
  /** Wire format / adapter id (`openai`, `anthropic`, `gemini`, `mock`, …). */
  type: v.optional(v.string()),
  /** Bundled preset that fills base URL, type, models, pricing and quirks. */
  preset: v.optional(v.string()),
  base_url: v.optional(v.pipe(v.string(), v.url())),
  keys: v.optional(v.array(v.string())),
  accounts: v.optional(v.array(AccountSchema)),
  account_strategy: v.optional(Strategy),
  models: v.optional(v.array(v.string())),
  headers: v.optional(map(v.record(v.string(), v.string()))),
  /** Header carrying the key (`authorization` + `Bearer`, `x-api-key`); defaults from preset/type. */
  auth: v.optional(map(v.strictObject({ header: v.pipe(v.string(), v.minLength(1)), scheme: v.optional(v.string()) }))),
  allow_private_network: v.optional(v.boolean()),
  proxy: v.optional(v.string()),
  timeouts: v.optional(TimeoutsSchema),
  pricing: v.optional(map(v.record(v.string(), PriceSchema))),
  quirks: v.optional(map(v.record(v.string(), v.unknown()))),
  enabled: v.optional(v.boolean(), true),
}));

export const ComboSchema = map(v.strictObject({
  strategy: v.optional(Strategy, 'fill-first'),
  models: v.pipe(v.array(v.string()), v.minLength(1)),
  /** Strategy options (e.g. `sticky` for round-robin, `weights`). */
  options: v.optional(map(v.record(v.string(), v.unknown()))),
}));

/** `- name`, `- name: {config}`, `- ./path.ts`, `- ./path.ts: {config}`, `- name: false`. */
export const PluginEntrySchema = v.union([
  v.string(),
  v.pipe(
    v.record(v.string(), v.union([map(v.record(v.string(), v.unknown())), v.boolean(), v.null()])),
    v.check((o) => Object.keys(o).length === 1, 'a plugin entry names exactly one plugin'),
  ),
]);

export const ConfigSchema = v.strictObject({
  server: v.optional(ServerSchema, {}),
  auth: v.optional(AuthSchema, {}),
  logging: v.optional(LoggingSchema, {}),
  /** Global outbound proxy (`http://host:port`); a provider's `proxy` wins. */
  proxy: v.optional(v.string()),
  /** Defaults for every provider's timeouts. */
  timeouts: v.optional(TimeoutsSchema, {}),
  request: v.optional(
    map(v.strictObject({
      /** One deadline for the whole request across all attempts. */
      deadline_ms: v.optional(PositiveMs, 600_000),
    })),
    {},
  ),
  providers: v.optional(map(v.record(v.string(), ProviderSchema)), {}),
  aliases: v.optional(map(v.record(v.string(), v.string())), {}),
  combos: v.optional(map(v.record(v.string(), ComboSchema)), {}),
  plugins: v.optional(v.array(PluginEntrySchema), []),
  /** Price overrides per `provider/model` or bare model name. */
  pricing: v.optional(map(v.record(v.string(), PriceSchema)), {}),
});

export type GatewayConfig = v.InferOutput<typeof ConfigSchema>;
export type ProviderConfig = v.InferOutput<typeof ProviderSchema>;
export type PluginEntry = v.InferOutput<typeof PluginEntrySchema>;
