import type { HttpClient } from '../http/types.ts';
import type { ProviderRuntime } from '../plugin/types.ts';

/**
 * GETs a model list in the `{ data: [{ id }] }` shape (OpenAI, Anthropic and their look-alikes)
 * through the outbound client, with the provider's network policy, proxy and timeouts, and
 * answers the ids. A non-2xx answer throws what `readError` makes of it (the provider's own
 * error mapping, so the message reads like its other errors).
 */
export async function fetchModelIds(
  http: HttpClient, provider: ProviderRuntime, url: string, headers: Record<string, string>,
  readError: (res: Response) => Promise<Error>,
): Promise<string[]> {
  const res = await http.fetch(url, {
    method: 'GET', headers, allowPrivateNetwork: provider.allowPrivateNetwork, proxy: provider.proxy, timeouts: provider.timeouts,
  });
  if (!res.ok) throw await readError(res);
  const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
  return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
