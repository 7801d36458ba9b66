import type { GenericSchema } from 'valibot';
import type { GatewayEvents } from '../bus/events.ts';
import type { GatewayError, GatewayErrorInit } from '../errors/gateway-error.ts';
import type { ChatRequest, ChatResult, Dialect, StreamPart } from '../types/hub.ts';
import type { HttpClient, OutboundInit } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';

export type Awaitable<T> = T | Promise<T>;
export type Dispose = () => void | Promise<void>;

export type PluginKind = 'provider' | 'translator' | 'endpoint' | 'cache' | 'guard' | 'router' | 'observer';

/**
 * A plugin: a module whose default export is this plain object. It needs no runtime import of
 * the host; everything it registers goes through `ctx` and is removed on dispose.
 */
export interface Plugin<C = unknown> {
  name: string;
  kind: PluginKind;
  apiVersion: 1;
  description?: string;
  /** valibot schema of the plugin's config; validated before setup, also rendered as a form. */
  config?: GenericSchema<unknown, C>;
  /** On a hook error: `open` skips this plugin for the request, `closed` fails it with 503. */
  failMode?: 'open' | 'closed';
  /** Built-in plugins loaded without being listed in `plugins:` (translators, providers…). */
  autoload?: boolean;
  setup(ctx: PluginContext<C>): void | Dispose | Promise<void | Dispose>;
}

// ---------------------------------------------------------------------------------------------
// Operations: chat is the core one; endpoint plugins add theirs by declaration merging.

/** Request and result types per operation. Extend with `interface Operations { embed: {…} }`. */
export interface Operations {
  chat: { request: ChatRequest; result: ChatResult };
}
export type OperationName = keyof Operations & string;

/** A decoded client request. `model` is what the client asked for. */
export interface GatewayRequest<Op extends OperationName = OperationName> {
  operation: Op;
  model: string;
  stream: boolean;
  body: Operations[Op]['request'];
  /** The client's parsed JSON body, kept for the passthrough lane (never mutated). */
  raw?: Record<string, unknown>;
  /**
   * The upstream call records something a replayed answer would skip (a stored response, a
   * conversation turn): a response cache must not answer it.
   */
  mustCall?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Per-request context

/** What the api-key guard learned about the caller. */
export interface ClientKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes?: string[];
  limits?: { rpm?: number; tpm?: number; dailyBudgetUsd?: number; monthlyBudgetUsd?: number };
  expiresAt?: number | null;
}

/** Resolved provider config (from YAML + preset), one per configured provider. */
export interface ProviderRuntime {
  /** The config key, used as the model prefix (`groq/llama…`). */
  name: string;
  /** The adapter id that speaks its wire format (`openai`, `anthropic`, `gemini`, `mock`…). */
  type: string;
  baseUrl: string;
  accounts: AccountRuntime[];
  accountStrategy: string;
  /** Models known for this provider (preset list + config `models`). Empty means "any". */
  models: string[];
  headers: Record<string, string>;
  allowPrivateNetwork: boolean;
  proxy?: string;
  timeouts: Timeouts;
  /**
   * The limits of a call whose reply is not streamed, when they differ: its head comes with the
   * whole answer, so unless `first_byte_ms` is configured the wait for it is bounded by `totalMs`.
   */
  wholeReplyTimeouts?: Timeouts;
  /** Wire quirks from the preset (e.g. `system_as_user`, `no_stream_usage`). */
  quirks: Record<string, unknown>;
  /** Per-model prices in USD per 1M tokens. */
  pricing: Record<string, ModelPrice>;
  /** Everything else from the provider's YAML entry, for the adapter's own options. */
  options: Record<string, unknown>;
  /** Name of the preset it came from, if any. */
  preset?: string;
  /**
   * Header that carries the account secret: `{ header: 'authorization', scheme: 'Bearer' }`
   * sends `authorization: Bearer <key>`; without scheme the bare key (`x-api-key: <key>`).
   * Filled by config resolution from the entry's `auth:`, the preset, or the type's default.
   */
  auth?: { header: string; scheme?: string };
}

