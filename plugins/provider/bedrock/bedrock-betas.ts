import { claudeGeneration } from '../../../core/util/claude-models.ts';

/**
 * The Anthropic beta flags a client sends (`anthropic-beta`, as Claude Code does) that Bedrock
 * takes for Claude, in `additionalModelRequestFields.anthropic_beta`: Bedrock refuses any flag it
 * does not know ("invalid beta flag"), and some only on newer models, so each flag passes only
 * when listed here and the model is recent enough (and of a family that has it). Flags that
 * describe the client itself (`oauth-…`, `claude-code-…`) and features Bedrock lacks are left out.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 */
type Family = 'opus' | 'sonnet' | 'haiku';

const BETAS: Readonly<Record<string, { since?: number; families?: readonly Family[] }>> = {
  'computer-use-2024-10-22': {},
  'computer-use-2025-01-24': {},
  'computer-use-2025-11-24': {},
  'token-efficient-tools-2025-02-19': {},
  'output-128k-2025-02-19': {},
  'interleaved-thinking-2025-05-14': { since: 4 },
  'dev-full-thinking-2025-05-14': { since: 4 },
  'context-1m-2025-08-07': { since: 4 },
  'context-management-2025-06-27': { since: 4.5 },
  'effort-2025-11-24': { since: 4.5, families: ['opus'] },
  'tool-search-tool-2025-10-19': { since: 4.5, families: ['opus', 'sonnet'] },
  'tool-examples-2025-10-29': { since: 4.5, families: ['opus', 'sonnet'] },
};

/** The flags of an `anthropic-beta` header that Bedrock takes for `modelId`, in the client's order, without repeats. */
export function bedrockBetas(header: string | null | undefined, modelId: string): string[] {
  if (!header) return [];
  const { version, family } = claudeGeneration(modelId) ?? {};
  const out: string[] = [];
  for (const raw of header.split(',')) {
    const flag = raw.trim();
    const rule = Object.hasOwn(BETAS, flag) ? BETAS[flag] : undefined;
    if (!rule || out.includes(flag)) continue;
    if (rule.since !== undefined && (version === undefined || version < rule.since)) continue;
    if (rule.families && (family === undefined || !rule.families.includes(family as Family))) continue;
    out.push(flag);
  }
  return out;
}
