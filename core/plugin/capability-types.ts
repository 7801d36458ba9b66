import type { GatewayError } from '../errors/gateway-error.ts';
import type { ChatRequest, ChatResult, Dialect, StreamPart, Usage } from '../types/hub.ts';
import type {
  Attempt, Awaitable, CallContext, ClientKeyInfo, GatewayRequest, HttpInput, OperationName, Operations, ProviderRuntime,
} from './types.ts';

/**
 * The capability contracts: what a plugin may `provide`. Looked up by id in the registry
 * snapshot; neither hooks nor events. Re-exported by types.ts.
 */
// ---------------------------------------------------------------------------------------------
// Capabilities: looked up by id, neither hooks nor events.

/** A provider adapter speaks one upstream wire format. All operations are optional. */
export interface ProviderAdapter {
  /** The `type:` value it serves (`openai`, `anthropic`, …). */
  id: string;
  /** The client dialect this upstream speaks natively; enables the passthrough lane. */
  nativeDialect?: Dialect;
  /**
   * The native dialect of one model, for an adapter whose models speak different wire formats
   * (Vertex AI: Gemini models speak Gemini's, Claude models Anthropic's). Cheap and pure: called
   * per attempt. When present it wins over `nativeDialect` (read it with `nativeDialectFor`).
   */
  nativeDialectOf?(model: string): Dialect | undefined;
  chat?: {
    generate(req: ChatRequest, attempt: Attempt, call: CallContext): Promise<ChatResult>;
    /** Resolves once the upstream answered 2xx; throws a GatewayError otherwise. */
    stream(req: ChatRequest, attempt: Attempt, call: CallContext): Promise<ReadableStream<StreamPart>>;
    /**
     * Forwards the client's own JSON body with only `model` replaced, and answers with the raw
     * upstream response (2xx only; errors throw) and a parser that reads it on the side. `body`
     * is a shallow copy made for this attempt: the adapter may set its top-level fields, never
     * change the nested values (they are the client's request, shared by every attempt).
     * Undefined: the adapter declines the lane for this request (a quirk needs the reply in the
     * hub, e.g. tool calls a local model writes as text), and the attempt is made converted.
     */
    passthrough?(body: Record<string, unknown>, attempt: Attempt, call: CallContext): Promise<PassthroughReply | undefined>;
  };
  /**
   * Other operations (`embed`, `image`, …) by operation name; `countTokens` when the upstream
   * counts a chat request's input tokens exactly (see `CountTokensRequest`).
   */
  operations?: Partial<{ [Op in OperationName]: (req: Operations[Op]['request'], attempt: Attempt, call: CallContext) => Promise<unknown> }>;
  listModels?(provider: ProviderRuntime, call?: CallContext): Promise<string[]>;
  /**
   * Model ids a provider of this type offers when its config and preset list none (the mock's
   * behaviours): they are listed by `/v1/models` and the dashboard like configured ones.
   */
  defaultModels?: readonly string[];
  /**
   * Entry options that give a provider of this type credentials of its own (Bedrock `profile`,
   * Vertex `credentials`, Azure `entra`): an entry with one of them set needs no `keys:`, and the
   * dashboard does not report it as having no accounts.
   */
  credentialOptions?: readonly string[];
  /**
   * The upstream request `chat.generate`/`chat.stream` would send for `req` (`req.model` is the
   * upstream model id, `req.stream` picks the mode) to `provider` with its first account. Pure:
   * no network, no side effects. Used by the dashboard playground; credentials appear as they
   * would be sent, so callers mask them before showing anything. May resolve later (an adapter
   * whose code is loaded on first use).
   */
  preview?(req: ChatRequest, provider: ProviderRuntime): UpstreamPreview | Promise<UpstreamPreview>;
}

/**
 * The request of the `countTokens` operation: a client's token count (`/v1/messages/count_tokens`,
 * Gemini `:countTokens`, `/v1/responses/input_tokens`) routed like a generation. A provider
 * adapter offers it as `operations.countTokens` when its upstream counts exactly (Anthropic
 * `count_tokens`, Gemini `countTokens`, Responses `input_tokens`, Bedrock `CountTokens`); the
 * pipeline then tries the plan's targets in order and a target without it fails with 400
 * GW_UNSUPPORTED (the next one is tried). The adapter sends what its generation would send for
 * `chat` (converted to its wire format, or `native` as it is), asking nothing to be generated.
 */
export interface CountTokensRequest {
  /** The upstream model id (the pipeline sets the attempt's target model). */
  model: string;
  /** The request to count, in the hub (`stream` and output limits are irrelevant here). */
  chat: ChatRequest;
  /**
   * The client's own body when it may be forwarded as it is (what the passthrough lane would
   * send): an adapter whose native dialect is `dialect` counts it with only its model replaced.
   */
  native?: { dialect: Dialect; body: Record<string, unknown> };
}

/** What `operations.countTokens` answers. */
export interface CountTokensResult {
  /** The upstream's count of the request's input tokens. */
  inputTokens: number;
  /**
   * What the call is billed: no tokens (every counting endpoint is free). It is set so the
   * pipeline does not bill the request's estimated size, as it does for an answer without usage.
   */
  usage: Usage;
}

