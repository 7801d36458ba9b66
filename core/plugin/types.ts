import type { GenericSchema } from 'valibot';
import type { GatewayEvents } from '../bus/events.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
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

export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

export interface AccountRuntime {
  /** Stable id within the provider: `label` or `key-N`. */
  id: string;
  label: string;
  /** The secret (API key or token). Never logged. */
  secret?: string;
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

/** A short-circuit answer from `beforeRequest`. */
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
  /** Onion around each upstream attempt; call `next()` to reach the provider. */
  wrapCall(next: () => Promise<CallResult>, attempt: Attempt, call: CallContext): Promise<CallResult>;
  /** Sync, sequential, per stream part. Return the part, several parts, or null to drop it. */
  transformPart(part: StreamPart, call: CallContext): StreamPart | StreamPart[] | null;
  /** Sequential in reverse order, for non-streamed results. Return a new result or nothing. */
  afterResponse(res: CallResult, call: CallContext): Awaitable<CallResult | void>;
}
export type HookName = keyof HookPoints;

// ---------------------------------------------------------------------------------------------
// Capabilities: looked up by id, neither hooks nor events.

/** A provider adapter speaks one upstream wire format. All operations are optional. */
export interface ProviderAdapter {
  /** The `type:` value it serves (`openai`, `anthropic`, …). */
  id: string;
  /** The client dialect this upstream speaks natively; enables the passthrough lane. */
  nativeDialect?: Dialect;
  chat?: {
    generate(req: ChatRequest, attempt: Attempt, call: CallContext): Promise<ChatResult>;
    /** Resolves once the upstream answered 2xx; throws a GatewayError otherwise. */
    stream(req: ChatRequest, attempt: Attempt, call: CallContext): Promise<ReadableStream<StreamPart>>;
    /**
     * Forwards the client's own JSON body with only `model` replaced, and answers with the raw
     * upstream response (2xx only; errors throw) and a parser that reads it on the side.
     */
    passthrough?(body: Record<string, unknown>, attempt: Attempt, call: CallContext): Promise<PassthroughReply>;
  };
  /** Other operations (`embed`, `image`, …) by operation name. */
  operations?: Partial<{ [Op in OperationName]: (req: Operations[Op]['request'], attempt: Attempt, call: CallContext) => Promise<unknown> }>;
  listModels?(provider: ProviderRuntime, call?: CallContext): Promise<string[]>;
  /**
   * The upstream request `chat.generate`/`chat.stream` would send for `req` (`req.model` is the
   * upstream model id, `req.stream` picks the mode) to `provider` with its first account. Pure:
   * no network, no side effects. Used by the dashboard playground; credentials appear as they
   * would be sent, so callers mask them before showing anything.
   */
  preview?(req: ChatRequest, provider: ProviderRuntime): UpstreamPreview;
}

/** An upstream request as a provider adapter would send it (see `ProviderAdapter.preview`). */
export interface UpstreamPreview {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body: unknown;
}

export interface PassthroughReply {
  response: Response;
  /** Incremental parser of the upstream bytes into parts (usage, commit, errors). */
  parser: StreamParser;
  /**
   * Optional edit of the bytes on their way to the client (the parser still reads the
   * upstream's own bytes): e.g. dropping a usage frame the gateway asked for and the client did
   * not. A factory, so a replay of the same bytes (idempotency) gets a fresh filter.
   */
  createFilter?: () => ByteFilter;
}

/** A stateful byte edit: `chunk` returns what to send now (may hold bytes back), `end` the rest. */
export interface ByteFilter {
  chunk(bytes: Uint8Array): Uint8Array | undefined;
  end(): Uint8Array | undefined;
}

/** Push parser: bytes in, stream parts out. Used for normal streams and the passthrough lane. */
export interface StreamParser {
  push(chunk: Uint8Array): StreamPart[];
  /** End of input; returns the remaining parts (or an error part for a truncated stream). */
  end(): StreamPart[];
}

/**
 * A translator owns one client dialect: its routes, decoding into the hub, and encoding
 * results, streams and errors back. Endpoint plugins provide the same shape for other operations.
 */
export interface Translator {
  dialect: Dialect;
  routes: RouteSpec[];
  /**
   * Validates and decodes; throws GatewayError (400) on bad input. For a route with
   * `body: 'stream'` the body is not read beforehand: decode reads it (it may be async).
   */
  decode(input: HttpInput): GatewayRequest | Promise<GatewayRequest>;
  /** Encodes a complete result as the dialect's HTTP response. */
  encodeResult(result: unknown, req: GatewayRequest, call: CallContext): Response;
  /** Encodes normalized parts as the dialect's stream (SSE or otherwise). */
  encodeStream(parts: ReadableStream<StreamPart>, req: GatewayRequest, call: CallContext): ReadableStream<Uint8Array>;
  /**
   * Optional: the encoder behind `encodeStream`, part by part. When a translator has one, the
   * pipeline drives it inside its own single stream layer instead of calling `encodeStream`
   * (one stream and its promises fewer per streamed request). It must produce exactly the text
   * `encodeStream` would for the same parts.
   */
  createStreamEncoder?(req: GatewayRequest, call: CallContext): StreamEncoder;
  /** The dialect's error envelope with the right HTTP status. */
  encodeError(err: GatewayError, call?: Partial<CallContext>): Response;
  /** One stream frame carrying an error, for a passthrough stream that broke mid-way. */
  encodeStreamError?(err: GatewayError, call?: CallContext): string;
  /** Headers of a stream response (content type etc.). */
  streamHeaders?(req: GatewayRequest, call: CallContext): Record<string, string>;
}

