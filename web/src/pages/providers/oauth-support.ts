import type { ProviderView } from '../../api/types.ts';

/**
 * Provider types whose plugin registers OAuth logins in this build. The provider view may also
 * say so itself (`oauth.flows`), which wins.
 */
const OAUTH_TYPES: Record<string, Array<'pkce' | 'device' | 'import'>> = {
  'claude-code': ['pkce', 'import'],
  codex: ['pkce', 'import'],
  'gemini-cli': ['pkce', 'import'],
  copilot: ['device', 'import'],
  'qwen-code': ['device', 'import'],
  kiro: ['device', 'import'],
  antigravity: ['pkce'],
  iflow: ['pkce', 'import'],
  'kimi-coding': ['device', 'import'],
};

/** The login flows a provider offers (empty: no "connect" button). */
export function oauthFlows(p: ProviderView): Array<'pkce' | 'device' | 'import'> {
  if (p.oauth) return p.oauth.flows;
  return OAUTH_TYPES[p.type] ?? [];
}
