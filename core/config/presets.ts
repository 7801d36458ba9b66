import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import type { ModelPrice } from '../plugin/types.ts';
import { PriceEntrySchema, toModelPrice } from './schema.ts';
import { yamlPackage } from './yaml-package.ts';

/** How a provider expects its key: `authorization: Bearer <key>`, `x-api-key: <key>`. */
export interface ProviderAuth {
  /** Lower-case header name. */
  header: string;
  /** Prefix before the key (`Bearer`); absent means the bare key. */
  scheme?: string;
}

/** One entry of the bundled provider catalogue, in runtime (camelCase) form. */
export interface Preset {
  id: string;
  name: string;
  /** Adapter id that speaks its wire format (`openai`, `anthropic`, `gemini`). */
  type: string;
  /** Empty for a vendor whose URL is each customer's own (Azure): the entry gives it. */
  baseUrl: string;
  /** The environment variable that holds that URL, read by the first run beside the key (`AZURE_OPENAI_ENDPOINT`). */
  baseUrlEnv?: string;
  auth: ProviderAuth;
  /** Environment variables that may hold a key, in order of preference. */
  env: string[];
  /** The entry field the first run fills from that variable: `keys` (a list), or e.g. `credentials` (a key file's path). */
  envField: string;
  /** A server on this machine or LAN (no key needed). */
  local: boolean;
  allowPrivateNetwork: boolean;
  docs?: string;
  headers: Record<string, string>;
  /** Known model ids, in catalogue order. */
  models: string[];
  /** Published prices (USD per 1M tokens) by model id. */
  pricing: Record<string, ModelPrice>;
  quirks: Record<string, unknown>;
  /**
   * Quirks for some models, keyed by model id or glob (`o*`). A model entry's
   * `max_output_tokens` (its output limit) is here as that model's `max_output_tokens` quirk,
   * where the providers read it; an explicit `model_quirks` entry for the same id wins.
   */
  modelQuirks: Record<string, Record<string, unknown>>;
}

/** The catalogue by preset id, in file order. */
export type PresetCatalogue = ReadonlyMap<string, Preset>;

/** Where the bundled catalogue lives (`config/presets/providers.yaml` of the package). */
export const DEFAULT_PRESETS_FILE = join(import.meta.dir, '..', '..', 'config', 'presets', 'providers.yaml');

const Id = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case'));
const EnvName = v.pipe(v.string(), v.regex(/^[A-Z_][A-Z0-9_]*$/, 'env names are UPPER_SNAKE'));
const Quirks = v.record(v.string(), v.unknown());
/**
 * One model entry: its published prices and output limit (`max_output_tokens`, the most output
 * tokens the vendor's API takes for it). `model:` alone (null) or `{}`: a known model without
 * either.
 */
const ModelEntry = v.nullish(v.object({
  ...PriceEntrySchema.entries,
  max_output_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
}));

const PresetEntrySchema = v.pipe(
  v.strictObject({
    id: Id,
    name: v.string(),
    type: v.string(),
    /** Absent for a vendor whose URL is each customer's own: then `base_url_env` names the variable that holds it. */
    base_url: v.optional(v.pipe(v.string(), v.url())),
    base_url_env: v.optional(EnvName),
    auth: v.optional(v.object({ header: v.string(), scheme: v.optional(v.string()) })),
    env: v.optional(v.union([EnvName, v.array(EnvName)])),
    env_field: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*$/, 'env_field names a provider entry field (snake_case)'))),
    local: v.optional(v.boolean()),
    allow_private_network: v.optional(v.boolean()),
    docs: v.optional(v.pipe(v.string(), v.url())),
    headers: v.optional(v.record(v.string(), v.string())),
    models: v.optional(v.nullable(v.record(v.string(), ModelEntry))),
    quirks: v.optional(Quirks),
    model_quirks: v.optional(v.record(v.string(), Quirks)),
  }),
  v.check((p) => p.base_url !== undefined || p.base_url_env !== undefined, 'a preset needs base_url, or base_url_env when each user has their own'),
  v.check((p) => {
    if (p.base_url === undefined || !URL.canParse(p.base_url)) return true; // absent, or already reported by v.url()
    const protocol = new URL(p.base_url).protocol;
    return protocol === 'https:' || (p.local === true && protocol === 'http:');
  }, 'base_url must be https (http only for local presets)'),
);

const CatalogueSchema = v.object({ presets: v.array(PresetEntrySchema) });

type PresetEntry = v.InferOutput<typeof PresetEntrySchema>;