/**
 * A stateful part → text encoder of a dialect's stream (see `Translator.createStreamEncoder`).
 * `push` returns the frames for one part ('' for none); `end` the closing frames once the
 * source ended; `fail` one error frame when the source broke. Once `closed` (an error frame or
 * the end went out) it ignores everything, and the pipeline stops reading the source.
 */
export interface StreamEncoder {
  push(part: StreamPart): string;
  end(): string;
  fail(err: GatewayError): string;
  readonly closed: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A route a translator or endpoint serves. Without `handle` it runs the gateway pipeline with
 * the translator's decode/encode; with `handle` it answers by itself (e.g. `GET /v1/models`).
 * `path` uses `:param` segments; a `:param` may be followed by a literal suffix such as
 * `:generateContent` after the colon-escaped form `{model}:generateContent`.
 */
export interface RouteSpec {
  method: HttpMethod;
  path: string;
  summary?: string;
  /** Client key required (default true for `/v1*` routes). */
  auth?: boolean;
  /**
   * `json` (default): the core reads and checks the JSON body before `decode`. `stream`: the
   * body is left unread for `decode` (multipart uploads); the core still refuses a declared
   * Content-Length over the limit with 413 before anything is read.
   */
  body?: 'json' | 'stream';
  /** This route's body limit in MB (default `server.body_limit_mb`). */
  bodyLimitMb?: number;
  handle?(input: HttpInput, host: RouteHost): Promise<Response> | Response;
}

/** What a custom route handler may use. */
export interface RouteHost {
  readonly providers: ReadonlyMap<string, ProviderRuntime>;
  readonly aliases: Readonly<Record<string, string>>;
  readonly combos: Readonly<Record<string, { strategy: string; models: string[] }>>;
  /** Authenticates like `/v1/*` does; throws GatewayError 401 when not allowed. */
  authenticate(input: HttpInput): Promise<ClientKeyInfo | undefined>;
  listModels(): Promise<Array<{ id: string; ownedBy: string }>>;
  /** Runs the pipeline for an already decoded request, answering with `translator`'s codec. */
  run(translator: Translator, input: HttpInput, req: GatewayRequest): Promise<Response>;
}

/** An admin API route under `/api/`. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  summary?: string;
  handle(request: Request, params: Record<string, string>): Promise<Response> | Response;
}

/**
 * Who is calling. The pipeline asks it before any hook runs, and custom routes ask it through
 * `RouteHost.authenticate`. Answers the key, `undefined` when keys are not required, or throws
 * GatewayError 401. With no authenticator loaded and keys required, every call is refused.
 */
export interface Authenticator {
  /** May answer synchronously (no promise hop on the request path) or with a promise. */
  authenticate(input: HttpInput): Awaitable<ClientKeyInfo | undefined>;
}

/**
 * Screens every HTTP request before routing and authentication (IP allow/deny lists). Runs on
 * the path of every call, so it must be synchronous and cheap. Returns a GatewayError to refuse
 * the request (answered in the dialect of the route it was meant for, else as the admin JSON
 * error), or `undefined` to let it through. A guard that throws refuses the request with 503.
 */
export interface RequestGuard {
  check(input: { request: Request; url: URL; clientIp?: string }): GatewayError | undefined;
}

/** Capability kinds a plugin may `provide`. */
export interface Capabilities {
  provider: ProviderAdapter;
  translator: Translator;
  endpoint: Translator;
  api: ApiRoute;
  authenticator: Authenticator;
  requestGuard: RequestGuard;
}

/** Host services a plugin may use without importing the host. */
export interface HostServices {
  readonly dataDir: string;
  readonly version: string;
  /** The clock; tests inject a fake one. */
  now(): number;
  /**
   * Client key lookup (hash compare in the database). The host answers synchronously; callers
   * `await` it (a plain value or a promise both work).
   */
  findKey(secret: string): Awaitable<ClientKeyInfo | undefined>;
  /** The shared outbound HTTP client (SSRF guard, timeouts, proxies). */
  readonly http: HttpClient;
  /** The gateway config as loaded (secrets interpolated; never log it). */
  config(): Readonly<import('../config/schema.ts').GatewayConfig>;
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
  emit<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void;
  provide<K extends keyof Capabilities>(kind: K, impl: Capabilities[K]): void;
  error(code: string, message: string, status?: number): GatewayError;
  /** Runs on dispose, last registered first. */
  onDispose(fn: Dispose): void;
}