/** USD prices of one model: per 1M tokens, and per unit for models billed otherwise. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
  /** USD per 1M input tokens written to a prompt cache; default: `input`. */
  cacheWrite?: number;
  /** USD per 1M input tokens written to a prompt cache for an hour; default: `cacheWrite`. */
  cacheWrite1h?: number;
  /** Per minute of audio transcribed or translated (Whisper, Deepgram Nova). */
  perMinute?: number;
  /** Per 1M characters of text spoken (tts-1, Deepgram Aura). */
  perMillionCharacters?: number;
  /** Per image generated (dall-e-3); with `perImageBy`, the price when no entry there matches. */
  perImage?: number;
  /**
   * Per image by the request's size and quality: keys are one or two lower-case words
   * (`hd`, `1792x1024`, `hd 1792x1024`); the entry with the most words, all of them in the
   * request, wins (see `imagePrice`).
   */
  perImageBy?: Record<string, number>;
  /**
   * Token prices of other service tiers, by the tier's name as the provider reports it
   * (`flex`, `priority`): a request served at one of them is billed its tokens at those prices
   * (see `billedTier`); at any other tier, at the prices above.
   */
  tiers?: Record<string, TierPrice>;
}

/** A service tier's USD prices per 1M tokens; absent cache prices follow the same defaults as a model's. */
export type TierPrice = Pick<ModelPrice, 'input' | 'output' | 'cachedInput' | 'cacheWrite' | 'cacheWrite1h'>;

export interface AccountRuntime {
  /** Stable id within the provider: `label` or `key-N`. */
  id: string;
  label: string;
  /** The secret (API key or token). Never logged. */
  secret?: string;
  /**
   * Which account this is, apart from where it sits in the config: a short keyed hash of its
   * secret, or of a stored account's provider and id (never the secret, not reversible, safe to
   * log). `keys:` accounts are named by position, so removing one moves the next into its id;
   * guards hold per-account state under the fingerprint it was earned with and start over when
   * the account at that id has another. Set once when provider runtimes are built
   * (`resolveProviders`, `withStoredAccounts`); a runtime made without one is known by its id alone.
   */
  fingerprint?: string;
  priority: number;
  weight: number;
  limits?: Record<string, unknown>;
}

export interface Timeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  totalMs: number;
}

/** One target of a route plan. */
export interface Target {
  provider: string;
  model: string;
  account?: string;
}

/** The answer of `selectRoute`: ordered targets plus the strategy that ordered them. */
export interface RoutePlan {
  targets: Target[];
  strategy?: string;
  /** The combo or alias that produced it, for logs. */
  via?: string;
}

/** Per-request context handed to hooks, providers and translators. */
export interface CallContext {
  readonly id: string;
  readonly dialect: Dialect;
  readonly operation: OperationName;
  readonly requestedModel: string;
  /** `performance.now()` at arrival. */
  readonly startedAt: number;
  /** Aborted when the client disconnects or the request deadline passes. */
  readonly signal: AbortSignal;
  readonly http: HttpInput;
  key?: ClientKeyInfo;
  /** Epoch ms after which no new attempt starts and the current one is aborted. */
  deadline?: number;
  /** Headers added to the client response. */
  readonly responseHeaders: Headers;
  /** Per-request data shared between hooks (keyed by plugin name by convention). */
  readonly state: Map<string, unknown>;
  readonly providers: ReadonlyMap<string, ProviderRuntime>;
  /** The config of the snapshot this request runs on (not necessarily the newest). */
  readonly config: Readonly<import('../config/schema.ts').GatewayConfig>;
  readonly log: Logger;
}

/** The inbound HTTP request as translators see it. */
export interface HttpInput {
  readonly request: Request;
  readonly url: URL;
  readonly method: string;
  readonly params: Record<string, string>;
  readonly headers: Headers;
  readonly clientIp?: string;
  /** Parsed JSON body (POST with a JSON body), already size-, UTF-8- and depth-checked. */
  readonly body?: unknown;
  /** The client key the request authenticated with (set before `decode`; none when keys are off). */
  readonly key?: ClientKeyInfo;
}

