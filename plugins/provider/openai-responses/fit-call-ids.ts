import { fitToolCallId } from '../../../core/util/tool-use-id.ts';

/** The Responses API's limit: "Invalid 'input[5].call_id': string too long. Expected a string with maximum length 64". */
const MAX_CALL_ID = 64;

type Item = Record<string, unknown>;

/**
 * `input` with every `call_id` longer than the Responses API takes replaced, or undefined when
 * none is. Such ids come from elsewhere: another provider or gateway that served earlier turns,
 * Codex's MCP calls (`codex_mcp__<server>__<tool>_exec-<uuid>`, 80+ characters). The API refuses
 * the whole request with a 400 that no later turn gets past, since the history keeps the call.
 *
 * The new id is `call_` and 32 hex digits of the old one's SHA-256: the same for a call and the
 * output that answers it (on any item type: function, custom tool, shell), and the same on every
 * turn, so prompt caches keep hitting. The upstream never sees the old id and its replies hold
 * only its own: nothing is mapped back.
 */
export function fitCallIds(input: unknown): Item[] | undefined {
  if (!Array.isArray(input) || !input.some(tooLong)) return undefined;
  return (input as unknown[]).map((item) => (tooLong(item) ? { ...(item as Item), call_id: fitToolCallId((item as Item).call_id as string, MAX_CALL_ID) } : item)) as Item[];
}

function tooLong(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const id = (item as Item).call_id;
  return typeof id === 'string' && id.length > MAX_CALL_ID;
}

