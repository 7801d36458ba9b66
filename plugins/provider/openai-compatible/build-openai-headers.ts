import type { AccountRuntime, ProviderRuntime } from '../../../core/plugin/types.ts';
import { isOpenAIApi, openAIUrl } from '../../../core/util/openai-api.ts';

type Auth = { header: string; scheme?: string };

function readAuth(provider: ProviderRuntime): Auth {
  const candidates: unknown[] = [provider.auth, provider.options.auth];
  for (const c of candidates) {
    if (c && typeof c === 'object' && typeof (c as Auth).header === 'string') {
      const a = c as Auth;
      return { header: a.header.toLowerCase(), ...(typeof a.scheme === 'string' && a.scheme ? { scheme: a.scheme } : {}) };
    }
  }
  return { header: 'authorization', scheme: 'Bearer' };
}

/**
 * Headers of one upstream request: JSON content type, the provider's configured headers,
 * then the account secret in the provider's auth header (`authorization: Bearer <key>` by
 * default; a preset may say `x-api-key` or another scheme). No secret, no auth header (local
 * servers). Header names are case-insensitive, so a configured `Authorization` is replaced,
 * never doubled.
 *
 * @see https://platform.openai.com/docs/api-reference/authentication
 */
export function buildOpenAIHeaders(provider: ProviderRuntime, account: AccountRuntime | undefined, stream: boolean): Headers {
  const h = new Headers({ 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' });
  for (const [k, v] of Object.entries(provider.headers)) h.set(k, v);
  const secret = account?.secret;
  if (secret) {
    const auth = readAuth(provider);
    h.set(auth.header, auth.scheme ? `${auth.scheme} ${secret}` : secret);
  }
  return h;
}

/** Per provider runtime (rebuilt on every reload): its chat URL and chat headers per account and mode. */
interface ProviderCache {
  url?: string;
  headers: Map<string, { secret: string | undefined; headers: Headers }>;
}
const perProvider = new WeakMap<ProviderRuntime, ProviderCache>();

function cacheOf(provider: ProviderRuntime): ProviderCache {
  let c = perProvider.get(provider);
  if (!c) perProvider.set(provider, (c = { headers: new Map() }));
  return c;
}

/**
 * The headers of a chat call, as `buildOpenAIHeaders` makes them, built once per provider
 * runtime, account and mode (again when the account's secret changes). The object is shared
 * by every call: it is handed to the outbound client, which only reads it. Never modify it;
 * use `buildOpenAIHeaders` for headers to edit.
 */
export function chatHeaders(provider: ProviderRuntime, account: AccountRuntime | undefined, stream: boolean): Headers {
  const map = cacheOf(provider).headers;
  const key = `${stream ? 's' : 'j'}${account?.id ?? ''}`;
  const hit = map.get(key);
  if (hit && hit.secret === account?.secret) return hit.headers;
  const headers = buildOpenAIHeaders(provider, account, stream);
  map.set(key, { secret: account?.secret, headers });
  return headers;
}

/** `<baseUrl>/chat/completions`; the OpenAI API when an `openai` provider has no base URL. */
export function chatCompletionsUrl(provider: ProviderRuntime): string {
  const c = cacheOf(provider);
  return (c.url ??= openAIUrl(provider.baseUrl, '/chat/completions'));
}

/** True for OpenAI's own API, which knows the `developer` role and rejects `top_k`. */
export function isOfficialOpenAI(provider: ProviderRuntime): boolean {
  return isOpenAIApi(provider.baseUrl);
}
