import { describe, expect, test } from 'bun:test';
import { bedrockBetas } from './bedrock-betas.ts';
import { convertToBedrockRequest } from './convert-to-bedrock-request.ts';

/** What Claude Code sends in `anthropic-beta` (a subscription login's flags among them). */
const CLAUDE_CODE = 'claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14,context-1m-2025-08-07,context-management-2025-06-27';
const SONNET_45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('bedrockBetas', () => {
  test('Claude Code\'s flags on Sonnet 4.5: the ones Bedrock takes, in order; client-only and unknown flags left out', () => {
    expect(bedrockBetas(CLAUDE_CODE, SONNET_45)).toEqual(['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07', 'context-management-2025-06-27']);
  });

  test('flags that need a newer model or another family are left out', () => {
    expect(bedrockBetas(CLAUDE_CODE, 'anthropic.claude-sonnet-4-20250514-v1:0')).toEqual(['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07']);
    expect(bedrockBetas(CLAUDE_CODE, 'anthropic.claude-3-7-sonnet-20250219-v1:0')).toEqual([]);
    expect(bedrockBetas('effort-2025-11-24, tool-search-tool-2025-10-19', 'global.anthropic.claude-opus-4-5-20251101-v1:0')).toEqual(['effort-2025-11-24', 'tool-search-tool-2025-10-19']);
    expect(bedrockBetas('effort-2025-11-24,tool-search-tool-2025-10-19', SONNET_45)).toEqual(['tool-search-tool-2025-10-19']);
    expect(bedrockBetas('token-efficient-tools-2025-02-19,token-efficient-tools-2025-02-19', 'anthropic.claude-3-7-sonnet-20250219-v1:0')).toEqual(['token-efficient-tools-2025-02-19']);
    expect(bedrockBetas(null, SONNET_45)).toEqual([]);
  });

  test('the converter sends them as anthropic_beta, for Claude only', () => {
    const req = { model: 'm', stream: false, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };
    const betas = ['context-1m-2025-08-07'];
    expect(convertToBedrockRequest(req, SONNET_45, { anthropicBeta: betas }).additionalModelRequestFields).toEqual({ anthropic_beta: betas });
    expect(convertToBedrockRequest(req, 'amazon.nova-pro-v1:0', { anthropicBeta: betas }).additionalModelRequestFields).toBeUndefined();
  });
});