/** One upstream attempt. */
export interface Attempt {
  readonly n: number;
  /** True for the plan's last target: guards must not eject it (its error passes through). */
  readonly last: boolean;
  readonly target: Target;
  readonly provider: ProviderRuntime;
  readonly account?: AccountRuntime;
  /** Aborted with the request, or when this attempt is abandoned. */
  readonly signal: AbortSignal;
  /** True when this attempt forwards the client's bytes unchanged. */
  readonly passthrough: boolean;
  /** The outbound client bound to this provider's SSRF policy, proxy, timeouts and signal. */
  fetch(url: string, init?: OutboundInit): Promise<Response>;
}

/**
 * What one attempt produced. Streams are returned only once past the commit point.
 * `passthrough` carries the upstream's own bytes: for a stream, the chunks read up to the commit
 * point (`prelude`) and the `reader` for the rest; for a complete reply, the whole body in
 * `prelude` and no reader. `parts` are what the side parser has read so far (usage, finish).
 */
export type CallResult =
  | { type: 'result'; result: ChatResult | unknown }
  | { type: 'stream'; parts: ReadableStream<StreamPart> }
  | {
    type: 'passthrough'; status: number; headers: Headers; parser: StreamParser;
    prelude: Uint8Array[]; reader?: ReadableStreamDefaultReader<Uint8Array>; parts: StreamPart[];
    createFilter?: () => ByteFilter;
  };

/**
 * A short-circuit answer from `beforeRequest`. `respond` with a complete chat result (`type:
 * 'result'`) answers a streamed request as a stream of its parts, in the client's dialect.
 */
export type Short = { respond: CallResult; reason: string } | { reject: GatewayError };

/**
 * The five hook points. Each has one execution style; the order is the order of `plugins:`.
 *
 * Error policy: a hook that throws is wrapped with the plugin and hook name. For a plugin with
 * `failMode: 'open'` (the default) the hook is skipped for that request and `plugin:errored` is
 * emitted; with `failMode: 'closed'` the request fails with 503 GW_PLUGIN_FAILED. A thrown
 * GatewayError is never wrapped: it is the plugin's deliberate answer to the client.
 */
export interface HookPoints {
  /** Sequential. Return a new request, `{respond}`/`{reject}` to short-circuit, or nothing. */
  beforeRequest(req: GatewayRequest, call: CallContext): Awaitable<GatewayRequest | Short | void>;
  /** First answer wins. Return a plan or nothing to let the next router decide. */
  selectRoute(req: GatewayRequest, call: CallContext): Awaitable<RoutePlan | void>;
  /**
   * Onion around each upstream attempt; call `next()` to reach the provider with the request
   * (`req`, what the previous layer passed down), or `next(other)` to send the layers below, and
   * the provider, another one (a trimmed or rewritten request for this attempt only).
   */
  wrapCall(next: (req?: GatewayRequest) => Promise<CallResult>, attempt: Attempt, call: CallContext, req: GatewayRequest): Promise<CallResult>;
  /**
   * Sync, sequential, per stream part. Return the part (or another), several parts, or `null`
   * (or `[]`) to drop it; returning nothing leaves the part unchanged.
   */
  transformPart(part: StreamPart, call: CallContext): StreamPart | StreamPart[] | null | void;
  /** Sequential in reverse order, for non-streamed results. Return a new result or nothing. */
  afterResponse(res: CallResult, call: CallContext): Awaitable<CallResult | void>;
}
export type HookName = keyof HookPoints;

// Capabilities (provider adapters, translators, routes…) live in capability-types.ts.
export type * from './capability-types.ts';
import type { ByteFilter, Capabilities, ProviderAdapter, StreamParser } from './capability-types.ts';

