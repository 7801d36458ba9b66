import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter, ProviderRuntime, UpstreamPreview } from '../../../core/plugin/types.ts';
import type { ChatRequest, StreamPart } from '../../../core/types/hub.ts';
import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { collectKiroResult } from './collect-kiro-result.ts';
import { convertToKiroRequest } from './convert-to-kiro-request.ts';
import { createKiroStreamParser } from './create-kiro-stream-parser.ts';
import { readKiroError } from './map-kiro-error.ts';

/** Where `kiro` goes without a `base_url` (the Amazon Q endpoint the Kiro IDE calls). */
export const KIRO_BASE_URL = 'https://q.us-east-1.amazonaws.com';

/**
 * Headers the Kiro IDE sends beside the token (as captured by the public proxies; the exact
 * user-agent strings are not confirmed and matter little). Configured `headers:` override them.
 */
export const KIRO_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: '*/*',
  'x-amzn-kiro-agent-mode': 'vibe',
  'x-amzn-codewhisperer-optout': 'true',
  'amz-sdk-request': 'attempt=1; max=1',
  'user-agent': 'aws-sdk-js/1.0.18 ua/2.1 os/linux lang/js md/nodejs api/codewhispererstreaming#1.0.18 m/E KiroIDE',
  'x-amz-user-agent': 'aws-sdk-js/1.0.18 KiroIDE',
};

/** `{base}/generateAssistantResponse`. */
export function kiroUrl(baseUrl: string): string {
  return `${(baseUrl || KIRO_BASE_URL).replace(/\/+$/, '')}/generateAssistantResponse`;
}

function configuredArn(p: ProviderRuntime): string | undefined {
  return typeof p.options.profile_arn === 'string' && p.options.profile_arn ? p.options.profile_arn : undefined;
}

/**
 * The attempt carrying the account's token. AWS answers an expired bearer token with 403
 * AccessDeniedException as well as 401, so both refresh once and retry. The profile ARN (the
 * entry's `profile_arn:`, else the one the login returned) is added to the body.
 */
function kiroAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  return oauthAttempt(oauthOf(host), attempt, {
    rejectedStatuses: [401, 403],
    rewriteBody(body, grant) {
      const arn = configuredArn(attempt.provider) ?? grant.extra.profileArn;
      return arn ? { ...body, profileArn: arn } : body;
    },
  });
}

function headersOf(p: ProviderRuntime): Record<string, string> {
  const h: Record<string, string> = { ...KIRO_HEADERS };
  for (const [k, v] of Object.entries(p.headers)) h[k.toLowerCase()] = v;
  h['amz-sdk-invocation-id'] = crypto.randomUUID();
  return h;
}

/** Sends the request; resolves with the 2xx event stream. Errors: the mapped GatewayError. */
async function send(host: HostServices, req: ChatRequest, attempt: Attempt): Promise<ReadableStream<Uint8Array>> {
  const a = await kiroAttempt(host, attempt);
  const res = await a.fetch(kiroUrl(attempt.provider.baseUrl), {
    method: 'POST', headers: headersOf(attempt.provider), body: JSON.stringify(convertToKiroRequest(req, attempt.target.model)), signal: attempt.signal,
  });
  if (!res.ok) throw await readKiroError(res);
  if (!res.body) throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Kiro upstream answered without a body.', { retryable: true });
  return res.body;
}

function streamOf(host: HostServices, req: ChatRequest, attempt: Attempt): Promise<ReadableStream<StreamPart>> {
  return send(host, req, attempt).then((body) => partsFromBody(body, createKiroStreamParser(attempt.target.model), 'Kiro upstream'));
}

/** The request `generate`/`stream` would send (playground preview; no network, no token). */
function preview(req: ChatRequest, provider: ProviderRuntime): UpstreamPreview {
  const body = convertToKiroRequest(req, req.model);
  const arn = configuredArn(provider);
  return { url: kiroUrl(provider.baseUrl), method: 'POST', headers: headersOf(provider), body: arn ? { ...body, profileArn: arn } : body };
}

/**
 * The `kiro` adapter: Claude models through Kiro's `generateAssistantResponse` (the Amazon Q /
 * CodeWhisperer streaming API) with the account's AWS SSO or Kiro token. The request is Kiro's
 * `conversationState` envelope; the answer, always an AWS binary event stream, is decoded into
 * hub parts (a non-streaming caller gets it folded into one result). No native client dialect,
 * so every dialect goes through the hub.
 */
export function createKiroAdapter(host: HostServices): ProviderAdapter {
  return {
    id: 'kiro',
    chat: {
      async generate(req, attempt) {
        return collectKiroResult(await streamOf(host, req, attempt), attempt.target.model);
      },
      stream: (req, attempt) => streamOf(host, req, attempt),
    },
    preview,
    async listModels(provider) {
      return provider.models;
    },
  };
}
