import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpInput, ProviderRuntime, RouteHost } from '../../../core/plugin/types.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';

/**
 * True for a model that serves embeddings: its name says so (`text-embedding-3-small`,
 * `embed-v4.0`, `gemini-embedding-001`, `nomic-embed-text`), or the catalogue marks it with the
 * `embedding: true` quirk (Voyage's `voyage-3.5` names nothing).
 */
export function isEmbeddingModel(provider: ProviderRuntime | undefined, model: string): boolean {
  if (/embed/i.test(model)) return true;
  return provider !== undefined && modelQuirks(provider, model).embedding === true;
}

/**
 * `GET /v1/embeddings` (and `/v1/embeddings/models`): the routable embedding models in the
 * OpenAI list shape: `provider/model` entries, plus aliases and combos whose targets are all
 * embedding models; only those the key's scopes allow. Authenticated like the POST; errors in
 * the OpenAI envelope.
 */
export async function handleListEmbeddingModels(input: HttpInput, host: RouteHost, created: number): Promise<Response> {
  try {
    const key = await host.authenticate(input);
    const isEmbedding = (name: string): boolean => {
      const slash = name.indexOf('/');
      const provider = slash > 0 ? host.providers.get(name.slice(0, slash)) : undefined;
      return provider ? isEmbeddingModel(provider, name.slice(slash + 1)) : isEmbeddingModel(undefined, name);
    };
    const ids: Array<{ id: string; ownedBy: string }> = [];
    for (const p of host.providers.values()) {
      for (const m of p.models) if (isEmbeddingModel(p, m)) ids.push({ id: `${p.name}/${m}`, ownedBy: p.name });
    }
    for (const [alias, target] of Object.entries(host.aliases)) {
      if (isEmbedding(target)) ids.push({ id: alias, ownedBy: 'switchyard-alias' });
    }
    for (const [name, combo] of Object.entries(host.combos)) {
      if (combo.models.length > 0 && combo.models.every(isEmbedding)) ids.push({ id: name, ownedBy: 'switchyard-combo' });
    }
    const data = ids.filter((m) => host.allowsModel?.(key, m.id) !== false).map((m) => ({ id: m.id, object: 'model', created, owned_by: m.ownedBy }));
    return Response.json({ object: 'list', data });
  } catch (e) {
    return encodeOpenAIError(toGatewayError(e));
  }
}