/** Host services a plugin may use without importing the host. */
export interface HostServices {
  readonly dataDir: string;
  readonly version: string;
  /** The clock; tests inject a fake one. */
  now(): number;
  /**
   * Client key lookup (hash compare in the database). The host answers synchronously; callers
   * `await` it (a plain value or a promise both work). Unknown and revoked keys are undefined;
   * an expired key is answered (check `expiresAt`), so its refusal can say why.
   */
  findKey(secret: string): Awaitable<ClientKeyInfo | undefined>;
  /** The shared outbound HTTP client (SSRF guard, timeouts, proxies). */
  readonly http: HttpClient;
  /** The gateway config as loaded (secrets interpolated; never log it). */
  config(): Readonly<import('../config/schema.ts').GatewayConfig>;
  /** The providers of the snapshot now serving, with their accounts (secrets included; never log them). */
  providers(): ReadonlyMap<string, ProviderRuntime>;
  /** Usage repository, for plugins that aggregate (quota, budgets). */
  readonly usage: import('../db/usage-repo.ts').UsageQueries;
  /**
   * OAuth token store and live quota windows for subscription providers (`getAccessToken` at
   * request time, `register` a provider type's OAuth data). Absent when the host has no database.
   */
  readonly oauth?: import('../oauth/oauth-types.ts').OAuthHost;
  /**
   * The adapter serving provider type `id` in the snapshot now serving, so a provider can reuse
   * another's wire code by delegation (plugins never import each other). Undefined when no
   * loaded plugin provides it.
   */
  adapter?(id: string): ProviderAdapter | undefined;
  /**
   * Adds a secret value (a token obtained at run time) to the logger's redaction list, so it
   * never appears in log lines or error text. Values shorter than 8 characters are ignored.
   */
  registerSecret?(value: string): void;
  /**
   * Masks every secret the gateway knows (configured provider keys, tokens, env values) and
   * well-known key shapes in `text`: what a plugin sends outside (spans, webhooks) goes through it.
   */
  redact?(text: string): string;
  /**
   * Encryption for what a plugin keeps at rest (AES-256-GCM with the gateway's key ring, the
   * one that seals OAuth tokens). `aad` binds a blob to its place (a row id): it is checked, not
   * stored. `open` throws when the blob's key was rotated away or the data was altered.
   */
  readonly secretBox?: SecretBox;
  /**
   * The environment the gateway was started with (`GatewayOptions.env`, else `process.env`),
   * for a plugin that looks up credentials the way a platform's own tools do (Google's
   * Application Default Credentials, AWS profiles). Plugins read it here, never `process.env`,
   * so tests inject it. Holds secrets: never log it.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** See `HostServices.secretBox`. */
export interface SecretBox {
  seal(plaintext: string, aad: string): { blob: Uint8Array; keyId: string };
  open(blob: Uint8Array, keyId: string, aad: string): string;
}

export interface PluginContext<C = unknown> {
  readonly name: string;
  readonly config: Readonly<C>;
  readonly log: Logger;
  /** Aborted when this instance is disposed. */
  readonly signal: AbortSignal;
  readonly host: HostServices;
  hook<P extends HookName>(point: P, fn: HookPoints[P], opts?: { order?: 'pre' | 'post' }): void;
  on<E extends keyof GatewayEvents>(type: E, fn: (e: GatewayEvents[E]) => void): void;
  /** Listens to every event. */
  onAny(fn: (type: keyof GatewayEvents, e: GatewayEvents[keyof GatewayEvents]) => void): void;
  /**
   * Emits one of this plugin's own events, named `<plugin-name>:<noun>-<verb>ed` (declare it by
   * merging into `GatewayEvents`). Throws for any other name: core events and other plugins'
   * are stated only by their owner.
   */
  emit<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void;
  provide<K extends keyof Capabilities>(kind: K, impl: Capabilities[K]): void;
  /**
   * A GatewayError without importing the host. `status` defaults to the code's (`GW_FORBIDDEN`:
   * 403, unknown codes: 500). A provider marks what another attempt may cure in `init`:
   * `retryable`, the upstream's `retryAfterMs` and its `upstream` status and message (the retry
   * and cooldown guards read them).
   */
  error(code: string, message: string, status?: number, init?: Omit<GatewayErrorInit, 'status' | 'cause'>): GatewayError;
  /** Runs on dispose, last registered first. */
  onDispose(fn: Dispose): void;
  /**
   * State that outlives this instance: the first call in a gateway makes it, and every later
   * instance of this plugin (a reload after a config or code edit) gets the same value, until the
   * gateway stops. For counters, cooldowns and in-flight holds that an edit must not reset; a
   * value that holds the config or `ctx` must be updated from the new instance's setup.
   */
  keep<T>(make: () => T): T;
}
