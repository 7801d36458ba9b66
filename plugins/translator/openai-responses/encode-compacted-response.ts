import type { ChatResult } from '../../../core/types/hub.ts';
import { encodeUsage, newId } from './build-response-object.ts';
import { summaryMessageText } from './compact-prompt.ts';

/**
 * The reply of an emulated compaction, in the shape of OpenAI's (`object: "response.compaction"`,
 * what Codex reads as `{output: ResponseItem[]}`): the kept user messages, then one user message
 * carrying the summary, as Codex's own local compaction builds its new history. Only plain
 * message items: every provider takes them back on the next `POST /v1/responses` (OpenAI's
 * `compaction` item, whose content only OpenAI can read, never comes out of here). Items carry
 * no ids: a stateless upstream would look an id up and not find it.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/compact
 */
export function buildCompactedResponse(result: ChatResult, kept: readonly string[]): Record<string, unknown> {
  return {
    id: newId('resp_'),
    object: 'response.compaction',
    created_at: result.created ?? Math.floor(Date.now() / 1000),
    output: [...kept.map(userMessage), userMessage(summaryMessageText(summaryOf(result)))],
    usage: encodeUsage(result.usage ?? { inputTokens: 0, outputTokens: 0 }),
  };
}

/** The text of a summarization result (its tool calls and reasoning are not the summary). */
export function summaryOf(result: ChatResult): string {
  return result.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n').trim();
}

function userMessage(text: string): Record<string, unknown> {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}
