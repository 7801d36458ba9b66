import type { CallContext, GatewayRequest, Plugin, ProviderRuntime, Translator } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult } from '../../../core/types/hub.ts';
import { estimateTokens } from '../../../core/util/estimate-tokens.ts';
import { applyClearToolUses, clearToolUsesEdit } from './apply-context-edits.ts';
import { handleCountTokens } from './count-anthropic-tokens.ts';
import { decodeAnthropicMessagesRequest } from './decode-anthropic-messages-request.ts';
import { encodeAnthropicError, encodeAnthropicStreamError } from './encode-anthropic-error.ts';
import { encodeAnthropicMessagesResult } from './encode-anthropic-messages-result.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { encodeAnthropicMessagesStream } from './encode-anthropic-messages-stream.ts';
import { handleListAnthropicModels, handleRetrieveAnthropicModel } from './list-anthropic-models.ts';

const NAME = 'anthropic-messages';

function fallbackOf(req: GatewayRequest, call: CallContext): { id: string; model: string } {
  return { id: call.id, model: req.model };
}

/** The request's estimated input tokens, worked out once and only when asked (see the encoders). */
function inputEstimate(req: GatewayRequest): (() => number) | undefined {
  if (req.operation !== 'chat') return undefined;
  let n: number | undefined;
  return () => (n ??= estimateTokens(req.body as ChatRequest));
}

/** A result whose upstream reported no usage gets the estimated input (Anthropic clients size the context by it). */
function withInputEstimate(result: ChatResult, req: GatewayRequest): ChatResult {
  const estimate = result.usage ? undefined : inputEstimate(req);
  return estimate ? { ...result, usage: { inputTokens: estimate(), outputTokens: 0, estimated: true } } : result;
}

/** The configured request body limit, read per request (it may be reloaded). */
export interface AnthropicTranslatorOptions {
  bodyLimitBytes(): number;
  /** `created_at` of every listed model (default: when the translator was made). */
  createdAt?: string;
}

/**
 * The Anthropic Messages dialect (`POST /v1/messages`, with or without `?beta=true`, and
 * `POST /v1/messages/count_tokens`), so Claude Code and the Anthropic SDKs can use any provider;
 * and the Models API (`GET /v1/models[/{id}]` for requests that carry `anthropic-version`, which
 * every Anthropic client sends; OpenAI clients get the OpenAI listing on the same path).
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export const createAnthropicMessagesTranslator = (opts: AnthropicTranslatorOptions, createdAt = opts.createdAt ?? new Date().toISOString()): Translator => ({
  dialect: 'anthropic-messages',
  routes: [
    { method: 'POST', path: '/v1/messages', summary: 'Create a message (Anthropic Messages API)' },
    {
      method: 'POST',
      path: '/v1/messages/count_tokens',
      summary: 'Count input tokens (the routed upstream\'s own count where it can count, else a local estimate)',
      handle: (input, host) => handleCountTokens(input, host, opts.bodyLimitBytes()),
    },
    {
      method: 'GET',
      path: '/v1/models',
      header: 'anthropic-version',
      summary: 'List models (Anthropic Models API)',
      handle: (input, host) => handleListAnthropicModels(input, host, createdAt),
    },
    {
      method: 'GET',
      path: '/v1/models/:model',
      header: 'anthropic-version',
      summary: 'Retrieve a model (Anthropic Models API)',
      handle: (input, host) => handleRetrieveAnthropicModel(input, host, createdAt),
    },
  ],
  decode: (input) => decodeAnthropicMessagesRequest(input.body),
  encodeResult: (result, req, call) => Response.json(encodeAnthropicMessagesResult(withInputEstimate(result as ChatResult, req), fallbackOf(req, call))),
  encodeStream: (parts, req, call) => encodeAnthropicMessagesStream(parts, fallbackOf(req, call), inputEstimate(req)),
  createStreamEncoder: (req, call) => new AnthropicStreamEncoder(fallbackOf(req, call), inputEstimate(req)),
  encodeError: (err, call) => encodeAnthropicError(err, call?.id),
  encodeStreamError: encodeAnthropicStreamError,
  streamHeaders: () => ({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }),
});

const plugin: Plugin = {
  name: NAME,
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'Anthropic Messages API dialect: /v1/messages, /v1/messages/count_tokens, and GET /v1/models for Anthropic clients.',
  setup(ctx) {
    ctx.provide('translator', createAnthropicMessagesTranslator({
      bodyLimitBytes: () => ctx.host.config().server.body_limit_mb * 1024 * 1024,
    }));
    // Context editing (Claude Code asks for `clear_tool_uses`) is done by the Anthropic API
    // itself; for any other upstream the gateway does it, so a long session is trimmed the same
    // way whatever model serves it. An edited request leaves the passthrough lane.
    ctx.hook('wrapCall', (next, attempt, call, req) => {
      if (call.dialect !== NAME || req.operation !== 'chat' || editsNatively(attempt.provider)) return next();
      const chat = req.body as ChatRequest;
      const edit = clearToolUsesEdit((chat.providerOptions?.anthropic?.extra as { context_management?: unknown } | undefined)?.context_management);
      const edited = edit && applyClearToolUses(chat, edit);
      return edited ? next({ ...req, body: edited, raw: undefined }) : next();
    });
  },
};

/** Provider types whose upstream is the Anthropic API, which applies `context_management` itself. */
const EDITS_NATIVELY: ReadonlySet<string> = new Set(['anthropic', 'claude-code']);

/**
 * True when the provider's upstream edits the context itself: the Anthropic API. Vendors with an
 * Anthropic-format endpoint (Z.ai, MiniMax, Kimi: `type: anthropic` presets) ignore the field;
 * their presets say so with the quirk `context_management: false`, and the gateway edits.
 */
function editsNatively(p: ProviderRuntime): boolean {
  return EDITS_NATIVELY.has(p.type) && p.quirks.context_management !== false;
}

export default plugin;
