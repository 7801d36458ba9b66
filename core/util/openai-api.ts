/** OpenAI's own API, the base URL of a provider that names none. */
export const OPENAI_API_BASE = 'https://api.openai.com/v1';

/** `path` on the provider's base URL (trailing slashes dropped), OpenAI's API when it has none. */
export function openAIUrl(baseUrl: string | undefined, path: string): string {
  return `${(baseUrl || OPENAI_API_BASE).replace(/\/+$/, '')}${path}`;
}

/**
 * True for OpenAI's own API (no base URL, or one on api.openai.com): it knows the `developer`
 * role and `prompt_cache_key`, rejects `top_k`; other OpenAI-shaped servers may refuse what they
 * do not know.
 */
export function isOpenAIApi(baseUrl: string | undefined): boolean {
  return /^https:\/\/api\.openai\.com(\/|$)/.test(baseUrl || OPENAI_API_BASE);
}
