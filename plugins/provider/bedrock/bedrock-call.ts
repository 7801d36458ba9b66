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
 */
export function planBedrockCall(req: ChatRequest, provider: ProviderRuntime, model: string, clientBetas?: string | null): BedrockPlan {
  const names = mapToolNames(req, OPENAI_TOOL_NAMES);
  const request = names?.request ?? req;
  const anthropicBeta = bedrockBetas(clientBetas, model);
  const body = convertToBedrockRequest(request, model, {
    maxOutputTokens: outputTokenLimit(modelQuirks(provider, model)), ...(anthropicBeta.length ? { anthropicBeta } : {}),
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
