import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { delegateOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, CallContext, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import type { Dialect } from '../../../core/types/hub.ts';
import { azureAttempt } from './azure-attempt.ts';
import { AZURE_OPERATIONS } from './azure-operations.ts';
import { EntraTokens } from './entra-tokens.ts';

/** Which adapter's wire code each Azure type reuses, and the client dialect that passes through. */
const KINDS: Record<'azure' | 'azure-responses', { nativeDialect: Dialect; delegate: string }> = {
  azure: { nativeDialect: 'openai-chat', delegate: 'openai' },
  'azure-responses': { nativeDialect: 'openai-responses', delegate: 'openai-responses' },
};

type Operation = (req: unknown, attempt: Attempt, call: CallContext) => Promise<unknown>;

/**
 * The `azure` (Chat Completions) or `azure-responses` (Responses API) adapter. Every call goes
 * to the delegate adapter of the snapshot now serving (looked up per call, so it follows
 * reloads) with the attempt dressed for Azure (`azureAttempt`); nothing of the wire format is
 * copied. Passthrough sends the client's body with the deployment as `model`, and the upstream's
 * bytes come back unchanged. `azure` also serves embeddings, images and audio the same way.
 * Without the delegate plugin loaded, calls fail with a retryable 503.
 */
export function createAzureAdapter(host: HostServices, id: keyof typeof KINDS): ProviderAdapter {
  const { nativeDialect, delegate } = KINDS[id];
  const tokens = new EntraTokens(host);
  const chat = () => delegateOf(host, delegate).chat!;
  const adapter: ProviderAdapter = {
    id,
    nativeDialect,
    chat: {
      async generate(req, attempt, call) {
        return chat().generate(req, await azureAttempt(tokens, attempt), call);
      },
      async stream(req, attempt, call) {
        return chat().stream(req, await azureAttempt(tokens, attempt), call);
      },
      async passthrough(body, attempt, call) {
        const dressed = await azureAttempt(tokens, attempt);
        body.model = dressed.target.model;
        return chat().passthrough!(body, dressed, call);
      },
    },
    async listModels(provider) {
      return provider.models;
    },
  };
  if (id === 'azure') adapter.operations = delegatedOperations(host, tokens);
  return adapter;
}

/** The `openai` adapter's operations, each with the attempt dressed for Azure. */
function delegatedOperations(host: HostServices, tokens: EntraTokens): ProviderAdapter['operations'] {
  const ops: Record<string, Operation> = {};
  for (const name of AZURE_OPERATIONS) {
    ops[name] = async (req, attempt, call) => {
      const op = delegateOf(host, 'openai').operations?.[name] as Operation | undefined;
      if (!op) throw new GatewayError('GW_UNSUPPORTED', `Provider "${attempt.provider.name}" does not support ${name}.`);
      return op(req, await azureAttempt(tokens, attempt), call);
    };
  }
  return ops as ProviderAdapter['operations'];
}
