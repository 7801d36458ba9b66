import type { ProviderRuntime } from '../../../core/plugin/types.ts';

/** The region when neither `region:` nor the base URL names one. */
export const DEFAULT_BEDROCK_REGION = 'us-east-1';

const REGIONAL_HOST = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The Bedrock runtime endpoint of `region`. */
export function bedrockRuntimeUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/**
 * Where a provider's calls go and which region they are signed for. `region:` wins; else the
 * region of the entry's own `bedrock-runtime.<region>.amazonaws.com` base URL (the endpoint and
 * the signature must agree); else `sourceRegion`, the region the credentials' source names (an
 * AWS profile's `region`, `AWS_REGION`); else the preset base URL's region; else us-east-1. The
 * base URL is the entry's own `base_url` when it sets one (a VPC endpoint, a proxy, a test
 * mock), else the runtime endpoint of that region, so `region: eu-west-1` alone is enough.
 */
export function bedrockEndpoint(provider: Pick<ProviderRuntime, 'baseUrl' | 'options'>, sourceRegion?: string): { baseUrl: string; region: string } {
  const own = typeof provider.options.base_url === 'string' && provider.options.base_url ? provider.baseUrl : undefined;
  const configured = typeof provider.options.region === 'string' && provider.options.region ? provider.options.region : undefined;
  const chosen = configured ?? regionOf(own) ?? (sourceRegion || undefined);
  const region = chosen ?? regionOf(provider.baseUrl) ?? DEFAULT_BEDROCK_REGION;
  const baseUrl = own ?? (chosen || !provider.baseUrl ? bedrockRuntimeUrl(region) : provider.baseUrl);
  return { baseUrl: baseUrl.replace(/\/+$/, ''), region };
}

function regionOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return REGIONAL_HOST.exec(new URL(url).hostname)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * `{base}/model/{modelId}/converse` or `/converse-stream`. The model id is one path segment:
 * `:` of a version suffix and `/` of an inference-profile ARN are percent-encoded.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */
export function converseUrl(baseUrl: string, modelId: string, stream: boolean): string {
  return `${baseUrl}/model/${encodeURIComponent(modelId)}/${stream ? 'converse-stream' : 'converse'}`;
}

/**
 * `{base}/model/{modelId}/count-tokens`, the model id one percent-encoded path segment as for
 * Converse.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html
 */
export function countTokensUrl(baseUrl: string, modelId: string): string {
  return `${baseUrl}/model/${encodeURIComponent(modelId)}/count-tokens`;
}

/** Geographies of Bedrock's system-defined cross-region inference profiles (`us.anthropic.…`). */
const PROFILE_GEOGRAPHY = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\.(?=[a-z0-9-]+\.)/;
const ARN_RESOURCE = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:inference-profile|foundation-model)\/(.+)$/;

/**
 * The model id CountTokens is asked with. CountTokens refuses cross-region inference profiles
 * ("The provided model doesn't support counting tokens.") but counts their foundation model,
 * whose tokenizer is the same: `us.anthropic.claude-sonnet-4-5-20250929-v1:0` is counted as
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`, and the ARN of such a profile or of a foundation
 * model as that model. Other ids (foundation models, application inference profile and
 * provisioned throughput ARNs) go as they are.
 */
export function countingModelId(modelId: string): string {
  const resource = ARN_RESOURCE.exec(modelId)?.[1] ?? modelId;
  return resource.replace(PROFILE_GEOGRAPHY, '');
}
