import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { delegateOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, CallContext, CountTokensRequest, CountTokensResult, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { vertexAttempt, type VertexDeps } from './vertex-attempt.ts';
import { vertexEmbed } from './vertex-embed.ts';
import { speaksOpenAIChat, vertexDialectOf, vertexPublisherOf, type VertexPublisher } from './vertex-publisher.ts';

/** The adapter whose wire code serves each publisher's models. */
const DELEGATE: Record<VertexPublisher, string> = { google: 'gemini', anthropic: 'anthropic', openapi: 'openai', mistralai: 'openai', ai21: 'openai' };

/**
 * The `vertex` adapter: Google Cloud Vertex AI. Gemini models go through the `gemini` adapter,
 * Claude models through the `anthropic` adapter, and open models and the partner models of
 * Mistral AI and AI21 Labs (`publisher/model`) through the `openai` adapter of the running
 * snapshot (composition: plugins never import each other), each with an attempt dressed for
 * Vertex (`vertexAttempt`: endpoint, body shape, Google credentials, partner quirks).
 * The native dialect follows the model: Anthropic clients calling Claude, Gemini clients calling
 * Gemini and OpenAI Chat clients calling an open model take the passthrough lane; partner models
 * take the translated lane from every client. Token counts go to the publisher's own counting
 * endpoint; open and partner models have none. Embeddings (`vertexEmbed`) are Vertex's own calls
 * (`:predict`, `:embedContent`), made here with the same credentials.
 * Errors: the delegate's; a retryable 503 when the delegate plugin is not loaded.
 */
export function createVertexAdapter(host: HostServices, deps: VertexDeps): ProviderAdapter {
  const lane = async (attempt: Attempt) => {
    const publisher = vertexPublisherOf(attempt.target.model);
    const delegate = delegateOf(host, DELEGATE[publisher]);
    return { delegate, dressed: await vertexAttempt(attempt, publisher, deps) };
  };
  return {
    id: 'vertex',
    nativeDialectOf: vertexDialectOf,
    chat: {
      async generate(req, attempt, call) {
        const { delegate, dressed } = await lane(attempt);
        return delegate.chat!.generate(req, dressed, call);
      },
      async stream(req, attempt, call) {
        const { delegate, dressed } = await lane(attempt);
        return delegate.chat!.stream(req, dressed, call);
      },
      async passthrough(body, attempt, call) {
        const { delegate, dressed } = await lane(attempt);
        if (!delegate.chat!.passthrough) throw new GatewayError('GW_UNSUPPORTED', `The "${delegate.id}" adapter cannot forward a client's own body.`);
        return delegate.chat!.passthrough(body, dressed, call);
      },
    },
    operations: {
      countTokens: (req, attempt, call) => countVertexTokens(req, attempt, call, lane),
      embed: (req, attempt) => vertexEmbed(req, attempt, deps),
    },
  };
}

/**
 * `countTokens` through the publisher's adapter: Gemini's `:countTokens`, Claude's
 * `count-tokens:rawPredict`; the delegate picks the client's own body when its dialect fits.
 * Errors: 400 GW_UNSUPPORTED when the publisher or the delegate cannot count (the next target is
 * tried; without one, the client gets the gateway's estimate). Open and partner models are
 * refused before any credential is fetched: Vertex has no counting endpoint for them.
 */
async function countVertexTokens(
  req: CountTokensRequest, attempt: Attempt, call: CallContext,
  lane: (a: Attempt) => Promise<{ delegate: ProviderAdapter; dressed: Attempt }>,
): Promise<CountTokensResult> {
  if (speaksOpenAIChat(vertexPublisherOf(attempt.target.model))) {
    throw new GatewayError('GW_UNSUPPORTED', `Vertex AI counts no tokens for open and partner models ("${attempt.target.model}").`);
  }
  const { delegate, dressed } = await lane(attempt);
  const count = delegate.operations?.countTokens;
  if (!count) throw new GatewayError('GW_UNSUPPORTED', `The "${delegate.id}" adapter cannot count tokens.`);
  return (await count(req, dressed, call)) as CountTokensResult;
}
