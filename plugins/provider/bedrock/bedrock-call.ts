import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import type { Attempt, HostServices, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import type { MediaCache } from '../../../core/util/media-cache.ts';
import { mapToolNames, OPENAI_TOOL_NAMES, type ToolNames } from '../../../core/util/map-tool-names.ts';
import { outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import { bedrockHeaders } from './bedrock-auth.ts';
import { bedrockBetas } from './bedrock-betas.ts';
import type { BedrockCredentialSource } from './bedrock-credentials.ts';
import { bedrockEndpoint } from './bedrock-endpoint.ts';
import { convertToBedrockJsonTool, type BedrockJsonTool } from './convert-to-bedrock-json-tool.ts';
import { convertToBedrockRequest } from './convert-to-bedrock-request.ts';

/** What every call of one adapter shares: the host, where credentials come from, and media fetched by URL. */
export interface BedrockDeps {
  host: HostServices;
  credentials: BedrockCredentialSource;
  media?: MediaCache;
}

/**
 * One call's Converse body, the tool names to give back when some had to be renamed, and the
 * structured-output tool whose call is the answer, when the request asks for JSON.
 */
export interface BedrockPlan {
  body: Record<string, unknown>;
  names?: ToolNames;
  json?: BedrockJsonTool;
}

/**
 * The Converse body for `model`. Converse tool names follow OpenAI's rule
 * (`[a-zA-Z0-9_-]{1,64}`): other names go renamed and come back as the client wrote them.
 * What the body holds for the model's family (Claude's thinking, beta flags) is decided by its
 * id, or by the `base_model` quirk for an id that does not say (an application inference
 * profile's ARN: `base_model: anthropic.claude-opus-4-8-v1:0`).
 */
export function planBedrockCall(req: ChatRequest, provider: ProviderRuntime, model: string, clientBetas?: string | null): BedrockPlan {
  const names = mapToolNames(req, OPENAI_TOOL_NAMES);
  const request = names?.request ?? req;
  const quirks = modelQuirks(provider, model);
  const base = typeof quirks.base_model === 'string' && quirks.base_model ? quirks.base_model : model;
  const anthropicBeta = bedrockBetas(clientBetas, base);
  const body = convertToBedrockRequest(request, base, {
    maxOutputTokens: outputTokenLimit(quirks), ...(anthropicBeta.length ? { anthropicBeta } : {}),
  });
  const json = convertToBedrockJsonTool(request);
  return { body, ...(names ? { names } : {}), ...(json ? { json } : {}) };
}

/**
 * URL and headers of one call whose body is `text`: the credentials of `account` (its `keys:`
 * entry, else the provider's profile or environment), the endpoint and signing region they
 * decide, `urlOf` that endpoint, then a bearer token or a SigV4 signature over the result.
 * Errors: GW_UPSTREAM_AUTH (502, retryable) when the credentials cannot be read.
 */
export async function bedrockRequest(
  deps: BedrockDeps, provider: ProviderRuntime, account: Attempt['account'], text: string, urlOf: (baseUrl: string) => string,
): Promise<{ url: string; headers: Record<string, string> }> {
  const { auth, region: sourceRegion } = await deps.credentials(provider, account);
  const { baseUrl, region } = bedrockEndpoint(provider, sourceRegion);
  const url = urlOf(baseUrl);
  const headers = bedrockHeaders(provider, auth, url, text, {
    region, now: new Date(deps.host.now()), registerSecret: (v) => deps.host.registerSecret?.(v),
  });
  return { url, headers };
}
