/**
 * The words of an emulated compaction (`POST /v1/responses/compact` on an upstream without
 * OpenAI's compaction endpoint): the request that asks the model for a handoff summary, and the
 * text that introduces that summary in the compacted history, where the next model reads it.
 * Written for this gateway; they ask for what Codex's own local compaction asks for.
 */

/** The last user message of the summarization request. */
export const SUMMARY_REQUEST = [
  'Context checkpoint: the conversation above is about to be replaced by a summary, so that the work can go on in a fresh context.',
  'Write a handoff summary for another model that will continue the task from here. Cover:',
  '- the user\'s goal and the task that is still in progress;',
  '- what has been done so far and the decisions taken;',
  '- the context, constraints and preferences that still matter;',
  '- the next steps, concretely;',
  '- the data, file names, commands and references needed to continue.',
  'Earlier tasks that are finished get one short line at most. Be concise and structured.',
  'Answer with the summary only, as plain text; do not call any tool.',
].join('\n');

/** The first line of the message that carries the summary in a compacted history. */
export const SUMMARY_PREFIX = 'Earlier turns of this conversation were compacted. Another model worked on this task before you and left the handoff summary below: treat what it reports as done, continue from its next steps, and do not repeat finished work. The state its tools left behind (files, processes) is still there. Summary:';

/** A user message whose text is an earlier summary made by this gateway. */
export function isSummaryText(text: string): boolean {
  return text.startsWith(`${SUMMARY_PREFIX}\n`);
}

/** The text of the summary message: the prefix, a line break, then the model's summary. */
export function summaryMessageText(summary: string): string {
  return `${SUMMARY_PREFIX}\n${summary.trim()}`;
}
