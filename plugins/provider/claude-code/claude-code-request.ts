import type { ChatRequest } from '../../../core/types/hub.ts';
import { OAUTH_BETA } from './claude-code-oauth.ts';

/**
 * The first system block Claude Code sends. A subscription token is accepted for Sonnet/Opus
 * only when the system prompt starts with it.
 */
export const CLAUDE_CODE_SYSTEM = "You are Claude Code, Anthropic's official CLI for Claude.";

/** Beta flags every Claude Code request carries (the OAuth one makes the bearer token valid). */
export const CLAUDE_CODE_BETAS = [OAUTH_BETA, 'claude-code-20250219', 'interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14'];

/** Headers the official CLI sends beside the token (configured `headers:` override them). */
export const CLAUDE_CODE_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'claude-cli/2.0.14 (external, cli)',
  'x-app': 'cli',
  'anthropic-dangerous-direct-browser-access': 'true',
  'anthropic-beta': CLAUDE_CODE_BETAS.join(','),
};

/** `a,b` + required flags, each once, required first. */
export function mergeBetas(existing: string | null): string {
  const all = [...CLAUDE_CODE_BETAS, ...(existing ?? '').split(',').map((f) => f.trim())].filter(Boolean);
  return [...new Set(all)].join(',');
}

/** The hub request with the Claude Code system block first (left alone when already there). */
export function withClaudeCodeSystem(req: ChatRequest): ChatRequest {
  const first = req.messages.find((m) => m.role === 'system')?.content.find((p) => p.type === 'text');
  if (first?.type === 'text' && first.text.startsWith(CLAUDE_CODE_SYSTEM)) return req;
  return { ...req, messages: [{ role: 'system', content: [{ type: 'text', text: CLAUDE_CODE_SYSTEM }] }, ...req.messages] };
}

/**
 * A client's own Messages body with the Claude Code system block first: `system` may be
 * absent, a string or a block array (blocks keep their `cache_control`).
 */
export function withClaudeCodeSystemBody(body: Record<string, unknown>): Record<string, unknown> {
  const block = { type: 'text', text: CLAUDE_CODE_SYSTEM };
  const sys = body.system;
  if (sys === undefined || sys === null || sys === '') return { ...body, system: [block] };
  if (typeof sys === 'string') return sys.startsWith(CLAUDE_CODE_SYSTEM) ? body : { ...body, system: [block, { type: 'text', text: sys }] };
  if (Array.isArray(sys)) {
    const first = sys[0] as { text?: unknown } | undefined;
    return typeof first?.text === 'string' && first.text.startsWith(CLAUDE_CODE_SYSTEM) ? body : { ...body, system: [block, ...sys] };
  }
  return body;
}