declare module './types.ts' {
  interface Operations {
    /** Exact input token counts (see `CountTokensRequest`). */
    countTokens: { request: CountTokensRequest; result: CountTokensResult };
  }
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

/**
 * Push parser: bytes in, stream parts out. Used for normal streams and the passthrough lane.
 * An `error` part whose error carries `upstream` must stand for an error event the upstream sent
 * whole (not a malformed or cut stream): on an SSE passthrough stream the client then gets that
 * event as sent (see `passthroughBody`).
 */
export interface StreamParser {
  push(chunk: Uint8Array): StreamPart[];
  /** End of input; returns the remaining parts (or an error part for a truncated stream). */
  end(): StreamPart[];
  /**
   * For a dialect that numbers its stream events (Responses' `sequence_number`): the number the
   * next event would carry, so an error frame the gateway appends keeps the order.
   */
  readonly nextSequence?: number;
  /**
   * For an SSE stream, read after a `push` or `end` that returned an error part: how many of the
   * events that call completed (the events `createSseParser` yields for its bytes, `[DONE]` and
   * ignored ones included) came before the event that failed; all of them for an error no event
   * caused (a stream cut short). On the passthrough lane those events reach the client before
   * the error frame; without it the failed read's events are dropped. A wrapping parser
   * forwards it.
   */
  readonly eventsBeforeError?: number;
  /**
   * For a stream that is not SSE (Gemini's JSON array), read after a `push` that returned an
   * error part: how many bytes of that chunk, from its start, held the elements parsed before
   * the one that failed. On the passthrough lane they reach the client (through the filter)
   * before the error frame; without it the failed chunk is dropped whole. A wrapping parser
   * forwards it.
   */
  readonly bytesBeforeError?: number;
  /**
   * True once the stream started output the hub does not model (Codex's `apply_patch` custom
   * tool call, Claude's server tools): on the passthrough lane the client gets it as sent, so it
   * is content there and commits the stream (`awaitBytesCommit`). A wrapping parser forwards it.
   */
  readonly opaqueOutput?: boolean;
  /**
   * Passthrough lane: the bytes to send in place of the chunk just pushed, when the parser saw
   * the upstream break the client's protocol there in a way that can be mended (an OpenAI stream
   * that ends without any `finish_reason`: a finish chunk goes in before its end); undefined to
   * send the chunk as it is. A wrapping parser forwards it.
   */
  amend?(chunk: Uint8Array): Uint8Array | undefined;
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
   * `encodeStream` would for the same parts: write `encodeStream` with `encodeParts` (core/
   * pipeline/encoded-body.ts) over this encoder and the two are one implementation.
   */
  createStreamEncoder?(req: GatewayRequest, call: CallContext): StreamEncoder;
  /** The dialect's error envelope with the right HTTP status. */
  encodeError(err: GatewayError, call?: Partial<CallContext>): Response;
  /** One stream frame carrying an error, for a passthrough stream that broke mid-way. */
  encodeStreamError?(err: GatewayError, call?: CallContext, parser?: StreamParser): string;
  /** Headers of a stream response (content type etc.). */
  streamHeaders?(req: GatewayRequest, call: CallContext): Record<string, string>;
  /**
   * What an SSE stream of this dialect gets while the upstream is silent (every
   * `server.keepalive_ms`). Default: the comment `: keep-alive` + blank line. A dialect whose
   * clients stop at comments gives something they skip (Gemini: a bare line break).
   */
  keepAliveFrame?: string;
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
  /**
   * Optional, for a dialect that joins the parts of one upstream read into one frame (Gemini):
   * `push` collects and `flush` writes what was collected. The pipeline calls it when
   * `hasPending` and nothing more is waiting (the next read is still pending after the current
   * I/O callbacks); it may close the encoder (a final frame).
   */
  flush?(): string;
  readonly hasPending?: boolean;
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
  /**
   * Answers only requests that carry this header, ahead of a route on the same path without
   * one: how two dialects share a path (`GET /v1/models` with `anthropic-version` is the
   * Anthropic listing). Lower case.
   */
  header?: string;
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
  /**
   * Every routable model name (`provider/model`, aliases, combos). Given the caller's key, only
   * those its scopes allow, so a model list never offers a name the chat route would refuse.
   */
  listModels(key?: ClientKeyInfo): Promise<Array<{ id: string; ownedBy: string }>>;
  /**
   * Whether `key` may use `model` (its scopes, as the pipeline checks them before any hook).
   * For routes that answer without the pipeline (token counts, model lookups). Absent: every
   * model is allowed.
   */
  allowsModel?(key: ClientKeyInfo | undefined, model: string): boolean;
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
  /**
   * Whether a key it accepted may use a model name (its scopes). Asked for routes that answer
   * without the pipeline: model lists are filtered by it, token counts refused (403). Absent:
   * every model.
   */
  allowsModel?(key: ClientKeyInfo, model: string): boolean;
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
