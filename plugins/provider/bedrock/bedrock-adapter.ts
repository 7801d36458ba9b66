import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, HostServices, ProviderAdapter, ProviderRuntime, UpstreamPreview } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { mapToolNames, OPENAI_TOOL_NAMES, type ToolNames } from '../../../core/util/map-tool-names.ts';
import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { bedrockHeaders } from './bedrock-auth.ts';
import { createBedrockCredentialSource, type BedrockCredentialSource } from './bedrock-credentials.ts';
import { bedrockEndpoint, converseUrl } from './bedrock-endpoint.ts';
import { convertToBedrockRequest } from './convert-to-bedrock-request.ts';
import { createBedrockStreamParser } from './create-bedrock-stream-parser.ts';
import { readBedrockError } from './map-bedrock-error.ts';
import { mapBedrockResponse } from './map-bedrock-response.ts';

/** One call's body, and the tool names to give back when some had to be renamed. */
interface Plan {
  body: Record<string, unknown>;
  names?: ToolNames;
}

/**
 * The Converse body for `model`. Converse tool names follow OpenAI's rule
 * (`[a-zA-Z0-9_-]{1,64}`): other names go renamed and come back as the client wrote them.
 */
function planOf(req: ChatRequest, provider: ProviderRuntime, model: string): Plan {
  const names = mapToolNames(req, OPENAI_TOOL_NAMES);
  const body = convertToBedrockRequest(names?.request ?? req, model, { maxOutputTokens: outputTokenLimit(modelQuirks(provider, model)) });
  return names ? { body, names } : { body };
}

/** What every call of one adapter shares: the host, and where credentials come from. */
interface Deps {
  host: HostServices;
  credentials: BedrockCredentialSource;
}

/** URL and headers (bearer or SigV4-signed) of one call. */
async function requestOf(deps: Deps, provider: ProviderRuntime, account: Attempt['account'], model: string, text: string, stream: boolean) {
  const { auth, region: sourceRegion } = await deps.credentials(provider, account);
  const { baseUrl, region } = bedrockEndpoint(provider, sourceRegion);
  const url = converseUrl(baseUrl, model, stream);
  const headers = bedrockHeaders(provider, auth, url, text, {
    region, now: new Date(deps.host.now()), registerSecret: (v) => deps.host.registerSecret?.(v),
  });
  return { url, headers };
}

/** Sends the body; resolves with the 2xx answer. Errors: the mapped GatewayError. */
async function send(deps: Deps, body: Record<string, unknown>, attempt: Attempt, stream: boolean): Promise<Response> {
  const text = JSON.stringify(body);
  const { url, headers } = await requestOf(deps, attempt.provider, attempt.account, attempt.target.model, text, stream);
  const res = await attempt.fetch(url, { method: 'POST', headers, body: text, signal: attempt.signal, stream });
  if (!res.ok) throw await readBedrockError(res);
  return res;
}

function idOf(res: Response): string {
  return `bedrock-${res.headers.get('x-amzn-requestid') ?? crypto.randomUUID()}`;
}

function protocolError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `The Bedrock upstream ${message}.`, { retryable: true });
}

async function generate(deps: Deps, req: ChatRequest, attempt: Attempt): Promise<ChatResult> {
  const model = attempt.target.model;
  const plan = planOf({ ...req, stream: false }, attempt.provider, model);
  const res = await send(deps, plan.body, attempt, false);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch {
    throw protocolError('returned a malformed answer');
  }
  const result = mapBedrockResponse(json, model, idOf(res));
  return plan.names ? plan.names.restoreResult(result) : result;
}

async function stream(deps: Deps, req: ChatRequest, attempt: Attempt): Promise<ReadableStream<StreamPart>> {
  const model = attempt.target.model;
  const plan = planOf({ ...req, stream: true }, attempt.provider, model);
  const res = await send(deps, plan.body, attempt, true);
  if (!res.body) throw protocolError('answered without a body');
  const parts = partsFromBody(res.body, createBedrockStreamParser(model, idOf(res)), 'Bedrock upstream');
  return plan.names ? plan.names.restoreStream(parts) : parts;
}

/** The request `generate`/`stream` would send (playground preview; no network, reads the profile's files). */
async function preview(deps: Deps, req: ChatRequest, provider: ProviderRuntime): Promise<UpstreamPreview> {
  const { body } = planOf(req, provider, req.model);
  const text = JSON.stringify(body);
  const { url, headers } = await requestOf(deps, provider, provider.accounts[0], req.model, text, req.stream);
  return { url, method: 'POST', headers, body };
}

/**
 * The `bedrock` adapter: every Bedrock model that speaks the Converse API, through
 * `/model/{modelId}/converse` (non-streamed) and `/converse-stream` (an AWS binary event stream
 * decoded into hub parts), with a Bedrock API key or SigV4-signed IAM keys from `keys:`, an AWS
 * profile (`profile:`) or the environment (`credentials: env`). No client dialect is Converse,
 * so every dialect goes through the hub. The environment is the gateway's (`host.env`), read
 * at each call; the shared files' parsed copies live as long as the adapter.
 */
export function createBedrockAdapter(host: HostServices): ProviderAdapter {
  const deps: Deps = { host, credentials: createBedrockCredentialSource({ env: () => host.env ?? process.env }) };
  return {
    id: 'bedrock',
    chat: {
      generate: (req, attempt) => generate(deps, req, attempt),
      stream: (req, attempt) => stream(deps, req, attempt),
    },
    preview: (req, provider) => preview(deps, req, provider),
  };
}