/** Default auth header per wire format, for presets that do not say. */
export function defaultAuth(type: string): ProviderAuth {
  if (type === 'anthropic') return { header: 'x-api-key' };
  if (type === 'gemini') return { header: 'x-goog-api-key' };
  if (type === 'deepgram') return { header: 'authorization', scheme: 'Token' };
  if (type === 'azure' || type === 'azure-responses') return { header: 'api-key' };
  return { header: 'authorization', scheme: 'Bearer' };
}

/** The runtime form of one entry, defaults applied (here, not in the schema: `loadPresets` maps the bundled file unvalidated). */
function toPreset(e: PresetEntry): Preset {
  const pricing: Record<string, ModelPrice> = {};
  const modelQuirks: Record<string, Record<string, unknown>> = { ...e.model_quirks };
  for (const [model, entry] of Object.entries(e.models ?? {})) {
    if (!entry) continue;
    const { max_output_tokens: limit, ...price } = entry;
    // `{}` is a known model without a published price.
    if (Object.values(price).some((x) => x !== undefined)) pricing[model] = toModelPrice(price);
    if (limit !== undefined) modelQuirks[model] = { max_output_tokens: limit, ...modelQuirks[model] };
  }
  const auth = e.auth ? { header: e.auth.header.toLowerCase(), ...(e.auth.scheme ? { scheme: e.auth.scheme } : {}) } : defaultAuth(e.type);
  return {
    id: e.id,
    name: e.name,
    type: e.type,
    baseUrl: (e.base_url ?? '').replace(/\/+$/, ''),
    ...(e.base_url_env ? { baseUrlEnv: e.base_url_env } : {}),
    auth,
    env: typeof e.env === 'string' ? [e.env] : (e.env ?? []),
    envField: e.env_field ?? 'keys',
    local: e.local ?? false,
    allowPrivateNetwork: (e.allow_private_network ?? false) || (e.local ?? false),
    ...(e.docs ? { docs: e.docs } : {}),
    headers: e.headers ?? {},
    models: Object.keys(e.models ?? {}),
    pricing,
    quirks: e.quirks ?? {},
    modelQuirks,
  };
}

/**
 * Parses YAML text. Bun's native parser is ~30x faster than the `yaml` package here (about
 * 1 ms vs 20-50 ms for this file on a small machine) but reports no position, so the `yaml`
 * package runs only to locate an error.
 */
function parseYamlFast(text: string, file: string): unknown {
  try {
    return Bun.YAML.parse(text);
  } catch {
    const { LineCounter, parseDocument } = yamlPackage();
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const yamlError = doc.errors[0];
    if (!yamlError) throw new Error(`${file}: not valid YAML`);
    const { line, col } = lineCounter.linePos(yamlError.pos[0]);
    throw new Error(`${file}:${line}:${col}: ${yamlError.message}`);
  }
}

/**
 * Parses and validates catalogue text. Throws an Error naming the file and field on a bad
 * catalogue: a broken bundled catalogue is a packaging bug, not a user error.
 */
export function parsePresets(text: string, file = 'providers.yaml'): PresetCatalogue {
  const parsed = v.safeParse(CatalogueSchema, parseYamlFast(text, file));
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = (issue.path ?? []).map((p) => String(p.key)).join('.');
    throw new Error(`${file}: ${path || '(root)'}: ${issue.message}`);
  }
  return toCatalogue(parsed.output.presets, file);
}

function toCatalogue(entries: readonly PresetEntry[], file: string): PresetCatalogue {
  const catalogue = new Map<string, Preset>();
  for (const entry of entries) {
    if (catalogue.has(entry.id)) throw new Error(`${file}: duplicate preset id "${entry.id}"`);
    catalogue.set(entry.id, toPreset(entry));
  }
  return catalogue;
}

const cache = new Map<string, PresetCatalogue>();

/**
 * The provider catalogue, read once per file and cached for the process. Another file is
 * validated (throws like `parsePresets`); the bundled one is validated by its test instead
 * of on every start, where validation cost ~1 MB of memory.
 */
export function loadPresets(file: string = DEFAULT_PRESETS_FILE): PresetCatalogue {
  const hit = cache.get(file);
  if (hit) return hit;
  const text = readFileSync(file, 'utf8');
  const catalogue = file === DEFAULT_PRESETS_FILE
    ? toCatalogue((parseYamlFast(text, file) as { presets: PresetEntry[] }).presets, file)
    : parsePresets(text, file);
  cache.set(file, catalogue);
  return catalogue;
}
