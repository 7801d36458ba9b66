/**
 * Shared by the mid-stream malformed-frame suites: the scripted upstream of the passthrough-lane
 * tests (each string step is one write, so several events in one string reach the gateway in
 * one read) behind a gateway that logs response bodies, and the checks that the books (usage
 * row, logged text) agree with what the client received.
 */
import { expect } from 'bun:test';
import { startScriptedGateway, type ScriptedGateway } from '../passthrough-fixes/scripted-upstream.ts';

export { anthropicFrames, anthropicOpening, chatChunk, MODEL, responsesDelta, responsesOpening, sseEvents } from '../passthrough-fixes/scripted-upstream.ts';
export type { ScriptedGateway, Step } from '../passthrough-fixes/scripted-upstream.ts';

/** A scripted gateway in debug mode: the request log keeps the streamed text. */
export function startLoggingGateway(): Promise<ScriptedGateway> {
  return startScriptedGateway('logging: { bodies: true }\n');
}

/** Lets what an earlier write sent reach the gateway as a read of its own. */
export const PAUSE = { pauseMs: 40 } as const;

/** Splits `frame` in two at `at` characters (a write boundary inside an event). */
export function cut(frame: string, at: number): [string, string] {
  return [frame.slice(0, at), frame.slice(at)];
}

/** An OpenAI Chat frame whose data is not JSON (it stops inside the object). */
export const BAD_CHAT = 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lost"\n\n';

/** An Anthropic frame whose data is not JSON. */
export const BAD_ANTHROPIC = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lost"\n\n';

/** A Responses frame whose data is not JSON. */
export const BAD_RESPONSES = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg_1","delta":"lost"\n\n';

/**
 * The usage row of the last request and its logged response text agree with `text`, what the
 * client received: the request failed mid-stream for the malformed frame, the output tokens are
 * the estimate of that text (at least `floor`, the figure the upstream reported at the start).
 */
export async function expectBooksMatch(g: ScriptedGateway, text: string, floor = 0): Promise<void> {
  const row = await g.lastRow();
  expect(row).toMatchObject({ status: 'error_midstream', errorCode: 'GW_UPSTREAM_PROTOCOL' });
  expect(row.outputTokens).toBe(Math.max(floor, Math.ceil(text.length / 4)));
  expect(g.t.gw.usage.bodies(row.requestId as string)?.response).toBe(text);
}
