import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/**
 * `type: bedrock`: Amazon Bedrock's Converse API, so every client dialect reaches any Bedrock
 * model that speaks it (Claude, Nova, Llama, Mistral…; model ids or inference profiles such as
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0`).
 *
 * Provider options (YAML, beside `type: bedrock`): `region:` (default: the base URL's region,
 * else the profile's or `AWS_REGION`, else us-east-1) picks
 * `https://bedrock-runtime.<region>.amazonaws.com` unless `base_url` is set. Each `keys:` entry
 * is either a Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`, sent as a bearer token) or IAM keys,
 * `<access key id>:<secret access key>[:<session token>]`, which sign every request with SigV4.
 * Without `keys:`, `profile: <name>` signs with a profile of the AWS shared credentials and config
 * files (re-read when they change): its keys, or temporary keys from IAM Identity Center (SSO), an
 * assumed role (STS) or a credential_process; `credentials: env` with `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` of the gateway's environment. Token counts of
 * every client dialect go to Bedrock's CountTokens (Claude models; others fall to the estimate).
 */
const plugin: Plugin = {
  name: 'bedrock',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Amazon Bedrock Converse / ConverseStream and CountTokens (Bedrock API key, or SigV4 with IAM keys, an AWS profile or the environment).',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'bedrock', operations: ['countTokens'], preview: true, credentialOptions: ['profile', 'credentials'] },
      async () => (await import('./bedrock-adapter.ts')).createBedrockAdapter(ctx.host, ctx.log),
    ));
  },
};

export default plugin;
