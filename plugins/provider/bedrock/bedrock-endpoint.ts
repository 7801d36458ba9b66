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
