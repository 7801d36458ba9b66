import type { HttpClient } from '../../../core/http/types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { openAIUrl } from '../../../core/util/openai-api.ts';

/** Where and how to embed: a configured provider plus the model to ask for. */
export interface EmbedTarget {
  provider: ProviderRuntime;
  model: string;
}

/**
 * Finds the `provider/model` of the semantic tier among the configured providers.
 * Undefined when the provider is not configured (the tier is then skipped).
 */
export function resolveEmbedTarget(ref: string, providers: ReadonlyMap<string, ProviderRuntime>): EmbedTarget | undefined {
  const slash = ref.indexOf('/');
  const provider = providers.get(ref.slice(0, slash));
  return provider && { provider, model: ref.slice(slash + 1) };
}

function authHeader(p: ProviderRuntime): { header: string; scheme?: string } {
  const a = p.auth ?? (p.options.auth as { header?: unknown; scheme?: unknown } | undefined);
  if (a && typeof a.header === 'string') return { header: a.header, ...(typeof a.scheme === 'string' && a.scheme ? { scheme: a.scheme } : {}) };
  return { header: 'authorization', scheme: 'Bearer' };
}

/**
 * Embeds one text with an OpenAI-compatible `POST <base_url>/embeddings` through the gateway's
 * outbound client (SSRF policy, proxy and timeouts of that provider; `timeoutMs` caps the call).
 * Throws an Error with a short reason (status or shape), never with the key or the text.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export async function embedText(
  http: HttpClient, target: EmbedTarget, text: string, opts: { signal?: AbortSignal; timeoutMs: number },
): Promise<number[]> {
  const { provider, model } = target;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...provider.headers };
  const secret = provider.accounts[0]?.secret;
  if (secret) {
    const auth = authHeader(provider);
    headers[auth.header.toLowerCase()] = auth.scheme ? `${auth.scheme} ${secret}` : secret;
  }
  const res = await http.fetch(openAIUrl(provider.baseUrl, '/embeddings'), {
    method: 'POST', headers, body: JSON.stringify({ model, input: text, encoding_format: 'float' }),
    signal: opts.signal, allowPrivateNetwork: provider.allowPrivateNetwork, proxy: provider.proxy,
    timeouts: { ...provider.timeouts, totalMs: Math.min(provider.timeouts.totalMs || opts.timeoutMs, opts.timeoutMs) },
  });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`embeddings provider "${provider.name}" answered ${res.status}`);
  }
  const body = (await res.json()) as { data?: Array<{ embedding?: unknown }> };
  const vec = body.data?.[0]?.embedding;
  if (!Array.isArray(vec) || vec.length === 0 || !vec.every((x) => typeof x === 'number')) {
    throw new Error(`embeddings provider "${provider.name}" sent no float embedding`);
  }
  return vec as number[];
}
